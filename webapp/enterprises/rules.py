"""Enterprises' rules: the industry departments the admin keeps, the enterprise registry, the
liaison officers' visits, and the accounts of the two roles that stand outside the tree.

An industry department's name is unique (two 商务局 would split its enterprises). An
enterprise's unified social credit code passes the GB 32100 check and is unique in the zone; it
belongs to a node of the tree and to an active department; its liaison officer (驻企指导员) is an
active worker of the tree's roles whose area holds the enterprise's node. A liaison visit is
logged once per sending key, by the liaison officer or a supervisor of the enterprise's node,
and its author may take it back for UNDO_MINUTES. An enterprise account acts for one enterprise
(its scope is the enterprise's node); a department reviewer for one department (its scope is
the zone's root): both are made through the workers' rules (passwords, sessions, the trail).
Every change goes to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from ..audit import trail
from ..extensions import db
from ..identity import is_valid_uscc, mask_phone
from ..models import Enterprise, EnterpriseVisit, Grid, IndustryDepartment, Worker
from ..permissions import Can, role_can, roles_with
from ..rules import RuleError
from ..workers import rules as workers

# How a liaison officer met the enterprise.
VISIT_METHODS = {
    "in_person": _l("On site"),
    "phone": _l("Phone call"),
    "wechat": _l("WeChat"),
    "meeting": _l("Meeting"),
}


# Industry departments ------------------------------------------------------------------------


def _department_named(name: str, except_id: int | None = None) -> IndustryDepartment | None:
    stmt = select(IndustryDepartment).where(IndustryDepartment.name == name)
    if except_id is not None:
        stmt = stmt.where(IndustryDepartment.id != except_id)
    return db.session.scalar(stmt)


def _check_department_name(name: str, except_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise RuleError(_("Enter the department's name."), field="name")
    if len(name) > 40:
        raise RuleError(_("At most %(max)d characters.", max=40), field="name")
    if _department_named(name, except_id) is not None:
        raise RuleError(_("A department called %(name)s exists already.", name=name), field="name")
    return name


def add_department(name: str, by_id: int) -> IndustryDepartment:
    """A new industry department in the list."""
    department = IndustryDepartment(name=_check_department_name(name))
    db.session.add(department)
    db.session.flush()
    trail.record("department_added", by_id, ("department", department.id), None, name=name)
    return department


def rename_department(department: IndustryDepartment, name: str, by_id: int) -> None:
    name = _check_department_name(name, department.id)
    if name == department.name:
        return
    trail.record(
        "department_renamed",
        by_id,
        ("department", department.id),
        None,
        name=[department.name, name],
    )
    department.name = name


def deactivate_department(department: IndustryDepartment, by_id: int) -> None:
    """Out of the lists offered for new enterprises; its enterprises and reviewers stay."""
    department.active = False
    trail.record("department_deactivated", by_id, ("department", department.id), None)


def activate_department(department: IndustryDepartment, by_id: int) -> None:
    department.active = True
    trail.record("department_activated", by_id, ("department", department.id), None)


# What webapp/activation.py switches for the departments' pages.
departments = SimpleNamespace(deactivate=deactivate_department, activate=activate_department)


# Enterprises -------------------------------------------------------------------------------


@dataclass
class Details:
    """What the office says about an enterprise: the form's fields, or an import's columns."""

    name: str
    uscc: str
    address: str
    grid: Grid
    department: IndustryDepartment
    contact_name: str
    contact_phone: str | None  # None: keep the stored one (the edit form shows it masked)
    employee_count: int
    liaison: Worker | None = None


def holder_of(uscc: str, except_id: int | None = None) -> Enterprise | None:
    """The enterprise registered with this code, if any (in scope or not: the caller says only
    what the user may know)."""
    stmt = select(Enterprise).where(Enterprise.uscc == uscc)
    if except_id is not None:
        stmt = stmt.where(Enterprise.id != except_id)
    return db.session.scalar(stmt)


def may_be_liaison(worker: Worker, grid: Grid) -> bool:
    """A liaison officer is an active worker of the tree whose area holds the enterprise's node."""
    return (
        worker.active
        and role_can(worker.role, Can.FIELD_WORK)
        and grid.path.startswith(worker.scope.path)
    )


