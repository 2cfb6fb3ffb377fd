"""Residents' rules: registering, correcting, moving and removing a resident of a household.

A household's `member_count` is its number of active residents (the grid browser sums it
instead of counting half a million residents), so only these functions change who is active
and where.
A returnee starts at RETURNEE_STATUS (light yellow) and raises the household with them. An ID
number is registered once in the whole database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, select, update

from .. import idempotency
from ..clock import now, today
from ..extensions import db
from ..identity import birth_year_of, gender_of, is_valid_id_number
from ..models import Household, IdNumberCheck, Observation, Resident, ResidentMove
from ..models.core import insert_columns, values_of
from ..observations.rules import refuse_while_observed
from ..rules import RuleError, office_language
from ..statuses.rules import raise_all_at_least, raise_at_least


@dataclass
class Details:
    """What a person tells about a resident: the form's fields, or an import's columns."""

    name: str
    id_number: str
    phone: str | None = None
    tags: list[str] | None = None
    origin: str | None = None
    return_date: date | None = None

    @property
    def is_returnee(self) -> bool:
        return "returnee" in (self.tags or [])


class AlreadyRegistered(RuleError):
    """The ID number is another resident's (`existing`): where that is, the caller decides
    whether the user may know."""

    def __init__(self, existing: Resident) -> None:
        super().__init__(_("This ID number is already registered."), field="id_number")
        self.existing = existing


def holder_of(id_number: str, except_id: int | None = None) -> Resident | None:
    """The resident registered with `id_number` (but `except_id`), if any."""
    stmt = select(Resident).where(Resident.id_number == id_number)
    if except_id is not None:
        stmt = stmt.where(Resident.id != except_id)
    return db.session.scalar(stmt)


def register(household: Household, details: Details, key: str | None = None) -> Resident:
    """A new resident of `household`; a returnee starts light yellow and raises the household.
    `key`: the phone's sending key; a registration sent again with it is the one made before."""
    if key and (before := idempotency.existing(Resident, key)) is not None:
        return before
    _check(details, except_id=None)
    resident = Resident(household=household, client_key=key or None)
    _fill(resident, details)
    db.session.add(resident)
    household.member_count += 1
    if details.is_returnee:
        resident.status = current_app.config["RETURNEE_STATUS"]
        raise_at_least(
            household, resident.status, returnee_reason(resident.name, resident.origin or "")
        )
    return resident


def correct(resident: Resident, details: Details) -> None:
    """Correct what was registered (a typo in the name, a new phone, a tag)."""
    _check(details, except_id=resident.id)
    _fill(resident, details)


def remove(resident: Resident) -> None:
    """Take the resident off the household (moved out, deceased); the record stays."""
    refuse_while_observed(Observation.resident_id == resident.id)
    if resident.active:
        resident.active = False
        resident.household.member_count -= 1


def restore(resident: Resident) -> None:
    """Count a removed resident in the household again."""
    if not resident.active:
        resident.active = True
        resident.household.member_count += 1


def move_to(resident: Resident, household: Household, by_id: int) -> ResidentMove | None:
    """Move the resident to `household` (None if they live there already: a form sent twice
    moves nobody twice); `by_id` is who does it.

    Both households' member counts are counted again. The home observation current today goes
    along, recorded with the move so that the days before it still count it with the household
    it was in (webapp/observations/report.py); one that starts later goes too (no day has
    counted it yet); one that has ended stays where it ran. The new household rises to the
    resident's own colour when that is more serious; the old one keeps its colour for a person
    to lower.
    """
    old = resident.household
    if old.id == household.id:
        return None
    if not household.active:
        raise RuleError(_("%(address)s is deactivated.", address=household.address))
    day = today()
    current = None
    for observation in db.session.scalars(
        select(Observation).where(
            Observation.resident_id == resident.id,
            Observation.household_id == old.id,
            Observation.planned_end >= day,
        )
    ):
        if observation.current_on(day):
            current = observation
        elif observation.start_date <= day:
            continue  # released early: it ended here
        observation.household = household
    record = ResidentMove(
        resident=resident,
        from_household_id=old.id,
        to_household_id=household.id,
        observation=current,
        moved_at=now(),
        moved_by_id=by_id,
    )
    db.session.add(record)
    resident.household = household
    recount(old, household)
    raise_at_least(household, resident.status, moved_in_reason(resident.name))
    return record


def recount(*households: Household) -> None:
    """Set the member counts of `households` from their active residents (the pending changes
    are flushed first, by the query)."""
    counts = dict(
        db.session.execute(
            select(Resident.household_id, func.count())
            .where(Resident.household_id.in_([h.id for h in households]), Resident.active)
            .group_by(Resident.household_id)
        ).all()
    )
    for household in households:
        household.member_count = counts.get(household.id, 0)


def moved_in_reason(name: str) -> str:
    with office_language():
        return _("%(name)s moved in", name=name)


def returnee_reason(name: str, place: str) -> str:
    with office_language():
        return _("%(name)s returned from %(place)s", name=name, place=place)


