"""Households' rules: create one in a micro-grid, correct it, move it, take it out of the lists.

A household lives in one micro-grid. Moving it changes its `grid_id` and records the move
(HouseholdMove: from where, to where, when, by whom): every visit, colour change, follow-up and
errand keeps the micro-grid where it was made, and the daily report of a past day counts the
household itself (its colour, its observations) where the moves say it was that day, so the
reports of the old micro-grid stay as they were and the new one counts from the move on.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update

from ..clock import now
from ..extensions import db
from ..models import Grid, Household, HouseholdMove, Merge, Observation
from ..models.core import insert_columns, values_of
from ..observations.rules import refuse_while_observed
from ..rules import RuleError


def create(grid: Grid, address: str, phone: str | None = None) -> Household:
    """A new household of micro-grid `grid`."""
    check_can_hold_households(grid)
    household = Household(grid=grid, address=address, phone=phone or None)
    db.session.add(household)
    return household


def correct(household: Household, address: str, phone: str | None) -> None:
    household.address = address
    household.phone = phone or None


def move(household: Household, target: Grid, by_id: int) -> HouseholdMove | None:
    """Move the household to micro-grid `target` (None if it is there already); its history
    stays where it was made. `by_id` is who does it."""
    check_can_hold_households(target)
    return _move(household, target, by_id, now())


def move_all(households: list[Household], target: Grid, by_id: int) -> list[HouseholdMove]:
    """Move `households` (all or some of one micro-grid's, say) to micro-grid `target` at one
    moment; those already there stay as they are (a form sent twice moves nobody twice)."""
    if not households:
        raise RuleError(_("Choose the households to move."), field="households")
    check_can_hold_households(target)
    at = now()
    moves = [_move(household, target, by_id, at) for household in households]
    return [m for m in moves if m is not None]


def _move(household: Household, target: Grid, by_id: int, at: datetime) -> HouseholdMove | None:
    # The relationship, not grid_id: it is right before the flush too (two moves in one
    # transaction record A → B → C, not A → C twice).
    if household.grid.id == target.id:
        return None
    record = HouseholdMove(
        household=household,
        from_grid_id=household.grid.id,
        to_grid_id=target.id,
        moved_at=at,
        moved_by_id=by_id,
    )
    db.session.add(record)
    household.grid = target
    return record


def deactivate(household: Household, by_id: int) -> None:
    """Take the household out of the lists (moved away); its history stays. `by_id` is who
    does it."""
    refuse_while_observed(Observation.household_id == household.id)
    household.active = False


def activate(household: Household, by_id: int) -> None:
    """Bring a deactivated household back into the lists; never one merged into another
    (its history is the kept household's now)."""
    merged = db.session.scalar(
        select(Merge.id).where(Merge.kind == "household", Merge.merged_id == household.id)
    )
    if merged is not None:
        raise RuleError(_("This household was merged into another record: open that one."))
    household.active = True


def check_can_hold_households(grid: Grid) -> None:
    """RuleError unless `grid` is an active micro-grid."""
    if not grid.is_micro:
        raise RuleError(
            _("Households belong to a micro-grid. Open a micro-grid first."), field="grid_code"
        )
    if not grid.active:
        raise RuleError(_("%(name)s is deactivated.", name=grid.name), field="grid_code")


# --- many at once (an import) -----------------------------------------------------------------
# create() and correct() for batches of a few thousand rows, written with Core in the caller's
# transaction (ORM objects for 200,000 households would take minutes and gigabytes).

_household = Household.__table__
_CREATE_COLUMNS = insert_columns(_household)
_CORRECT = (
    update(_household)
    .where(_household.c.id == bindparam("household_id"))
    .values(
        address=bindparam("new_address"),
        phone=bindparam("new_phone"),
        version=_household.c.version + 1,
    )
)


def create_all(households: list[tuple[Grid, str, str | None]]) -> None:
    """create() for a batch of (micro-grid, address, phone), in one insert."""
    checked: set[int] = set()
    rows = []
    for grid, address, phone in households:
        if grid.id not in checked:
            check_can_hold_households(grid)
            checked.add(grid.id)
        household = Household(grid_id=grid.id, address=address, phone=phone or None)
        rows.append(values_of(household, _CREATE_COLUMNS))
    if rows:
        db.session.execute(insert(_household), rows)


def correct_all(corrections: list[tuple[int, str, str | None]]) -> None:
    """correct() for a batch of (household id, address, phone), in one statement; each
    household's version moves on, as the ORM's would."""
    rows = [
        {"household_id": household_id, "new_address": address, "new_phone": phone or None}
        for household_id, address, phone in corrections
    ]
    if rows:
        db.session.execute(_CORRECT, rows)
