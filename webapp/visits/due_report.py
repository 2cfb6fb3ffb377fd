"""Households due a visit: a part of the daily report (应走访 and how many of them were visited).

Due on day D = an active household registered by the end of D whose colour's visit rhythm
(config VISIT_RHYTHM_HOURS, the today list's rule, webapp/visits/queries.py) runs out by the
end of D: it has no visit in [end of D − rhythm, start of D), by the colour it had at the start
of D (the `from_status` of its first household-level change at or after that moment, else its
current colour; webapp/statuses/report.py reads colours the same way). A red, orange or yellow
household (a rhythm of a day or less) is due every day. Visited = due and visited on D. Both
count in the micro-grid the household was in at the end of D (webapp/households/moves.py), so
that later visits, colour changes and moves never change a past day.

Household.last_visit_at (the latest visit, kept by the visit rules) answers nearly every
household without reading its visits: only a household visited on or after D is looked up in
ix_visit_household_time (for today's report, those visited today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..clock import day_start
from ..extensions import db
from ..households.moves import first_after, grids_before
from ..models import Grid, Household, StatusChange, Visit, in_subtree
from ..reports.parts import DAILY_PARTS, DailyPart, Figures, count_if


@dataclass
class DueFigures(Figures):
    due: int = 0
    visited: int = 0  # of the households due, those visited that day

    @property
    def not_visited(self) -> int:
        return self.due - self.visited


def _visited_between(first: datetime | ColumnElement, after_last: datetime) -> ColumnElement:
    return exists().where(
        Visit.household_id == Household.id,
        Visit.visited_at >= first,
        Visit.visited_at < after_last,
    )


def read(node: Grid, key: ColumnElement, day: date, at: datetime) -> dict[str, DueFigures]:
    start, end = day_start(day), day_start(day + timedelta(days=1))
    colours = first_after(
        "colours_from",
        StatusChange.household_id,
        StatusChange.from_status,
        StatusChange.changed_at,
        StatusChange.id,
        start,
        StatusChange.resident_id.is_(None),
    )
    grids = grids_before(end)
    colour = func.coalesce(colours.c.was, Household.status)
    # The visit that keeps a household off the day's list lies in [window, start); a rhythm of
    # a day or less leaves the window empty (it starts at `start`).
    rhythm = current_app.config["VISIT_RHYTHM_HOURS"]
    window = case(
        {s: min(end - timedelta(hours=hours), start) for s, hours in rhythm.items()},
        value=colour,
        else_=start,
    )
    last = Household.last_visit_at
    due = or_(
        last.is_(None),
        last < window,
        and_(last >= start, ~_visited_between(window, start)),
    )
    visited = or_(
        and_(last >= start, last < end),
        and_(last >= end, _visited_between(start, end)),
    )
    stmt = (
        select(key, count_if(due), count_if(and_(due, visited)))
        .select_from(Household)
        .outerjoin(colours, colours.c.id == Household.id)
        .outerjoin(grids, grids.c.id == Household.id)
        .join(Grid, Grid.id == func.coalesce(grids.c.was, Household.grid_id))
        .where(in_subtree(Grid.path, node.path), Household.active, Household.created_at < end)
        .group_by(key)
    )
    return {
        prefix: DueFigures(int(n), int(seen)) for prefix, n, seen in db.session.execute(stmt) if n
    }


def register(app: Flask) -> None:
    DAILY_PARTS.add(app, DailyPart("due", 15, "visits/_report_due.html", DueFigures, read))
