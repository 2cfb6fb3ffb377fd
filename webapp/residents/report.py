"""Residents' part of the daily report and of the period summary: returnees registered.

A returnee registered on day D = a resident tagged returnee whose record was made on D (its
`created_at`: the registration, by a worker, an import or a checkpoint hand-over). Residents
have no grid of their own: a returnee counts in the micro-grid of the household they lived in
at the end of D (the one they left at their first move after it, else their current one; that
household's micro-grid read the same way, webapp/households/moves.py), so that a later move
never changes a past day. The period summary counts those registered from its first day to its
last, where they lived at the end of the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import String, cast, func, select
from sqlalchemy.sql.elements import ColumnElement

from ..clock import day_start
from ..extensions import db
from ..households.moves import first_after, grids_before
from ..models import Grid, Household, Resident, ResidentMove, in_subtree
from ..reports.parts import DAILY_PARTS, PERIOD_PARTS, DailyPart, Figures, PeriodPart


@dataclass
class ReturneeFigures(Figures):
    returnees: int = 0


def is_returnee() -> ColumnElement[bool]:
    """The resident is tagged returnee (tags is a JSON list of names: its text holds the
    quoted name, on SQLite and PostgreSQL alike)."""
    return cast(Resident.tags, String).like('%"returnee"%')


def read(node: Grid, key: ColumnElement, first: date, last: date) -> dict[str, ReturneeFigures]:
    """Returnees registered on the days first..last, where they lived at the end of `last`."""
    end = day_start(last + timedelta(days=1))
    m = ResidentMove
    homes = first_after(
        "resident_homes_after", m.resident_id, m.from_household_id, m.moved_at, m.id, end
    )
    grids = grids_before(end)
    household_id = func.coalesce(homes.c.was, Resident.household_id)
    stmt = (
        select(key, func.count())
        .select_from(Resident)
        .outerjoin(homes, homes.c.id == Resident.id)
        .join(Household, Household.id == household_id)
        .outerjoin(grids, grids.c.id == Household.id)
        .join(Grid, Grid.id == func.coalesce(grids.c.was, Household.grid_id))
        .where(
            in_subtree(Grid.path, node.path),
            Resident.created_at >= day_start(first),
            Resident.created_at < end,
            is_returnee(),
        )
        .group_by(key)
    )
    return {prefix: ReturneeFigures(n) for prefix, n in db.session.execute(stmt)}


def read_day(node: Grid, key: ColumnElement, day: date, at: datetime) -> dict[str, ReturneeFigures]:
    return read(node, key, day, day)


def register(app: Flask) -> None:
    template = "residents/_report.html"
    DAILY_PARTS.add(app, DailyPart("returnees", 25, template, ReturneeFigures, read_day))
    PERIOD_PARTS.add(app, PeriodPart("returnees", 30, template, ReturneeFigures, read))
