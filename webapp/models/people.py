"""Grid workers (网格员): the people who sign in."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import now
from ..extensions import db
from ..permissions import Can, role_can
from .grid import Grid

ROLES = {
    "admin": _l("Administrator"),
    "supervisor": _l("Supervisor"),
    "worker": _l("Grid worker"),
    # An enterprise's own contact: files returning staff and problems for that enterprise only.
    "enterprise": _l("Enterprise account"),
    # An industry department's reviewer: approves the return filings of that department.
    "reviewer": _l("Department reviewer"),
}
# The roles of the grid tree itself: what a worker row of an imported roster may be given (an
# enterprise account or a reviewer is bound to its enterprise or department, made on its page).
TREE_ROLES = {name: ROLES[name] for name in ("admin", "supervisor", "worker")}
EMPLOYMENT = {"full_time": _l("Full-time"), "part_time": _l("Part-time")}
WORKER_TAGS = {
    "party_member": _l("Party member"),
    "militia": _l("Militia"),
    "teacher": _l("Teacher"),
    "volunteer": _l("Volunteer"),
}
POSITIONS = {
    "grid_leader": _l("Grid leader"),
    "micro_leader": _l("Micro-grid leader"),
    "floor_leader": _l("Floor leader"),
    "unit_leader": _l("Unit leader"),
}


class HasRole:
    """What a role allows (webapp/permissions.py); shared by the Worker record and the
    signed-in worker that every request loads (webapp/auth/signed_in.py). Both have a `role`."""

    def can(self, capability: Can) -> bool:
        return role_can(self.role, capability)


class Worker(HasRole, db.Model):
    __tablename__ = "worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12), default="worker")
    scope_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    employment: Mapped[str] = mapped_column(String(12), default="part_time")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    positions: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # The ID-card photo is a JPEG file under instance/photos/; this counts its replacements so
    # that cached copies are refreshed (0: no photo yet).
    photo_version: Mapped[int] = mapped_column(default=0)
    # Part of every session and remember-me cookie of this worker: raising it ends them all
    # (sign-out, a new password, a new role or area, deactivation).
    session_epoch: Mapped[int] = mapped_column(default=0)
    # Set by a manager's password reset: the worker chooses their own at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # The worker agreed to show their number on their micro-grid's public page (a tap to call).
    phone_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The enterprise an enterprise account acts for, the department a reviewer reviews for.
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id", use_alter=True))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("industry_department.id"))

    scope: Mapped[Grid] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (Index("ix_worker_scope_active", "scope_id", "active"),)

    def __repr__(self) -> str:
        return f"<Worker {self.phone} {self.role}>"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return str(ROLES[self.role])

    @property
    def employment_label(self) -> str:
        return str(EMPLOYMENT[self.employment])

    @property
    def tag_labels(self) -> list[str]:
        return [str(WORKER_TAGS[t]) for t in self.tags or [] if t in WORKER_TAGS]

    @property
    def position_labels(self) -> list[str]:
        return [str(POSITIONS[p]) for p in self.positions or [] if p in POSITIONS]
