"""Households (户) and the residents (人) who live in them."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .grid import Grid

# The four-colour warning (四色预警) plus the district's early light-yellow warning (浅黄预警),
# from most to least serious: lists and counts keep this order.
STATUSES = {
    "red": _l("Red"),
    "orange": _l("Orange"),
    "yellow": _l("Yellow"),
    "light_yellow": _l("Light yellow"),
    "green": _l("Green"),
}
SEVERITY = {status: rank for rank, status in enumerate(reversed(STATUSES))}  # green 0 … red 4


def more_serious(a: str, b: str) -> str:
    return a if SEVERITY[a] >= SEVERITY[b] else b


GENDERS = {"M": _l("Male"), "F": _l("Female")}
RESIDENT_TAGS = {
    "returnee": _l("Returnee"),
    "key_person": _l("Key person"),
    "elderly_alone": _l("Elderly living alone"),
}
# Home observation is no tag: it has dates and ends by itself (webapp/observations/), and the
# resident's row says so while it lasts. Tags of that name kept from older data are not shown.


class Household(db.Model):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    address: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(11))
    status: Mapped[str] = mapped_column(String(12), default="green")
    # Kept equal to the number of active residents by the views that add or remove one: the grid
    # browser sums it over 200,000 households instead of counting 500,000 residents per page.
    member_count: Mapped[int] = mapped_column(default=0)
    last_visit_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Optimistic locking: an UPDATE that finds another version raises StaleDataError, so two
    # workers editing one household at once cannot silently overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    grid: Mapped[Grid] = relationship()
    residents: Mapped[list[Resident]] = relationship(
        back_populates="household", order_by="Resident.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(
            "status IN ('red', 'orange', 'yellow', 'light_yellow', 'green')", name="status_known"
        ),
        # Covers the grid browser's grouped count: per micro-grid, status and member count.
        Index("ix_household_grid_counts", "grid_id", "active", "status", "member_count"),
    )

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.address}>"

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])


class Resident(db.Model):
    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int]
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    # One person's own colour (a close contact in a green household, say); the household's
    # colour is never below its most serious resident's.
    status: Mapped[str] = mapped_column(String(12), default="green")
    phone: Mapped[str | None] = mapped_column(String(11))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    origin: Mapped[str | None] = mapped_column(String(80))
    return_date: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # The sending key of the registration from a phone (webapp/idempotency.py): a copy sent
    # twice registers one resident.
    client_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    household: Mapped[Household] = relationship(back_populates="residents")

    __table_args__ = (
        CheckConstraint("gender IN ('M', 'F')", name="gender_known"),
        CheckConstraint(
            "status IN ('red', 'orange', 'yellow', 'light_yellow', 'green')", name="status_known"
        ),
        # The daily report's returnees registered on a day: a range of registrations.
        Index("ix_resident_created", "created_at"),
    )

    def __repr__(self) -> str:
        return f"<Resident {self.id}>"

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def gender_label(self) -> str:
        return str(GENDERS[self.gender])

    @property
    def tag_labels(self) -> list[str]:
        return [str(RESIDENT_TAGS[t]) for t in self.tags or [] if t in RESIDENT_TAGS]


class IdNumberCheck(db.Model):
    """A registration refused because its ID number belongs to a resident the registering
    worker may not see: kept for a supervisor to resolve (a typo, or the person moved), so that
    the worker learns nothing about where the number lives."""

    __tablename__ = "id_number_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    existing_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    filed_at: Mapped[datetime] = mapped_column(default=now)
    # What was typed, to register it once resolved (the ID number is the existing one's).
    name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(11))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    resolution: Mapped[str | None] = mapped_column(String(200))

    household: Mapped[Household] = relationship()
    existing: Mapped[Resident] = relationship()

    __table_args__ = (Index("ix_id_number_check_open", "resolved_at", "household_id"),)
