"""Checkpoints (卡口): where arrivals are checked, who staffs them, each check, and the
handover of an arrival who stays in the zone to their destination micro-grid."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Numeric, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .cases import Case
from .fieldwork import KEY
from .grid import Grid
from .households import Resident
from .people import Worker

# A day's three shifts, by the hour they start and the hour after they end (China time).
SHIFTS = {
    "night": (_l("Night shift 0–8"), 0, 8),
    "day": (_l("Day shift 8–16"), 8, 16),
    "evening": (_l("Evening shift 16–24"), 16, 24),
}

CHECK_KINDS = {"person": _l("Person"), "vehicle": _l("Vehicle")}

# The diversion outcome (一分流) of a check.
OUTCOMES = {
    "let_through": _l("Let through"),
    "handed_over": _l("Registered and handed over"),
    "turned_back": _l("Turned back"),
    "isolation": _l("Sent to isolation"),
}
# What a fever leaves open.
FEVER_OUTCOMES = ("turned_back", "isolation")


def shift_at(moment: datetime) -> str:
    """The shift a moment falls in."""
    for name, (_label, first, after) in SHIFTS.items():
        if first <= moment.hour < after:
            return name
    return "evening"


class Checkpoint(db.Model):
    __tablename__ = "checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    place: Mapped[str] = mapped_column(String(120))
    # The grid node responsible for it (its reports count it there).
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    client_key: Mapped[str | None] = mapped_column(KEY, unique=True)

    grid: Mapped[Grid] = relationship()
    posts: Mapped[list[CheckpointPost]] = relationship(
        back_populates="checkpoint", order_by="CheckpointPost.id"
    )


class CheckpointPost(db.Model):
    """A worker put on a checkpoint for a shift."""

    __tablename__ = "checkpoint_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    shift: Mapped[str] = mapped_column(String(10))

    checkpoint: Mapped[Checkpoint] = relationship(back_populates="posts")
    worker: Mapped[Worker] = relationship()

    __table_args__ = (
        Index("uq_checkpoint_post", "checkpoint_id", "worker_id", "shift", unique=True),
    )

    @property
    def shift_label(self) -> str:
        return str(SHIFTS[self.shift][0])


class CheckpointCheck(db.Model):
    """One tap at a checkpoint: a person or a vehicle checked, and what came of it."""

    __tablename__ = "checkpoint_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    checked_at: Mapped[datetime] = mapped_column(default=now)
    shift: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(12))
    temperature: Mapped[float | None] = mapped_column(Numeric(3, 1, asdecimal=False))
    fever: Mapped[bool] = mapped_column(default=False)
    # Let through on the green channel: a whitelisted employee's pass was checked.
    green_channel: Mapped[bool] = mapped_column(default=False, server_default=false())
    client_key: Mapped[str] = mapped_column(KEY, unique=True)

    checkpoint: Mapped[Checkpoint] = relationship()

    __table_args__ = (Index("ix_checkpoint_check_time", "checkpoint_id", "checked_at"),)


class Handover(db.Model):
    """An arrival registered at a checkpoint and handed to their destination micro-grid, open
    until a worker there receives them (links or registers the resident)."""

    __tablename__ = "handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checkpoint_check.id"), unique=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    # The destination micro-grid.
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    name: Mapped[str] = mapped_column(String(40))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(11))
    origin: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    # The filed employee whose green pass let them through (the handover was filed before).
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("filed_employee.id"))
    # The case that carries its time limit up the tree when nobody receives it in time.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"))

    check: Mapped[CheckpointCheck] = relationship()
    checkpoint: Mapped[Checkpoint] = relationship()
    grid: Mapped[Grid] = relationship()
    resident: Mapped[Resident | None] = relationship()
    created_by: Mapped[Worker] = relationship(foreign_keys=[created_by_id])
    received_by: Mapped[Worker | None] = relationship(foreign_keys=[received_by_id])
    case: Mapped[Case | None] = relationship()

    __table_args__ = (Index("ix_handover_open", "grid_id", "received_at"),)
