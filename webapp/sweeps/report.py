"""Sweeps' part of the daily report and of the period summary: for the sweeps open on the day
(or in the period), households due and screened, doors tried without contact, and what was
found, per child node, as they stood at the end of the day (or of the period).

All the open sweeps together cost a fixed number of grouped statements (webapp/sweeps/
queries.py), whatever the node and however many sweeps are open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.elements import ColumnElement

from ..clock import day_start
from ..extensions import db
from ..models import Grid, Sweep
from ..reports.parts import DAILY_PARTS, PERIOD_PARTS, DailyPart, Figures, PeriodPart
from .queries import coverages_per_child, overlapping


@dataclass
class SweepFigures(Figures):
    due: int = 0
    screened: int = 0
    no_contact: int = 0
    returnees: int = 0
    fevers: int = 0
    key_persons: int = 0

    @property
    def percent(self) -> int | None:
        return self.screened * 100 // self.due if self.due else None


def sweeps_open(node: Grid, first: date, last: date) -> list[Sweep]:
    """Sweeps open on any day from `first` to `last` over `node` or part of it."""
    stmt = (
        select(Sweep)
        .join(Sweep.grid)
        .options(contains_eager(Sweep.grid))  # their areas, without a statement per sweep
        .where(Sweep.starts_on <= last, Sweep.ends_on >= first, overlapping(node))
        .order_by(Sweep.starts_on, Sweep.id)
    )
    return list(db.session.scalars(stmt))


def _read(node: Grid, key: ColumnElement, first: date, last: date, until: datetime | None):
    rows: dict[str, SweepFigures] = {}
    figures = coverages_per_child(sweeps_open(node, first, last), node, key, until)
    for per_child in figures.values():
        for prefix, c in per_child.items():
            row = rows.setdefault(prefix, SweepFigures())
            row.add(
                SweepFigures(c.due, c.screened, c.no_contact, c.returnees, c.fevers, c.key_persons)
            )
    return rows


def read_day(node: Grid, key: ColumnElement, day: date, at: datetime) -> dict[str, SweepFigures]:
    return _read(node, key, day, day, min(at, day_start(day + timedelta(days=1))))


def read_period(node: Grid, key: ColumnElement, first: date, last: date):
    return _read(node, key, first, last, day_start(last + timedelta(days=1)))


def register(app: Flask) -> None:
    DAILY_PARTS.add(app, DailyPart("sweeps", 60, "sweeps/_report.html", SweepFigures, read_day))
    PERIOD_PARTS.add(
        app, PeriodPart("sweeps", 60, "sweeps/_report.html", SweepFigures, read_period)
    )
