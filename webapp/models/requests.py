"""Resident requests (微易报 / 民意代办 / 矛盾纠纷): what a case of kind "request" adds, and the
mediation record of a dispute."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .cases import Case
from .households import Household


class ServiceRequest(db.Model):
    """The requester's side of a case: who to call back and where, never shown in public."""

    __tablename__ = "service_request"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(11))
    address: Mapped[str | None] = mapped_column(String(100))
    # "public" (the stairwell QR page) or "worker" (entered on a resident's behalf).
    channel: Mapped[str] = mapped_column(String(8), default="public")
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    has_photo: Mapped[bool] = mapped_column(default=False)

    case: Mapped[Case] = relationship(lazy="joined", innerjoin=True)
    household: Mapped[Household | None] = relationship()


class Mediation(db.Model):
    """A dispute's mediation (矛盾纠纷调解): parties, mediators, date, place, outcome."""

    __tablename__ = "mediation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    parties: Mapped[str] = mapped_column(String(200))
    # [{"name": ..., "role": ..., "worker_id": id or None}]
    mediators: Mapped[list[dict]] = mapped_column(JSON, default=list)
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(12))
    agreement: Mapped[str | None] = mapped_column(String(1000))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)