def liaison_candidates(grid: Grid) -> Select:
    """Active workers of the tree's roles whose area holds `grid` (its node and those above)."""
    return (
        select(Worker)
        .join(Worker.scope)
        .where(
            Worker.active,
            Worker.role.in_(roles_with(Can.FIELD_WORK)),
            Grid.id.in_(grid.ancestor_ids),
        )
    )


def _nobody(enterprise: Enterprise) -> bool:
    return False


def problems(
    enterprise: Enterprise, details: Details, visible: Callable[[Enterprise], bool] = _nobody
) -> list[RuleError]:
    """Every reason to refuse `details` for `enterprise` (new or not), at once. `visible` says
    whether the user may learn of another enterprise (the one holding the same code)."""
    found = []
    if not is_valid_uscc(details.uscc or ""):
        found.append(
            RuleError(
                _("This is not a valid unified social credit code (18 characters)."),
                field="uscc",
            )
        )
    elif (holder := holder_of(details.uscc, enterprise.id)) is not None:
        found.append(
            RuleError(
                _(
                    "This unified social credit code is registered already: %(name)s.",
                    name=holder.name,
                )
                if visible(holder)
                else _("This unified social credit code is registered already."),
                field="uscc",
            )
        )
    if not details.department.active and details.department.id != enterprise.department_id:
        found.append(RuleError(_("This department is no longer in use."), field="department"))
    if enterprise.id is None and not details.contact_phone:
        found.append(RuleError(_("Enter the contact's phone."), field="contact_phone"))
    if details.employee_count < 0:
        found.append(
            RuleError(_("Between %(min)d and %(max)d.", min=0, max=10**6), field="employees")
        )
    if details.liaison is not None and not may_be_liaison(details.liaison, details.grid):
        found.append(
            RuleError(
                _("%(name)s does not work in this enterprise's area.", name=details.liaison.name),
                field="liaison",
            )
        )
    return found


def _apply(enterprise: Enterprise, details: Details) -> list[str]:
    changed = []
    for name, value in (
        ("name", details.name),
        ("uscc", details.uscc),
        ("address", details.address),
        ("grid_id", details.grid.id),
        ("department_id", details.department.id),
        ("contact_name", details.contact_name),
        ("contact_phone", details.contact_phone or enterprise.contact_phone),
        ("employee_count", details.employee_count),
        ("liaison_id", details.liaison.id if details.liaison else None),
    ):
        if getattr(enterprise, name) != value:
            changed.append(name)
            setattr(enterprise, name, value)
    return changed


def register(
    details: Details,
    key: str | None,
    by_id: int,
    visible: Callable[[Enterprise], bool] = _nobody,
) -> Enterprise:
    """A new enterprise in the registry."""
    enterprise = Enterprise(client_key=key)
    if found := problems(enterprise, details, visible):
        raise found[0]
    _apply(enterprise, details)
    db.session.add(enterprise)
    db.session.flush()
    trail.record(
        "enterprise_registered",
        by_id,
        ("enterprise", enterprise.id),
        enterprise.grid_id,
        name=enterprise.name,
        uscc=enterprise.uscc,
    )
    return enterprise


def update(
    enterprise: Enterprise,
    details: Details,
    by_id: int,
    visible: Callable[[Enterprise], bool] = _nobody,
) -> None:
    """Change an enterprise's details (its liaison officer too)."""
    if found := problems(enterprise, details, visible):
        raise found[0]
    changed = _apply(enterprise, details)
    if changed:
        # The names of what changed; a phone never goes to the trail in full.
        extra = (
            {"contact_phone": mask_phone(enterprise.contact_phone)}
            if ("contact_phone" in changed)
            else {}
        )
        trail.record(
            "enterprise_edited",
            by_id,
            ("enterprise", enterprise.id),
            enterprise.grid_id,
            changed=changed,
            **extra,
        )


def deactivate(enterprise: Enterprise, by_id: int) -> None:
    """Out of the lists (closed, moved away); its history and accounts stay, its accounts can
    no longer open it."""
    enterprise.active = False
    trail.record("enterprise_deactivated", by_id, ("enterprise", enterprise.id), enterprise.grid_id)


def activate(enterprise: Enterprise, by_id: int) -> None:
    enterprise.active = True
    trail.record("enterprise_activated", by_id, ("enterprise", enterprise.id), enterprise.grid_id)


# Liaison visits ----------------------------------------------------------------------------


