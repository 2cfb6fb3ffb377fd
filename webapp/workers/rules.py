"""Workers' rules: who may be appointed, with which phone and role, and who may be stopped.

A phone number signs one worker in, so it is unique; a manager gives only the roles below their
own (webapp/permissions.manageable_roles); a new worker gets a first password, and a password a
manager sets is changed by its worker at the next sign-in; every new password passes
webapp/passwords.py, which also refuses the worker's own phone number; nobody deactivates
themselves (an office would lock itself out). A new password, a new role or area, and a
deactivation end every session of the worker, and a deactivation revokes their cards. Every
change goes to the audit trail. Where a worker may be placed (a node of the appointer's own
subtree) is the scope's business: the caller finds the node through scope.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from flask_babel import gettext as _
from sqlalchemy import select

from .. import passwords
from ..audit import trail
from ..cards.rules import WORKER_DEACTIVATED, revoke_cards_of
from ..extensions import db
from ..models import Grid, Worker
from ..permissions import manageable_roles
from ..rules import RuleError

# The roles that act for one enterprise or one department, and the column that binds them. Their
# accounts are opened from the enterprise's or the department's page (webapp/enterprises), never
# made by choosing the role on a tree worker: such an account with no binding would see nothing,
# and a tree worker turned into one would lose their area's work.
BOUND_ROLES = {"enterprise": "enterprise_id", "reviewer": "department_id"}


def bound_role(worker: Worker) -> str | None:
    """The role `worker` is bound to by an enterprise or a department, if any."""
    bound = (role for role, column in BOUND_ROLES.items() if getattr(worker, column) is not None)
    return next(bound, None)


@dataclass
class Appointment:
    """What a manager says about a worker: the form's fields, or an import's columns."""

    name: str
    phone: str | None  # None: keep the current one (the form shows it masked)
    role: str
    scope: Grid
    employment: str
    tags: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    password: str | None = None  # None or empty: keep the current one


class Manager(Protocol):
    """Whoever appoints: the signed-in worker, or the admin an import runs for."""

    id: int
    role: str


def phone_taken(phone: str, except_id: int | None = None) -> bool:
    stmt = select(Worker.id).where(Worker.phone == phone)
    if except_id is not None:
        stmt = stmt.where(Worker.id != except_id)
    return db.session.scalar(stmt) is not None


def problems(worker: Worker, appointment: Appointment, by: Manager) -> list[RuleError]:
    """Every reason the rules have to refuse `appointment` on `worker`, at once (a form says
    them all in one answer, not one per submit). A field the caller could not read is None
    (the phone) or empty and is only checked for being there."""
    new = worker.id is None
    found = []
    if appointment.role not in manageable_roles(by.role):
        found.append(RuleError(_("You cannot give this role."), field="role"))
    bound = bound_role(worker)
    if bound is None and appointment.role in BOUND_ROLES:
        found.append(
            RuleError(
                _(
                    "Enterprise accounts are opened from the enterprise's page, department "
                    "reviewers from the department's page."
                ),
                field="role",
            )
        )
    elif bound is not None and appointment.role != bound:
        found.append(
            RuleError(
                _("This account acts for an enterprise or a department: its role stays."),
                field="role",
            )
        )
    if new and not appointment.phone:
        found.append(RuleError(_("Enter the phone number."), field="phone"))
    if appointment.phone and phone_taken(appointment.phone, worker.id):
        found.append(RuleError(_("Another worker signs in with this phone number."), field="phone"))
    # An import hands new workers a hash already made (one first password for the file).
    if new and not appointment.password and not worker.password_hash:
        found.append(
            RuleError(
                _("Set a first password (at least %(min)d characters).", min=passwords.MIN_LENGTH),
                field="password",
            )
        )
    phone = appointment.phone or worker.phone
    if appointment.password and (reason := passwords.weakness(appointment.password, phone)):
        found.append(RuleError(str(reason), field="password"))
    return found


def appoint(worker: Worker, appointment: Appointment, by: Manager) -> Worker:
    """Save `appointment` on `worker` (a new Worker() or an existing one)."""
    new = worker.id is None
    if found := problems(worker, appointment, by):
        raise found[0]
    if appointment.scope is None:
        raise RuleError(_("Choose the area this worker looks after."), field="area")
    before = {"role": worker.role, "scope": worker.scope.code if worker.scope else None}
    changed = _changes(worker, appointment)
    worker.name = appointment.name
    worker.phone = appointment.phone or worker.phone
    worker.role = appointment.role
    worker.scope = appointment.scope
    worker.employment = appointment.employment
    worker.tags = list(appointment.tags)
    worker.positions = list(appointment.positions)
    if appointment.password:
        worker.set_password(appointment.password)
        # A password someone else set is known to two people: its worker replaces it.
        worker.must_change_password = worker.id != by.id
    if new:
        db.session.add(worker)
        db.session.flush()
        trail.record(
            "worker_created", by.id, ("worker", worker.id), worker.scope_id, role=worker.role
        )
        return worker
    if {"password", "role", "scope"} & set(changed):
        end_sessions(worker)
    if changed:
        details = {"changed": changed}
        for name in ("role", "scope"):
            if name in changed:
                details[name] = [before[name], worker.role if name == "role" else worker.scope.code]
        trail.record("worker_edited", by.id, ("worker", worker.id), worker.scope_id, **details)
    return worker


def _changes(worker: Worker, appointment: Appointment) -> list[str]:
    """The names of what `appointment` changes on an existing `worker` (never their values
    for the password)."""
    if worker.id is None:
        return []
    changed = [
        name
        for name, old, new in (
            ("name", worker.name, appointment.name),
            ("phone", worker.phone, appointment.phone or worker.phone),
            ("role", worker.role, appointment.role),
            ("scope", worker.scope_id, appointment.scope.id),
            ("employment", worker.employment, appointment.employment),
            ("tags", sorted(worker.tags or []), sorted(appointment.tags)),
            ("positions", sorted(worker.positions or []), sorted(appointment.positions)),
        )
        if old != new
    ]
    if appointment.password:
        changed.append("password")
    return changed


def change_own_password(worker: Worker, current: str, new: str) -> None:
    """The worker replaces their own password, proving the current one."""
    if not worker.check_password(current):
        raise RuleError(_("The current password is wrong."), field="current")
    if worker.check_password(new):
        raise RuleError(_("Choose a password other than the current one."), field="password")
    _check_password(new, worker.phone)
    worker.set_password(new)
    worker.must_change_password = False
    end_sessions(worker)
    trail.record("password_changed", worker.id, ("worker", worker.id), worker.scope_id)


def _check_password(password: str, phone: str | None) -> None:
    """Refuse a password that webapp/passwords.py refuses for the worker with `phone`."""
    if reason := passwords.weakness(password, phone):
        raise RuleError(str(reason), field="password")


def end_sessions(worker: Worker) -> None:
    """End every session and remember-me cookie of `worker`, on every phone and desk."""
    worker.session_epoch = (worker.session_epoch or 0) + 1


def deactivate(worker: Worker, by_id: int) -> None:
    """Stop a worker from signing in: their sessions end and their cards stop vouching for
    them; their visits and history stay."""
    if worker.id == by_id:
        raise RuleError(_("You cannot deactivate your own account."))
    worker.active = False
    end_sessions(worker)
    revoke_cards_of(worker.id, WORKER_DEACTIVATED, by_id)
    trail.record("worker_deactivated", by_id, ("worker", worker.id), worker.scope_id)


def activate(worker: Worker, by_id: int) -> None:
    """Let a deactivated worker sign in again (with a new sign-in: their old sessions and cards
    stay ended)."""
    worker.active = True
    trail.record("worker_activated", by_id, ("worker", worker.id), worker.scope_id)


def appoint_all(
    appointments: Iterable[tuple[Worker, Appointment]], by: Manager, first_password_hash: str | None
) -> None:
    """appoint() for many (an import): every new worker gets one first password, hashed once
    by the caller (scrypt costs a tenth of a second a hash: hours for a zone's workers), which
    they replace at their first sign-in."""
    for worker, appointment in appointments:
        if worker.id is None and first_password_hash:
            worker.password_hash = first_password_hash
            worker.must_change_password = True
        appoint(worker, appointment, by)
