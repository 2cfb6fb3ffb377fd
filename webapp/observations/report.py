"""Home observation's part of the daily report and of the period summary.

An observation's end day E is the first day it is no longer current: its release day if
released on or before its planned end, else the day after its planned end (the definitions
are Observation.current_on and ended_on). Current on D: start <= D < E. New on D: start = D.
Ended on D: E = D. Hence current(D) = current(D-1) + new(D) - ended(D). Observations have no
grid of their own: they count in the micro-grid where their household was at the end of D, and
with the household their resident belonged to then (a current observation goes along when its
resident moves; webapp/households/moves.py reads both from the moves made after D), so that a
move never changes a past day. Rows follow the tree of today (webapp/reports/parts.py).

Follow-ups (随访) due on D = one per begun slot (webapp/observations/slots.py: both slots of a
past day, for today those already begun) per observation current on D; done on D = follow-ups
recorded for a slot of D, counted where they were recorded (their own grid); of those, the
alerts (a fever or a symptom, FollowUp.is_alert) and the fevers. Overdue on D = the slots of D
that are over (webapp/observations/slots.py past_slots: both of a past day, for today those
ended) with no follow-up, per observation current on D, counted with the observation. The period
summary counts the households served (distinct households with a follow-up in the period, each
follow-up for the household its resident belonged to when it was recorded) and the follow-ups
made (person-times served), and the observations new in the period (started in it), counted
where their household was at the end of the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.sql.elements import ColumnElement

from ..clock import day_start
from ..extensions import db
from ..households.moves import grids_before, household_at, households_before
from ..models import FollowUp, Grid, Household, Observation, in_subtree
from ..reports.parts import DAILY_PARTS, PERIOD_PARTS, DailyPart, Figures, PeriodPart, count_if
from .slots import begun, past_slots, slots


@dataclass
class ObservationFigures(Figures):
    observed: int = 0
    new: int = 0
    ended: int = 0
    follow_ups_due: int = 0
    follow_ups_done: int = 0
    follow_ups_overdue: int = 0
    alerts: int = 0  # follow-ups with a fever or a symptom
    fevers: int = 0


@dataclass
class ServedFigures(Figures):
    households_served: int = 0
    follow_ups: int = 0
    new: int = 0  # observations started in the period


@dataclass
class SlotsDue:
    """How many follow-ups an observation owes on the report's day, and on a full day."""

    per_observation: int
    per_day: int


def missing(day: date, slot: str) -> ColumnElement[bool]:
    """The observation of the row has no follow-up for `slot` of `day`."""
    return ~exists().where(
        FollowUp.observation_id == Observation.id,
        FollowUp.slot_date == day,
        FollowUp.slot == slot,
    )


def _where_then(stmt: Select, end: datetime) -> Select:
    """Observations joined to the micro-grid (Grid) of the household they were with at `end`."""
    households_then, grids_then = households_before(end), grids_before(end)
    household_id = func.coalesce(households_then.c.was, Observation.household_id)
    return (
        stmt.select_from(Observation)
        .outerjoin(households_then, households_then.c.id == Observation.id)
        .join(Household, Household.id == household_id)
        .outerjoin(grids_then, grids_then.c.id == Household.id)
        .join(Grid, Grid.id == func.coalesce(grids_then.c.was, Household.grid_id))
    )


def read_day(
    node: Grid, key: ColumnElement, day: date, at: datetime
) -> dict[str, ObservationFigures]:
    per_observation = len(begun(day, at))
    end = day_start(day + timedelta(days=1))
    # Overdue: one column per slot that is over, each an index probe (uq_follow_up_slot) per
    # observation current on the day.
    overdue = [
        count_if(and_(Observation.current_on(day), missing(day, slot)))
        for slot in past_slots(day, at)
    ]
    current = (
        _where_then(
            select(
                key,
                count_if(Observation.current_on(day)),
                count_if(Observation.start_date == day),
                count_if(Observation.ended_on(day)),
                *overdue,
            ),
            end,
        )
        # Every observation that is current, new or ended on the day starts by then and
        # plans to end no earlier than the day before (the index ix_observation_dates).
        .where(
            in_subtree(Grid.path, node.path),
            Observation.planned_end >= day - timedelta(days=1),
            Observation.start_date <= day,
        )
        .group_by(key)
    )
    fever = FollowUp.temperature >= current_app.config["FEVER_TEMPERATURE"]
    done = (
        select(key, func.count(), count_if(FollowUp.is_alert), count_if(fever))
        .select_from(FollowUp)
        .join(Grid, Grid.id == FollowUp.grid_id)
        .where(in_subtree(Grid.path, node.path), FollowUp.slot_date == day)
        .group_by(key)
    )
    figures: dict[str, ObservationFigures] = {}
    for prefix, observed, new, ended, *late in db.session.execute(current):
        figures[prefix] = ObservationFigures(
            observed, new, ended, observed * per_observation, follow_ups_overdue=sum(late)
        )
    for prefix, n, alerts, fevers in db.session.execute(done):
        row = figures.setdefault(prefix, ObservationFigures())
        row.follow_ups_done, row.alerts, row.fevers = n, alerts, fevers
    return figures


def slots_due(node: Grid, day: date, at: datetime, total: ObservationFigures) -> SlotsDue:
    return SlotsDue(len(begun(day, at)), len(slots()))


def read_period(
    node: Grid, key: ColumnElement, first: date, last: date
) -> dict[str, ServedFigures]:
    served = household_at(FollowUp.observation_id, FollowUp.recorded_at, Observation.household_id)
    stmt = (
        select(key, func.count(), func.count(func.distinct(served)))
        .select_from(FollowUp)
        .join(Observation, Observation.id == FollowUp.observation_id)
        .join(Grid, Grid.id == FollowUp.grid_id)
        .where(
            in_subtree(Grid.path, node.path),
            FollowUp.slot_date >= first,
            FollowUp.slot_date <= last,
        )
        .group_by(key)
    )
    figures = {
        prefix: ServedFigures(households, n) for prefix, n, households in db.session.execute(stmt)
    }
    # Started in the period (the index ix_observation_dates: they end after its first day).
    new = (
        _where_then(select(key, func.count()), day_start(last + timedelta(days=1)))
        .where(
            in_subtree(Grid.path, node.path),
            Observation.planned_end >= first,
            Observation.start_date >= first,
            Observation.start_date <= last,
        )
        .group_by(key)
    )
    for prefix, n in db.session.execute(new):
        figures.setdefault(prefix, ServedFigures()).new = n
    return figures


def register(app: Flask) -> None:
    DAILY_PARTS.add(
        app,
        DailyPart(
            "observations",
            30,
            "observations/_report.html",
            ObservationFigures,
            read_day,
            slots_due,
        ),
    )
    PERIOD_PARTS.add(
        app, PeriodPart("observations", 20, "observations/_report.html", ServedFigures, read_period)
    )
