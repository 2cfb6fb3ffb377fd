"""Duplicates: records merged into another, pairs found not to be duplicates, and the
resolution of visits flagged as possible duplicates.

A merge keeps both records: the one merged away is deactivated and its rows (visits, colour
changes, observations and their follow-ups, errands) now belong to the one kept; the Merge row
says which went into which, when and by whom, so that the kept record's history shows it and a
record is never merged twice.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .fieldwork import Visit
from .people import Worker

# What can be merged: the kind names the table the ids are of.
MERGE_KINDS = {"resident": _l("Resident"), "household": _l("Household")}
VISIT_OUTCOMES = {"kept": _l("Kept"), "struck": _l("Struck out of the counts")}


class Merge(db.Model):
    """Record `merged_id` of `kind` was merged into record `kept_id` (both of that kind)."""

    __tablename__ = "record_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    kept_id: Mapped[int]
    merged_id: Mapped[int]
    # The micro-grid of the kept record at the time, for the audit trail's area.
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    merged_at: Mapped[datetime] = mapped_column(default=now)
    merged_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    # What was moved over, as counts ({"visits": 3, ...}), and what the merged record was
    # called then (masked), for the history.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    merged_by: Mapped[Worker] = relationship()

    __table_args__ = (
        CheckConstraint("kind IN ('resident', 'household')", name="kind_known"),
        # A record is merged away once.
        UniqueConstraint("kind", "merged_id", name="uq_record_merge_merged"),
        Index("ix_record_merge_kept", "kind", "kept_id"),
    )


class NotDuplicate(db.Model):
    """A pair a person found not to be duplicates: not offered again (`first_id` < `second_id`)."""

    __tablename__ = "not_duplicate"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    first_id: Mapped[int]
    second_id: Mapped[int]
    decided_at: Mapped[datetime] = mapped_column(default=now)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))

    __table_args__ = (
        CheckConstraint("kind IN ('resident', 'household')", name="kind_known"),
        CheckConstraint("first_id < second_id", name="ordered"),
        UniqueConstraint("kind", "first_id", "second_id", name="uq_not_duplicate_pair"),
    )


class VisitResolution(db.Model):
    """A supervisor's decision on a visit flagged as a possible duplicate: kept, or struck out
    of every count (today's lists, the daily report, the period figures)."""

    __tablename__ = "visit_resolution"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), unique=True)
    # True: struck out of the counts; False: kept.
    struck: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(default=now)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))

    visit: Mapped[Visit] = relationship()
    decided_by: Mapped[Worker] = relationship()

    # The reports exclude struck visits by id; this covers that list.
    __table_args__ = (Index("ix_visit_resolution_struck", "struck", "visit_id"),)

    @property
    def outcome(self) -> str:
        return "struck" if self.struck else "kept"

    @property
    def outcome_label(self) -> str:
        return str(VISIT_OUTCOMES[self.outcome])