def _check(details: Details, except_id: int | None) -> None:
    check_details(details)
    if (existing := holder_of(details.id_number, except_id)) is not None:
        raise AlreadyRegistered(existing)


def _fill(resident: Resident, details: Details) -> None:
    resident.name = details.name
    resident.id_number = details.id_number
    resident.gender = gender_of(details.id_number)
    resident.birth_year = birth_year_of(details.id_number)
    resident.phone = details.phone or None
    resident.tags = list(details.tags or [])
    resident.origin = details.origin if details.is_returnee else None
    resident.return_date = details.return_date if details.is_returnee else None


def file_check(household: Household, details: Details, existing: Resident, by_id: int) -> None:
    """Keep a registration that met `existing`'s ID number for a supervisor to resolve."""
    db.session.add(
        IdNumberCheck(
            household=household,
            existing=existing,
            filed_by_id=by_id,
            name=details.name,
            phone=details.phone or None,
        )
    )


def resolve_check(check: IdNumberCheck, resolution: str, by_id: int) -> None:
    """Close a check with what was found (a mistyped number, a person who moved ...)."""
    if check.resolved_at is None:
        check.resolved_at = now()
        check.resolved_by_id = by_id
        check.resolution = resolution


# --- many at once (an import) -----------------------------------------------------------------
# The same rules as above for batches of a few thousand rows, written with Core inside the
# caller's transaction: ORM objects for half a million residents would take gigabytes and
# hours. The caller batches and commits once.

_resident = Resident.__table__
_household = Household.__table__
_REGISTER_COLUMNS = insert_columns(_resident)
# What correct() changes: the columns _fill() sets.
_CORRECTED = ("name", "id_number", "gender", "birth_year", "phone", "tags", "origin", "return_date")
_CORRECT = (
    update(_resident)
    .where(_resident.c.id == bindparam("resident_id"))
    .values({name: bindparam(f"new_{name}") for name in _CORRECTED})
)
# member_count is the number of active residents, by definition; the household's version moves
# on as the ORM's would, so that a form opened before the import says it changed meanwhile.
_RECOUNT = (
    update(_household)
    .where(_household.c.id == bindparam("household_id"))
    .values(
        member_count=select(func.count())
        .where(_resident.c.household_id == _household.c.id, _resident.c.active)
        .scalar_subquery(),
        version=_household.c.version + 1,
    )
)


def check_details(details: Details) -> None:
    """What a resident's details must hold, before the database is asked (RuleError)."""
    if not details.id_number:
        raise RuleError(_("Enter the ID number."), field="id_number")
    if not is_valid_id_number(details.id_number):
        raise RuleError(
            _("This is not a valid ID number: check the 18 characters (the last may be X)."),
            field="id_number",
        )
    if details.is_returnee and not details.origin:
        raise RuleError(_("For a returnee, enter where they returned from."), field="origin")
    if details.is_returnee and not details.return_date:
        raise RuleError(_("For a returnee, enter the return date."), field="return_date")


def register_all(registrations: list[tuple[int, Details]]) -> None:
    """register() for a batch of (household id, details): the same checks, one insert, each
    household's member_count recounted once, and returnees' households raised with their
    colour change recorded."""
    for _household_id, details in registrations:
        check_details(details)
    _check_unregistered({d.id_number: None for _h, d in registrations})
    returnee = current_app.config["RETURNEE_STATUS"]
    rows, raised = [], []
    for household_id, details in registrations:
        resident = Resident(household_id=household_id)
        _fill(resident, details)
        if details.is_returnee:
            resident.status = returnee
            raised.append((household_id, returnee_reason(resident.name, resident.origin or "")))
        rows.append(values_of(resident, _REGISTER_COLUMNS))
    if not rows:
        return
    db.session.execute(insert(_resident), rows)
    recount_members({household_id for household_id, _d in registrations})
    raise_all_at_least(raised, returnee)


def correct_all(corrections: list[tuple[int, Details]]) -> None:
    """correct() for a batch of (resident id, details), in one statement."""
    for _resident_id, details in corrections:
        check_details(details)
    _check_unregistered({d.id_number: resident_id for resident_id, d in corrections})
    rows = []
    for resident_id, details in corrections:
        resident = Resident()
        _fill(resident, details)
        row = {f"new_{name}": getattr(resident, name) for name in _CORRECTED}
        rows.append({"resident_id": resident_id, **row})
    if rows:
        db.session.execute(_CORRECT, rows)


def recount_members(household_ids: set[int]) -> None:
    """Set member_count to the number of active residents of each of these households."""
    if household_ids:
        db.session.execute(_RECOUNT, [{"household_id": i} for i in sorted(household_ids)])


def _check_unregistered(numbers: dict[str, int | None]) -> None:
    """AlreadyRegistered unless every ID number is free or held by the resident it maps to."""
    taken = db.session.scalars(select(Resident).where(Resident.id_number.in_(list(numbers))))
    for existing in taken:
        if numbers[existing.id_number] != existing.id:
            raise AlreadyRegistered(existing)
