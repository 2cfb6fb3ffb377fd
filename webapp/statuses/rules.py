"""How colours change: by a worker with a reason, or raised by rule (a fever at a follow-up)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..clock import now
from ..extensions import db
from ..models import SEVERITY, Household, Resident, StatusChange, more_serious


def _change(
    target: Household | Resident,
    household: Household,
    to_status: str,
    reason: str,
    worker_id: int | None,
    key: str | None,
) -> StatusChange | None:
    """Set `target`'s colour (a household or one of its residents) and record the change."""
    if target.status == to_status:
        return None
    change = StatusChange(
        household=household,
        resident=target if isinstance(target, Resident) else None,
        worker_id=worker_id,
        grid_id=household.grid_id,
        changed_at=now(),
        from_status=target.status,
        to_status=to_status,
        reason=reason,
        client_key=key,
    )
    target.status = to_status
    db.session.add(change)
    return change


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
