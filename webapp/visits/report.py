"""Visits' part of the daily report and of the period summary.

Households visited = distinct households with a visit on the day; person-times (人次) = the
sum of persons seen; visits = the number of visits; not at home = the visits that found nobody
in. A visit a supervisor struck out as a duplicate (webapp/duplicates) counts nowhere. A
household visited in two child nodes on
one day (it moved) counts once in each row and once in the total, so the total's households
come from the whole subtree (the last day of the 14-day trend), not from the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask
from markupsafe import Markup
from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import Grid, Visit, in_subtree
from ..reports.parts import (
    DAILY_PARTS,
    PERIOD_PARTS,
    DailyPart,
    Figures,
    PeriodPart,
    between,
    count_if,
)
from .chart import TrendPoint, trend_svg
from .queries import counted

TREND_DAYS = 14


@dataclass
class VisitFigures(Figures):
    visits: int = 0
    households_visited: int = 0
    person_times: int = 0
    not_at_home: int = 0


@dataclass
class Trend:
    """The 14 days up to the report's day, for the chart and its table."""

    points: list[TrendPoint]
    today: date

    def svg(self, font: str, label: str) -> Markup:
        return trend_svg(self.points, today=self.today, font=font, label=label)


def _visits(node: Grid, key, first: date, last: date, away: bool = True) -> Select:
    # `away` off for the chart: not_at_home is not in ix_visit_grid_time, and the fortnight's
    # visits are read from that index alone.
    return (
        select(
            key,
            func.count(),
            func.count(func.distinct(Visit.household_id)),
            func.coalesce(func.sum(Visit.persons_seen), 0),
            *([count_if(Visit.not_at_home)] if away else []),
        )
        .select_from(Visit)
        .join(Grid, Grid.id == Visit.grid_id)
        .where(in_subtree(Grid.path, node.path), between(Visit.visited_at, first, last), counted())
        .group_by(key)
    )


def read(node: Grid, key: ColumnElement, first: date, last: date) -> dict[str, VisitFigures]:
    """Visits per row key over the days first..last (one day for the daily report)."""
    return {
        prefix: VisitFigures(n, households, int(persons), int(away))
        for prefix, n, households, persons, away in db.session.execute(
            _visits(node, key, first, last)
        )
    }


def read_day(node: Grid, key: ColumnElement, day: date, at: datetime) -> dict[str, VisitFigures]:
    return read(node, key, day, day)


def trend(node: Grid, last: date, days: int = TREND_DAYS) -> list[TrendPoint]:
    """Visits per day over the `days` days ending on `last`, for the whole subtree.

    One statement: a UNION ALL of one aggregate per day, each over its own range of
    visited_at. The same figures grouped by date(visited_at) made the database sort every visit
    of the fortnight by day first (460,000 of them on the zone's bench data): twice as slow.
    """
    first = last - timedelta(days=days - 1)
    branches = [
        _visits(node, literal(i).label("i"), d, d, away=False).group_by(None)
        for i, d in enumerate(first + timedelta(days=n) for n in range(days))
    ]
    found = {
        i: (n, households, int(persons))
        for i, n, households, persons in db.session.execute(union_all(*branches))
    }
    return [TrendPoint(first + timedelta(days=i), *found.get(i, (0, 0, 0))) for i in range(days)]


def finish(node: Grid, day: date, at: datetime, total: VisitFigures) -> Trend:
    points = trend(node, day)
    # Distinct households over the whole subtree (see the module docstring).
    total.households_visited = points[-1].households_visited
    return Trend(points, at.date())


def register(app: Flask) -> None:
    DAILY_PARTS.add(
        app, DailyPart("visits", 10, "visits/_report.html", VisitFigures, read_day, finish)
    )
    PERIOD_PARTS.add(app, PeriodPart("visits", 10, "visits/_report.html", VisitFigures, read))
