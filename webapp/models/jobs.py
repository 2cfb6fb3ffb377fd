"""Background jobs: a long task's progress and result, kept where every app server sees them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import JSON, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db


class Job(db.Model):
    """A long task (a batch of cards, a zone report) with its progress, kept in the database so
    that any app server can show its bar and the download survives a page reload."""

    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # running, done, failed
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result_path: Mapped[str | None] = mapped_column(String(300))
    result_name: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(Text)
    # What a finished job did, for its page to end with (cards: {"issued": 3, "printed": 45}).
    outcome: Mapped[dict | None] = mapped_column(JSON)
    # False when the job failed for a reason in what it was asked (the area is gone, nobody
    # matches): running it again would fail the same way, so no retry is offered.
    retryable: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime | None]
    # Touched at every progress step: a running job whose worker died (a restart, an RQ work
    # horse killed) stops touching it, which is how the bar learns that it can be retried.
    updated_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (Index("ix_job_owner_created", "created_by_id", "created_at"),)

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0

    @property
    def has_result(self) -> bool:
        """The finished file is still there (results are not kept forever)."""
        return bool(self.result_path) and Path(self.result_path).is_file()
