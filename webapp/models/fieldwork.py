"""Field work: visits (走访), colour changes (四色预警), home observation (居家观察) with its
twice-daily follow-ups (随访), and the errands they create."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    and_,
    false,
    func,
    not_,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import day_start, now
from ..extensions import db
from .grid import Grid
from .households import Household, Resident
from .people import Worker

VISIT_METHODS = {
    "door": _l("Door"),
    "phone": _l("Phone call"),
    "wechat": _l("WeChat"),
    "neighbour": _l("Neighbour"),
}
SLOTS = {"am": _l("Morning"), "pm": _l("Afternoon")}
FEVER = _l("Fever")
SYMPTOMS = {
    "cough": _l("Cough"),
    "sore_throat": _l("Sore throat"),
    "fatigue": _l("Fatigue"),
    "short_breath": _l("Short of breath"),
    "diarrhoea": _l("Diarrhoea"),
}
# Keys made by the client are 8-40 characters of [A-Za-z0-9_-]; see webapp/idempotency.py.
KEY = String(40)


class Visit(db.Model):
    """One household visit; its persons seen count as person-times (人次)."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    # The micro-grid the household belonged to at the time: statistics stay right after a move.
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    visited_at: Mapped[datetime] = mapped_column(default=now)
    method: Mapped[str] = mapped_column(String(12))
    persons_seen: Mapped[int] = mapped_column(default=0)
    not_at_home: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(200))
    temperatures: Mapped[str | None] = mapped_column(String(60))
    # Same worker, same household, within 10 minutes: kept, but shown to supervisors.
    possible_duplicate: Mapped[bool] = mapped_column(default=False)
    client_key: Mapped[str] = mapped_column(KEY, unique=True)

    household: Mapped[Household] = relationship()
    worker: Mapped[Worker] = relationship()
    grid: Mapped[Grid] = relationship()

    __table_args__ = (
        # Covers the reports' grouped counts (households, person-times per grid and day), so the
        # zone's 14-day chart reads the index alone instead of 460,000 table rows.
        # not_at_home too: the day's not-at-home visits are counted with the rest.
        Index(
            "ix_visit_grid_time",
            "grid_id",
            "visited_at",
            "household_id",
            "persons_seen",
            "not_at_home",
        ),
        # Also serves the duplicate check (same worker, same household, 10 minutes): a
        # household has a handful of visits in any window, so worker_id needs no index of its
        # own, and each visit written updates one index fewer.
        Index("ix_visit_household_time", "household_id", "visited_at"),
    )


