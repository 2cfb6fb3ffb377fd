"""Work ID cards (工作证)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .people import Worker


class Card(db.Model):
    """One printed card. Reissuing revokes the old serial; the public page checks the serial."""

    __tablename__ = "card"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(16), unique=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    issued_at: Mapped[datetime] = mapped_column(default=now)
    valid_until: Mapped[date]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    revoked_at: Mapped[datetime | None]
    # None for a card the app revoked by rule (replaced by a new one, its worker deactivated).
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))

    worker: Mapped[Worker] = relationship(foreign_keys=[worker_id])
    revoked_by: Mapped[Worker | None] = relationship(foreign_keys=[revoked_by_id])

    __table_args__ = (Index("ix_card_worker_revoked", "worker_id", "revoked_at"),)

    def state(self, on: date) -> str:
        """'valid', 'revoked' or 'expired' on day `on`."""
        if self.revoked_at is not None:
            return "revoked"
        if on > self.valid_until:
            return "expired"
        return "valid"
