"""Resident requests' part of the daily report and of the period summary, per child node.

Requests count in the micro-grid they were sent to (their own grid), whoever holds them now.
For day D (or the days of a period): new = sent then; accepted in time = first accepted then,
within the accept limit of its category; resolved = resolved then (the last resolution, when
one was reopened); rated and satisfied (满意 or 基本满意) = rated then; disputes mediated =
mediations held then, settled = those with the outcome 调解成功. Overdue now = open and past its
first time limit when the report is read (the clock of webapp/cases/clock.py), whatever day
the report is of: a backlog is a fact of now, not of the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import and_, literal, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from ..cases import clock
from ..cases.states import SATISFIED
from ..models import Case, Grid, Mediation
from ..reports.parts import (
    DAILY_PARTS,
    PERIOD_PARTS,
    DailyPart,
    Figures,
    PeriodPart,
    day_and_period,
    flag,
    sum_per_child,
    within,
)
from .categories import KIND


@dataclass
class RequestFigures(Figures):
    new: int = 0
    accepted_in_time: int = 0
    resolved: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    mediated: int = 0
    settled: int = 0

    @property
    def satisfaction(self) -> int | None:
        """Percent of the rated that were satisfied or mostly (None: nothing rated)."""
        return round(100 * self.satisfied / self.rated) if self.rated else None


def read_between(
    node: Grid, key: ColumnElement, start: datetime, end: datetime, at: datetime
) -> dict[str, RequestFigures]:
    """The figures of [start, end) for every child of `node`, from one grouped statement over
    the requests and the mediations together."""
    zero = literal(0)
    cases = select(
        Case.grid_id.label("grid_id"),
        flag(within(Case.created_at, start, end)).label("new"),
        flag(and_(within(Case.accepted_at, start, end), Case.accepted_in_time)).label("in_time"),
        flag(within(Case.resolved_at, start, end)).label("resolved"),
        flag(clock.overdue(at)).label("overdue"),
        flag(within(Case.rated_at, start, end)).label("rated"),
        flag(and_(within(Case.rated_at, start, end), Case.rating.in_(SATISFIED))).label(
            "satisfied"
        ),
        zero.label("mediated"),
        zero.label("settled"),
    ).where(
        Case.kind == KIND,
        Case.created_at < end,
        # Cases with something in the window, or open and overdue now.
        or_(
            Case.created_at >= start,
            Case.accepted_at >= start,
            Case.resolved_at >= start,
            Case.rated_at >= start,
            Case.due_at <= at,
        ),
    )
    mediations = (
        select(
            Case.grid_id,
            zero,
            zero,
            zero,
            zero,
            zero,
            zero,
            literal(1),
            flag(Mediation.outcome == "settled"),
        )
        .select_from(Mediation)
        .join(Case, Case.id == Mediation.case_id)
        .where(Mediation.held_on >= start.date(), Mediation.held_on < end.date())
    )
    rows = union_all(cases, mediations).subquery()
    names = ("new", "in_time", "resolved", "overdue", "rated", "satisfied", "mediated", "settled")
    return sum_per_child(rows, names, node, key, RequestFigures)


read_day, read_period = day_and_period(read_between)


def register(app: Flask) -> None:
    DAILY_PARTS.add(
        app, DailyPart("requests", 45, "requests/_report.html", RequestFigures, read_day)
    )
    PERIOD_PARTS.add(
        app, PeriodPart("requests", 45, "requests/_report.html", RequestFigures, read_period)
    )
