"""Moves: a household from one micro-grid to another, a resident from one household to another.

Each move is kept, with who made it and when. A household's `grid_id` and a resident's
`household_id` say where they are now; the moves say where they were before, so that the
daily report of a past day counts them where they were on that day (webapp/households/moves.py)
and the household's history shows them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .fieldwork import Observation
from .grid import Grid
from .households import Household, Resident
from .people import Worker


class HouseholdMove(db.Model):
    """A household moved from micro-grid `from_grid` to `to_grid`."""

    __tablename__ = "household_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    from_grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    to_grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    moved_at: Mapped[datetime] = mapped_column(default=now)
    moved_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))

    household: Mapped[Household] = relationship()
    from_grid: Mapped[Grid] = relationship(foreign_keys=[from_grid_id])
    to_grid: Mapped[Grid] = relationship(foreign_keys=[to_grid_id])
    moved_by: Mapped[Worker] = relationship()

    __table_args__ = (
        # A past day's report reads the moves made after it (none for today's): a range on
        # moved_at, whatever the number of moves before.
        Index("ix_household_move_time", "moved_at", "household_id", "from_grid_id"),
        # The household's history.
        Index("ix_household_move_household", "household_id", "moved_at"),
    )


class ResidentMove(db.Model):
    """A resident moved from household `from_household` to `to_household`; `observation` is
    the home observation that was current then and went with them."""

    __tablename__ = "resident_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    from_household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    to_household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    observation_id: Mapped[int | None] = mapped_column(ForeignKey("observation.id"))
    moved_at: Mapped[datetime] = mapped_column(default=now)
    moved_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))

    resident: Mapped[Resident] = relationship()
    from_household: Mapped[Household] = relationship(foreign_keys=[from_household_id])
    to_household: Mapped[Household] = relationship(foreign_keys=[to_household_id])
    observation: Mapped[Observation | None] = relationship()
    moved_by: Mapped[Worker] = relationship()

    __table_args__ = (
        # As for households: a past day's report reads the observations moved after it, and
        # the period summary which household a follow-up was made for.
        Index("ix_resident_move_observation", "observation_id", "moved_at"),
        Index("ix_resident_move_time", "moved_at", "observation_id"),
    )
