"""Notices (微网格群喊话): a short message posted to a node of the tree for every micro-grid
under it, shown on their public pages and on their workers' today lists until it expires or is
withdrawn."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .fieldwork import KEY
from .grid import Grid
from .people import Worker

TITLE_LENGTH = 40
TEXT_LENGTH = 300


class Notice(db.Model):
    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The node it was posted to: every micro-grid under it shows it.
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    text: Mapped[str] = mapped_column(String(TEXT_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    # Shown while now < expires_at (the start of the day after the last day chosen).
    expires_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    # The sending key: a double tap or a retry posts one notice (webapp/idempotency.py).
    client_key: Mapped[str | None] = mapped_column(KEY, unique=True)

    grid: Mapped[Grid] = relationship()
    created_by: Mapped[Worker] = relationship(foreign_keys=[created_by_id])
    withdrawn_by: Mapped[Worker | None] = relationship(foreign_keys=[withdrawn_by_id])

    # current_for() asks for the notices of a handful of nodes (a micro-grid and its
    # ancestors) that are still running: one range on this index per node.
    __table_args__ = (Index("ix_notice_grid_expires", "grid_id", "expires_at"),)

    def is_current(self, at: datetime) -> bool:
        return self.withdrawn_at is None and at < self.expires_at

    @property
    def last_day(self) -> date:
        """The last day it is shown (expires_at is the start of the next)."""
        return (self.expires_at - timedelta(seconds=1)).date()
