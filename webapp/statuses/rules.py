"""How colours change: by a worker with a reason, or raised by rule (a fever at a follow-up)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ..audit import trail
from ..clock import now
from ..extensions import db
from ..models import SEVERITY, Household, Resident, StatusChange, more_serious
from ..models.core import insert_columns, values_of

_household = Household.__table__
_changes = StatusChange.__table__

# A household's colour goes with its version (optimistic locking, as the ORM's version counter
# does): the UPDATE applies only to the version this request loaded. Core, built once: the
# ORM's flush of the change and the household cost a sixth of a colour change's instructions.
_SET_HOUSEHOLD_COLOUR = (
    update(_household)
    .where(
        _household.c.id == bindparam("household_id"),
        _household.c.version == bindparam("loaded_version"),
    )
    .values(status=bindparam("status"), version=bindparam("new_version"))
)
_CHANGE_COLUMNS = insert_columns(_changes)
_RECORD = insert(_changes).returning(_changes.c.id)


def _change(
    target: Household | Resident,
    household: Household,
    to_status: str,
    reason: str,
    worker_id: int | None,
    key: str | None,
) -> StatusChange | None:
    """Set `target`'s colour (a household or one of its residents) and record the change.

    Written at once, in the request's transaction: StaleDataError if the household changed
    since it was loaded, IntegrityError if this key was recorded before.
    """
    if target.status == to_status:
        return None
    is_resident = isinstance(target, Resident)
    change = StatusChange(
        household_id=household.id,
        resident=target if is_resident else None,
        resident_id=target.id if is_resident else None,
        worker_id=worker_id,
        grid_id=household.grid_id,
        changed_at=now(),
        from_status=target.status,
        to_status=to_status,
        reason=reason,
        client_key=key,
    )
    if is_resident:
        target.status = to_status  # residents have no version; flushed with the commit
    else:
        _set_household_colour(household, to_status)
    connection = db.session.connection()
    change.id = connection.execute(_RECORD, values_of(change, _CHANGE_COLUMNS)).scalar_one()
    if worker_id is not None and SEVERITY[to_status] < SEVERITY[change.from_status]:
        # Lowering a colour takes a household off the closer watch: a person's decision, on
        # the trail (raising it is the cautious direction; the change history keeps both).
        trail.record(
            "colour_lowered",
            worker_id,
            ("resident", target.id) if is_resident else ("household", household.id),
            household.grid_id,
            change=change.id,
            **{"from": change.from_status, "to": to_status},
        )
    return change


def _set_household_colour(household: Household, to_status: str) -> None:
    new_version = household.version + 1
    updated = (
        db.session.connection()
        .execute(
            _SET_HOUSEHOLD_COLOUR,
            {
                "household_id": household.id,
                "loaded_version": household.version,
                "status": to_status,
                "new_version": new_version,
            },
        )
        .rowcount
    )
    if updated != 1:
        raise StaleDataError(f"household {household.id} changed since version {household.version}")
    # The loaded object follows, as committed values: a later flush of other changes to the
    # household (a new member's count) then checks the new version.
    set_committed_value(household, "status", to_status)
    set_committed_value(household, "version", new_version)


def set_household_status(
    household: Household,
    to_status: str,
    reason: str,
    worker_id: int | None,
    key: str | None = None,
) -> StatusChange | None:
    """Change a household's colour and keep the change in its history (None if unchanged).

    `worker_id` None: raised by a rule."""
    return _change(household, household, to_status, reason, worker_id, key)


def set_resident_status(
    resident: Resident, to_status: str, reason: str, worker_id: int, key: str | None
) -> StatusChange | None:
    """Change one resident's colour; the household rises with it when it is more serious."""
    household = resident.household
    change = _change(resident, household, to_status, reason, worker_id, key)
    raised = more_serious(household.status, to_status)
    if raised != household.status:
        set_household_status(
            household,
            raised,
            _("%(name)s: %(reason)s", name=resident.name, reason=reason),
            worker_id,
        )
    return change


def raise_at_least(household: Household, floor: str, reason: str) -> StatusChange | None:
    """Raise a household to `floor` if it is below; never lowers (only a person does that)."""
    if SEVERITY[household.status] >= SEVERITY[floor]:
        return None
    return set_household_status(household, floor, reason, worker_id=None)


# Many households at once (an import's returnees): one select, one update, one insert.
_RAISE = (
    update(_household)
    .where(_household.c.id == bindparam("household_id"))
    .values(status=bindparam("new_status"), version=_household.c.version + 1)
)


def raise_all_at_least(raises: list[tuple[int, str]], floor: str) -> int:
    """raise_at_least() for many (household id, reason): each household below `floor` rises
    to it, by rule, with the change in its history (the first reason of a household); how
    many rose."""
    reasons: dict[int, str] = {}
    for household_id, reason in raises:
        reasons.setdefault(household_id, reason)
    if not reasons:
        return 0
    found = db.session.execute(
        select(_household.c.id, _household.c.status, _household.c.grid_id).where(
            _household.c.id.in_(list(reasons))
        )
    )
    below = [row for row in found if SEVERITY[row.status] < SEVERITY[floor]]
    if not below:
        return 0
    at = now()
    db.session.execute(_RAISE, [{"household_id": row.id, "new_status": floor} for row in below])
    changes = [
        StatusChange(
            household_id=row.id,
            grid_id=row.grid_id,
            changed_at=at,
            from_status=row.status,
            to_status=floor,
            reason=reasons[row.id],
        )
        for row in below
    ]
    db.session.execute(insert(_changes), [values_of(c, _CHANGE_COLUMNS) for c in changes])
    return len(below)