class StatusChange(db.Model):
    """One change of a household's (or one resident's) colour: who, when, from, to, why."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    # None when the app changed it by rule (a fever at a follow-up).
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    changed_at: Mapped[datetime] = mapped_column(default=now)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(200))
    client_key: Mapped[str | None] = mapped_column(KEY, unique=True)

    household: Mapped[Household] = relationship()
    resident: Mapped[Resident | None] = relationship()
    worker: Mapped[Worker | None] = relationship()

    __table_args__ = (
        Index("ix_status_change_household_time", "household_id", "changed_at"),
        Index("ix_status_change_grid_time", "grid_id", "changed_at"),
    )


class Observation(db.Model):
    """A resident under home observation, from start to planned end (or an early release)."""

    __tablename__ = "observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    start_date: Mapped[date]
    planned_end: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200))
    # An observation is current while today <= planned_end and it was not released: it ends
    # by itself on its planned date, with no job to run.
    released_on: Mapped[date | None]
    release_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    client_key: Mapped[str | None] = mapped_column(KEY, unique=True)

    resident: Mapped[Resident] = relationship()
    household: Mapped[Household] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="observation", order_by="FollowUp.slot_date, FollowUp.slot"
    )
    events: Mapped[list[ObservationEvent]] = relationship(order_by="ObservationEvent.at")

    __table_args__ = (Index("ix_observation_dates", "planned_end", "start_date"),)

    # What "under observation on a day" means, for the pages, the today list, the reports and
    # the demo alike. Each is written twice, for Python and for SQL, side by side here;
    # tests/test_observations.py checks that the two agree.

    @hybrid_method
    def current_on(self, day: date) -> bool:
        """Under observation on `day`: started, not past the planned end, not released yet."""
        return observation_current(self.start_date, self.planned_end, self.released_on, day)

    @current_on.expression
    def current_on(cls, day: date):
        return and_(
            cls.start_date <= day,
            cls.planned_end >= day,
            or_(cls.released_on.is_(None), cls.released_on > day),
        )

    @hybrid_method
    def owes_slot(self, day: date, slot_ends: datetime) -> bool:
        """Owes the follow-up of a slot of `day` that ends at `slot_ends`: every slot of its
        term, except those of its first day that were over before it was entered (started at
        15:00, it owes no morning follow-up that day). One entered on a later day (a start
        put back in time) owes its whole first day."""
        entered_that_day = self.created_at < day_start(day + timedelta(days=1))
        return not (self.start_date == day and slot_ends <= self.created_at and entered_that_day)

    @owes_slot.expression
    def owes_slot(cls, day: date, slot_ends: datetime):
        return not_(
            and_(
                cls.start_date == day,
                cls.created_at >= slot_ends,
                cls.created_at < day_start(day + timedelta(days=1)),
            )
        )

    @hybrid_method
    def ended_on(self, day: date) -> bool:
        """`day` is the first day it is no longer current: released that day (within its term),
        or the day after its planned end (not released before)."""
        return observation_end(self.planned_end, self.released_on) == day

    @ended_on.expression
    def ended_on(cls, day: date):
        released_in_time = and_(cls.released_on.is_not(None), cls.released_on <= cls.planned_end)
        return or_(
            and_(released_in_time, cls.released_on == day),
            and_(
                cls.planned_end == day - timedelta(days=1),
                or_(cls.released_on.is_(None), cls.released_on >= day),
            ),
        )


def observation_current(
    start: date, planned_end: date, released_on: date | None, day: date
) -> bool:
    """The definition behind Observation.current_on, for rows that are not loaded as objects."""
    return start <= day <= planned_end and (released_on is None or released_on > day)


def observation_end(planned_end: date, released_on: date | None) -> date:
    """The first day an observation is no longer current."""
    if released_on is not None and released_on <= planned_end:
        return released_on
    return planned_end + timedelta(days=1)


OBSERVATION_ACTIONS = {
    "start": _l("Observation started"),
    "extend": _l("Observation extended"),
    "release": _l("Released early"),
}


class ObservationEvent(db.Model):
    """Start, extension or early release of an observation: who, when, why, until when."""

    __tablename__ = "observation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(200))
    planned_end: Mapped[date]

    worker: Mapped[Worker] = relationship()

    @property
    def action_label(self) -> str:
        return str(OBSERVATION_ACTIONS[self.action])


class FollowUp(db.Model):
    """One of the twice-daily follow-ups (随访) of an observation subject."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id"))
    slot_date: Mapped[date]
    slot: Mapped[str] = mapped_column(String(2))
    # None when the resident reported it through their own link (self_reported).
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    self_reported: Mapped[bool] = mapped_column(default=False, server_default=false())
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)
    temperature: Mapped[float] = mapped_column(Numeric(3, 1, asdecimal=False))
    symptoms: Mapped[list[str]] = mapped_column(JSON, default=list)
    supplies: Mapped[str | None] = mapped_column(String(200))
    client_key: Mapped[str] = mapped_column(KEY, unique=True)

    observation: Mapped[Observation] = relationship(back_populates="follow_ups")
    worker: Mapped[Worker | None] = relationship()

    __table_args__ = (
        UniqueConstraint("observation_id", "slot_date", "slot", name="uq_follow_up_slot"),
        Index("ix_follow_up_grid_date", "grid_id", "slot_date"),
    )

    @property
    def slot_label(self) -> str:
        return str(SLOTS[self.slot])

    @hybrid_property
    def is_alert(self) -> bool:
        """A fever (FEVER_TEMPERATURE or more) or any symptom: it raises the household and goes
        on the supervisors' alert list. Written for Python and for SQL, side by side."""
        return self.temperature >= current_app.config["FEVER_TEMPERATURE"] or bool(self.symptoms)

    @is_alert.inplace.expression
    @classmethod
    def _is_alert_expression(cls):
        return or_(
            cls.temperature >= current_app.config["FEVER_TEMPERATURE"],
            func.json_array_length(cls.symptoms) > 0,
        )

    @property
    def symptom_labels(self) -> list[str]:
        return [str(SYMPTOMS.get(s, s)) for s in self.symptoms or []]

    @property
    def recorded_by(self) -> str:
        """Who recorded it, for a list: the worker, or 自报 (the resident themselves)."""
        return self.worker.name if self.worker is not None else str(_l("Self-reported"))

    @property
    def alert_labels(self) -> list[str]:
        """What makes it an alert, said: a fever (FEVER_TEMPERATURE or more), then the
        symptoms; empty when it is none."""
        fever = self.temperature >= current_app.config["FEVER_TEMPERATURE"]
        return ([str(FEVER)] if fever else []) + self.symptom_labels


class Errand(db.Model):
    """A task for a worker, such as buying necessities for a household under observation."""

    __tablename__ = "errand"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up.id"))
    description: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    client_key: Mapped[str | None] = mapped_column(KEY, unique=True)

    household: Mapped[Household] = relationship()
    follow_up: Mapped[FollowUp | None] = relationship()

    __table_args__ = (
        Index("ix_errand_grid_open", "grid_id", "done_at"),
        Index("ix_errand_grid_created", "grid_id", "created_at"),
    )
