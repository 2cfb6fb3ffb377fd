"""Green passes (绿色通行证): issued to a whitelisted employee, valid for a window of days around
the planned arrival, revoked with a reason (revoking a filing revokes every pass it gave).
None of these commits: the caller does."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import codes
from ..audit import trail
from ..checkpoints import rules as checkpoint_rules
from ..extensions import db
from ..models import Checkpoint, CheckpointCheck, FiledEmployee, GreenPass
from ..rules import RuleError

# What a pass is on a day (the public page names all three).
VALID, EXPIRED, REVOKED, NOT_YET = "valid", "expired", "revoked", "not_yet"


def whitelisted(employee: FiledEmployee) -> bool:
    """Both approvals given (the filing's department, the employee's destination community)
    and the filing not revoked: the employee is on the whitelist."""
    filing = employee.filing
    return (
        filing.department_decision == "approved"
        and employee.community_decision == "approved"
        and filing.revoked_at is None
    )


def _new_code() -> str:
    while True:
        code = codes.new_code()
        if db.session.scalar(select(GreenPass.id).where(GreenPass.code == code)) is None:
            return code


def issue(employee: FiledEmployee, at: datetime) -> GreenPass:
    """The employee's pass, valid from the day before the planned arrival (an early train)
    for PASS_VALID_DAYS days after it; the pass already issued if there is one."""
    if employee.green_pass is not None:
        return employee.green_pass
    if not whitelisted(employee):
        raise RuleError(_("Only a whitelisted employee gets a green pass."))
    days = current_app.config["PASS_VALID_DAYS"]
    green_pass = GreenPass(
        employee=employee,
        code=_new_code(),
        valid_from=employee.arrival_date - timedelta(days=1),
        valid_until=employee.arrival_date + timedelta(days=days),
        issued_at=at,
    )
    db.session.add(green_pass)
    return green_pass


def revoke(green_pass: GreenPass, by_id: int, reason: str, at: datetime) -> None:
    """Revoke the pass (once: a revoked pass keeps its first reason)."""
    if not reason.strip():
        raise RuleError(_("Say why the pass is revoked."), field="reason")
    if green_pass.revoked_at is not None:
        return
    green_pass.revoked_at = at
    green_pass.revoked_by_id = by_id
    green_pass.revoke_reason = reason.strip()
    if green_pass.id is None:  # issued and revoked in one transaction
        db.session.flush()
    trail.record(
        "pass_revoked",
        by_id,
        ("green_pass", green_pass.id),
        green_pass.employee.grid_id,
        reason=green_pass.revoke_reason,
    )


def state_on(green_pass: GreenPass, day: date) -> str:
    if green_pass.revoked_at is not None:
        return REVOKED
    if day < green_pass.valid_from:
        return NOT_YET
    if day > green_pass.valid_until:
        return EXPIRED
    return VALID


def refusal(state: str) -> str:
    """Why a pass in `state` lets nobody through (said on the page and to a refused post)."""
    return {
        EXPIRED: _("This pass has expired: check the person as any other arrival."),
        REVOKED: _("This pass was revoked: check the person as any other arrival."),
        NOT_YET: _("This pass is not valid yet: check the person as any other arrival."),
    }.get(state, _("This pass is not valid."))


def let_through(
    green_pass: GreenPass, checkpoint: Checkpoint, worker_id: int, key: str, at: datetime
) -> CheckpointCheck:
    """A valid pass shown at `checkpoint`: a green-channel check and, on the employee's first
    passage, a handover to their destination micro-grid filed from the return filing (the
    community approved them already; the closed loop ends when a worker there receives them).
    Later passages are green-channel checks only: the community knows them by then.
    Uncommitted; a key sent before raises IntegrityError at the flush or the commit."""
    state = state_on(green_pass, at.date())
    employee = green_pass.employee
    if state == VALID and not whitelisted(employee):
        state = REVOKED  # the filing was revoked after the pass was issued
    if state != VALID:
        raise RuleError(refusal(state))
    # Two checkpoints tapping the same pass at once: the second waits here (PostgreSQL) and
    # reads the first one's arrival, so the community gets one handover.
    db.session.refresh(employee, ["arrived_at"], with_for_update=True)
    if employee.arrived_at is None:
        arrival = checkpoint_rules.Arrival(
            name=employee.name,
            id_number=employee.id_number,
            phone=employee.phone,
            origin=employee.origin,
            address=employee.stay_address,
            destination=employee.grid,
        )
        handover = checkpoint_rules.hand_over(checkpoint, worker_id, arrival, key, at)
        handover.employee_id = employee.id
        employee.arrived_at = at
        made = handover.check
    else:
        made = checkpoint_rules.check(checkpoint, worker_id, "person", "let_through", key, at)
    made.green_channel = True
    return made
