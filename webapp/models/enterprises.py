"""The enterprise green channel (绿色通道): the zone's enterprises and the industry departments
that oversee them, liaison officers' visits, employees' return filings (一分流两报备) with their
two approvals, the whitelist and green passes, and enterprise problems (企业难题, a kind of case).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .cases import Case
from .fieldwork import KEY
from .grid import Grid
from .people import Worker

# How a filed employee travels to the zone.
TRAVEL_MEANS = {
    "car": _l("Own car"),
    "train": _l("Train"),
    "plane": _l("Plane"),
    "coach": _l("Coach"),
    "other": _l("Other"),
}

# An approval's decision (None while waiting).
DECISIONS = {"approved": _l("Approved"), "refused": _l("Refused")}

# Enterprise problems (企业难题): their categories and urgency.
PROBLEM_CATEGORIES = {
    "staffing": _l("Staffing"),
    "housing": _l("Housing"),
    "supplies": _l("Protective supplies"),
    "logistics": _l("Logistics"),
    "government": _l("Government services"),
    "security": _l("Security"),
    "dispute": _l("Disputes"),
    "other": _l("Other"),
}
URGENCY = {"normal": _l("Normal"), "urgent": _l("Urgent")}


class IndustryDepartment(db.Model):
    """An industry department (行业主管部门) that oversees enterprises: a list the admin keeps."""

    __tablename__ = "industry_department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Enterprise(db.Model):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # The unified social credit code (统一社会信用代码), checked by webapp/identity.py.
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str] = mapped_column(String(120))
    # The grid node it belongs to (often a micro-grid of kind enterprise): the scope and the
    # reports count it there.
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("industry_department.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(40))
    contact_phone: Mapped[str] = mapped_column(String(11))
    employee_count: Mapped[int] = mapped_column(default=0)
    # The liaison officer (驻企指导员): a worker of the enterprise's subtree.
    liaison_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    client_key: Mapped[str | None] = mapped_column(KEY, unique=True)

    grid: Mapped[Grid] = relationship()
    department: Mapped[IndustryDepartment] = relationship()
    liaison: Mapped[Worker | None] = relationship(foreign_keys=[liaison_id])

    def __repr__(self) -> str:
        return f"<Enterprise {self.uscc} {self.name}>"


class EnterpriseVisit(db.Model):
    """A liaison officer's visit to an enterprise, logged like a household visit."""

    __tablename__ = "enterprise_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    visited_at: Mapped[datetime] = mapped_column(default=now)
    recorded_at: Mapped[datetime] = mapped_column(default=now)
    method: Mapped[str] = mapped_column(String(12), default="in_person")
    note: Mapped[str | None] = mapped_column(String(500))
    client_key: Mapped[str] = mapped_column(KEY, unique=True)

    enterprise: Mapped[Enterprise] = relationship()
    worker: Mapped[Worker] = relationship()

    __table_args__ = (Index("ix_enterprise_visit_time", "enterprise_id", "visited_at"),)


class ReturnFiling(db.Model):
    """A list of an enterprise's employees returning from elsewhere (两报备). The industry
    department approves or refuses the list; each employee's destination community approves or
    refuses that employee (FiledEmployee). Revoking the filing revokes every pass it gave."""

    __tablename__ = "return_filing"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    # "form" or "import" (an uploaded Excel list).
    source: Mapped[str] = mapped_column(String(8), default="form")
    department_decision: Mapped[str | None] = mapped_column(String(10))
    department_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    department_at: Mapped[datetime | None]
    department_reason: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    client_key: Mapped[str | None] = mapped_column(KEY, unique=True)

    enterprise: Mapped[Enterprise] = relationship()
    created_by: Mapped[Worker] = relationship(foreign_keys=[created_by_id])
    employees: Mapped[list[FiledEmployee]] = relationship(
        back_populates="filing", order_by="FiledEmployee.id"
    )


class FiledEmployee(db.Model):
    """One returning employee of a filing. On the whitelist once both approvals are given
    (the filing's department and this employee's destination community) and nothing revoked."""

    __tablename__ = "filed_employee"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("return_filing.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str] = mapped_column(String(11))
    origin: Mapped[str] = mapped_column(String(80))
    arrival_date: Mapped[date]
    means: Mapped[str] = mapped_column(String(8))
    # Where they will stay in the zone, and its micro-grid.
    stay_address: Mapped[str] = mapped_column(String(120))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    community_decision: Mapped[str | None] = mapped_column(String(10))
    community_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    community_at: Mapped[datetime | None]
    community_reason: Mapped[str | None] = mapped_column(String(200))
    # Let through on the green channel at a checkpoint (the first time).
    arrived_at: Mapped[datetime | None]

    filing: Mapped[ReturnFiling] = relationship(back_populates="employees")
    grid: Mapped[Grid] = relationship()
    green_pass: Mapped[GreenPass | None] = relationship(back_populates="employee")


class GreenPass(db.Model):
    """A green pass (绿色通行证) at /p/<code>: valid from..until unless revoked."""

    __tablename__ = "green_pass"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("filed_employee.id"), unique=True)
    # The public code (webapp/codes.py), printed in the QR.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))

    employee: Mapped[FiledEmployee] = relationship(back_populates="green_pass")


class EnterpriseProblem(db.Model):
    """What a case of kind "enterprise" adds: the enterprise, its department, the urgency.
    The case's grid is the enterprise's node; states, clocks and timeline are the cases'."""

    __tablename__ = "enterprise_problem"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("industry_department.id"), index=True)
    urgency: Mapped[str] = mapped_column(String(8), default="normal")

    case: Mapped[Case] = relationship(lazy="joined", innerjoin=True)
    enterprise: Mapped[Enterprise] = relationship()
    department: Mapped[IndustryDepartment] = relationship()