def may_visit(enterprise: Enterprise, worker: Worker) -> bool:
    """The liaison officer, or a supervisor (of the tree) whose area holds the enterprise."""
    if worker.id == enterprise.liaison_id:
        return True
    return role_can(worker.role, Can.SUPERVISE) and enterprise.grid.path.startswith(
        worker.scope.path
    )


def log_visit(
    enterprise: Enterprise,
    worker: Worker,
    visited_at: datetime,
    method: str,
    key: str,
    note: str | None = None,
) -> EnterpriseVisit:
    """A liaison visit to `enterprise`; the same `key` twice is one visit (the caller answers a
    unique-key clash as the first copy did)."""
    if not enterprise.active:
        raise RuleError(_("This enterprise is deactivated."))
    if not may_visit(enterprise, worker):
        raise RuleError(_("Only the enterprise's liaison officer or a supervisor logs its visits."))
    if method not in VISIT_METHODS:
        raise RuleError(_("Choose how you met the enterprise."), field="method")
    visit = EnterpriseVisit(
        enterprise_id=enterprise.id,
        worker_id=worker.id,
        visited_at=visited_at,
        method=method,
        note=note or None,
        client_key=key,
    )
    db.session.add(visit)
    db.session.flush()
    return visit


def can_undo(visit: EnterpriseVisit, worker_id: int, at: datetime, window: timedelta) -> bool:
    """Its author, less than `window` after it was recorded."""
    return visit.worker_id == worker_id and at - visit.recorded_at <= window


def undo_visit(visit: EnterpriseVisit, worker_id: int, at: datetime, window: timedelta) -> None:
    """Take back a liaison visit logged by mistake; the trail keeps what it was."""
    if not can_undo(visit, worker_id, at, window):
        raise RuleError(_("Only its author can undo a visit, and only for a few minutes."))
    trail.record(
        "enterprise_visit_undone",
        worker_id,
        ("enterprise", visit.enterprise_id),
        visit.enterprise.grid_id,
        visited_at=visit.visited_at.isoformat(timespec="minutes"),
        method=visit.method,
    )
    db.session.delete(visit)
    db.session.flush()


def last_visits(enterprise_ids: list[int]) -> dict[int, datetime]:
    """The last liaison visit of each enterprise: one grouped statement."""
    if not enterprise_ids:
        return {}
    stmt = (
        select(EnterpriseVisit.enterprise_id, func.max(EnterpriseVisit.visited_at))
        .where(EnterpriseVisit.enterprise_id.in_(enterprise_ids))
        .group_by(EnterpriseVisit.enterprise_id)
    )
    return dict(db.session.execute(stmt).all())


# Accounts of the two roles outside the tree ------------------------------------------------


@dataclass
class Account:
    name: str
    phone: str
    password: str


def _open(account: Account, role: str, scope: Grid, by: workers.Manager, **bound) -> Worker:
    worker = Worker(**bound)
    appointment = workers.Appointment(
        name=account.name,
        phone=account.phone,
        role=role,
        scope=scope,
        employment="part_time",
        password=account.password,
    )
    return workers.appoint(worker, appointment, by)


def open_enterprise_account(
    enterprise: Enterprise, account: Account, by: workers.Manager
) -> Worker:
    """The enterprise's own account: it files and reports for this enterprise only. Its
    scope is the enterprise's node (the trail files its entries there)."""
    if not enterprise.active:
        raise RuleError(_("This enterprise is deactivated."))
    return _open(account, "enterprise", enterprise.grid, by, enterprise_id=enterprise.id)


def zone_root() -> Grid:
    return db.session.scalar(select(Grid).where(Grid.parent_id.is_(None)).order_by(Grid.id))


def open_reviewer_account(
    department: IndustryDepartment, account: Account, by: workers.Manager
) -> Worker:
    """A reviewer of the department: its scope is the zone's root, since its enterprises lie
    anywhere in the zone (webapp/scope.enterprises reads the department, not the tree)."""
    if not department.active:
        raise RuleError(_("This department is no longer in use."))
    return _open(account, "reviewer", zone_root(), by, department_id=department.id)


def accounts_of(**bound) -> list[Worker]:
    """The accounts bound to an enterprise (enterprise_id=...) or a department."""
    ((column, value),) = bound.items()
    return list(
        db.session.scalars(
            select(Worker).where(getattr(Worker, column) == value).order_by(Worker.name)
        )
    )
