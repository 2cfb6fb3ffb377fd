"""Screening sweeps (地毯式排查, 清村扫楼): every household under a node screened once in a
window, and each attempt at a door."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .fieldwork import KEY, Observation
from .grid import Grid
from .households import Household
from .people import Worker

# A screening with contact and at least one finding (the partial index's condition and the
# coverage's, word for word).
FINDINGS = "contact AND (returnee OR fever OR key_person OR elderly_alone)"

# What a sweep may ask at each door; the office picks some of them for each sweep.
SWEEP_CHECKS = {
    "returnee": _l("Anyone back from elsewhere in the last 14 days"),
    "fever": _l("Anyone with a fever or symptoms"),
    "key_person": _l("A key person"),
    "elderly_alone": _l("An elderly person living alone"),
    "note": _l("Free note"),
}


class Sweep(db.Model):
    """A screening campaign over a node of the tree and a window of days (both ends included).

    It is open from its first day to its last and closes by itself: nothing runs at the end,
    and its figures stay as they were, since they count only screenings made in the window.
    """

    __tablename__ = "sweep"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    checks: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    client_key: Mapped[str | None] = mapped_column(KEY, unique=True)

    grid: Mapped[Grid] = relationship()
    created_by: Mapped[Worker] = relationship()

    def is_open(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def days_left(self, day: date) -> int:
        """Days left including `day` (1 on the last day, 0 once closed)."""
        return max(0, (self.ends_on - day).days + 1)

    @property
    def check_labels(self) -> list[str]:
        return [str(SWEEP_CHECKS[c]) for c in self.checks if c in SWEEP_CHECKS]


class Screening(db.Model):
    """One attempt to screen a household in a sweep: somebody answered (`contact`), or nobody
    was at home. A household is screened once per sweep; attempts without contact may repeat.
    """

    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(primary_key=True)
    sweep_id: Mapped[int] = mapped_column(ForeignKey("sweep.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    # The micro-grid the household belonged to then: a later move leaves the screening there.
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    screened_at: Mapped[datetime] = mapped_column(default=now)
    contact: Mapped[bool] = mapped_column(default=True)
    # Findings, each its own column so that reports count them in one grouped statement.
    returnee: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str | None] = mapped_column(String(80))
    fever: Mapped[bool] = mapped_column(default=False)
    temperature: Mapped[float | None] = mapped_column(Numeric(3, 1, asdecimal=False))
    key_person: Mapped[bool] = mapped_column(default=False)
    elderly_alone: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    client_key: Mapped[str] = mapped_column(KEY, unique=True)

    sweep: Mapped[Sweep] = relationship()
    household: Mapped[Household] = relationship()
    worker: Mapped[Worker] = relationship()
    grid: Mapped[Grid] = relationship()

    __table_args__ = (
        Index("ix_screening_sweep_household", "sweep_id", "household_id"),
        # Coverage per micro-grid from the index alone (webapp/sweeps/queries.py).
        Index(
            "ix_screening_coverage",
            "sweep_id",
            "contact",
            "grid_id",
            "screened_at",
            "household_id",
            "returnee",
            "fever",
            "key_person",
            "elderly_alone",
        ),
        # The screenings with a finding (a tenth of them), so that coverage counts the
        # findings from these alone and the screened from ix_screening_coverage with a bare
        # COUNT(*): one statement counting both read every screening's four flags (on the
        # zone, 0.11 s against 0.06 + 0.02 s). Asked with the very same condition (SQLite
        # uses a partial index only for a WHERE that says what its own does).
        Index(
            "ix_screening_findings",
            "sweep_id",
            "grid_id",
            "screened_at",
            "returnee",
            "fever",
            "key_person",
            "elderly_alone",
            "contact",
            sqlite_where=text(FINDINGS),
            postgresql_where=text(FINDINGS),
        ),
        # Two phones screening one household at once leave one screening with contact.
        Index(
            "uq_screening_contact",
            "sweep_id",
            "household_id",
            unique=True,
            sqlite_where=text("contact"),
            postgresql_where=text("contact"),
        ),
    )

    @property
    def found(self) -> bool:
        return self.returnee or self.fever or self.key_person or self.elderly_alone


class SelfReportLink(db.Model):
    """A personal link for a resident under home observation to report their own temperature
    (自报). Its code is the link's only secret; it works while the observation is current and
    it has not been revoked."""

    __tablename__ = "self_report_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))

    observation: Mapped[Observation] = relationship()
