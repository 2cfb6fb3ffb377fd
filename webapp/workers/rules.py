"""Workers' rules: who may be appointed, with which phone and role, and who may be stopped.

A phone number signs one worker in, so it is unique; nobody gives a role that can do more than
their own (webapp/permissions.py); a new worker gets a first password; nobody deactivates
themselves (an office would lock itself out). Where a worker may be placed (a node of the
appointer's own subtree) is the scope's business: the caller finds the node through scope.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Grid, Worker
from ..permissions import grantable_roles
from ..rules import RuleError


@dataclass
class Appointment:
    """What a manager says about a worker: the form's fields, or an import's columns."""

    name: str
    phone: str
    role: str
    scope: Grid
    employment: str
    tags: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    password: str | None = None  # None or empty: keep the current one


def phone_taken(phone: str, except_id: int | None = None) -> bool:
    stmt = select(Worker.id).where(Worker.phone == phone)
    if except_id is not None:
        stmt = stmt.where(Worker.id != except_id)
    return db.session.scalar(stmt) is not None


def appoint(worker: Worker, appointment: Appointment, by_role: str) -> Worker:
    """Save `appointment` on `worker` (a new Worker() or an existing one); `by_role` is the
    role of whoever appoints."""
    if appointment.role not in grantable_roles(by_role):
        raise RuleError(_("You cannot give this role."), field="role")
    if phone_taken(appointment.phone, worker.id):
        raise RuleError(_("Another worker signs in with this phone number."), field="phone")
    if worker.id is None and not appointment.password:
        raise RuleError(_("Set a first password (at least 8 characters)."), field="password")
    worker.name = appointment.name
    worker.phone = appointment.phone
    worker.role = appointment.role
    worker.scope = appointment.scope
    worker.employment = appointment.employment
    worker.tags = list(appointment.tags)
    worker.positions = list(appointment.positions)
    if appointment.password:
        worker.set_password(appointment.password)
    if worker.id is None:
        db.session.add(worker)
    return worker


def deactivate(worker: Worker, by_id: int) -> None:
    """Stop a worker from signing in (their open sessions end at their next request); their
    visits and history stay."""
    if worker.id == by_id:
        raise RuleError(_("You cannot deactivate your own account."))
    worker.active = False


def activate(worker: Worker, by_id: int) -> None:
    worker.active = True
