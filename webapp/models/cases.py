"""Cases: a piece of work somebody asked the office for, held by one node of the tree, on a
clock, with a timeline (webapp/cases holds the machinery). A resident's request is one kind
(webapp/requests); an enterprise's problem will be another, with the same states and clocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .grid import Grid
from .people import Worker


class Case(db.Model):
    __tablename__ = "case_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(12), default="new")
    text: Mapped[str] = mapped_column(String(500))
    # Where it belongs (a resident's micro-grid): the scope and the reports count it here.
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    # The node that holds it as the people who acted left it (submitted, accepted, dispatched,
    # returned); while its clock runs, the time limits lift it higher (webapp/cases/clock.py).
    holder_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    holder_level: Mapped[int]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    # The running clock: from clock_start, one rise every limit_min minutes; due_at is the
    # first of them (None when no clock runs: resolved, closed, merged). clock_start_min is
    # clock_start in whole minutes since EPOCH, for the lists' integer arithmetic.
    clock_start: Mapped[datetime | None]
    clock_start_min: Mapped[int | None]
    limit_min: Mapped[int | None]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    accepted_at: Mapped[datetime | None]
    # The first time it was accepted within its limit or not: kept for the reports.
    accepted_in_time: Mapped[bool | None]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    closed_at: Mapped[datetime | None]
    rating: Mapped[str | None] = mapped_column(String(12))
    rated_at: Mapped[datetime | None]
    urged_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"))
    # The tracking code printed back to whoever sent it (webapp/codes.py).
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    # The sending key (webapp/idempotency.py) and a digest of the content: a double tap, a
    # retry or the same text sent again within minutes make one case.
    client_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    fingerprint: Mapped[str | None] = mapped_column(String(40), index=True)

    grid: Mapped[Grid] = relationship(foreign_keys=[grid_id])
    holder: Mapped[Grid] = relationship(foreign_keys=[holder_id])
    assignee: Mapped[Worker | None] = relationship(foreign_keys=[assignee_id])

    __table_args__ = (
        Index("ix_case_record_grid_created", "grid_id", "created_at"),
        Index("ix_case_record_holder_state", "holder_id", "state"),
    )

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.kind} {self.state}>"


class CaseEvent(db.Model):
    """One step on a case's timeline: who (a worker, the resident, or the clock) and when."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"))
    at: Mapped[datetime] = mapped_column(default=now)
    kind: Mapped[str] = mapped_column(String(16))
    # None with by_resident False: the time limit did it.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    by_resident: Mapped[bool] = mapped_column(default=False)
    # The node it went to (dispatched, escalated, returned) and the named worker if any.
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    text: Mapped[str | None] = mapped_column(String(1000))

    actor: Mapped[Worker | None] = relationship(foreign_keys=[actor_id])
    worker: Mapped[Worker | None] = relationship(foreign_keys=[worker_id])
    grid: Mapped[Grid | None] = relationship()

    __table_args__ = (Index("ix_case_event_case_at", "case_id", "at"),)
