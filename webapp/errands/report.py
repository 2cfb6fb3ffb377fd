"""Errands' part of the daily report: opened on the day (created on D), done on the day
(marked done on D), open at the end of the day (created by then and not done by then).
Errands count where they were opened (their own grid)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..clock import day_start
from ..extensions import db
from ..models import Errand, Grid, in_subtree
from ..reports.parts import DAILY_PARTS, DailyPart, Figures, count_if


@dataclass
class ErrandFigures(Figures):
    opened: int = 0
    done: int = 0
    open: int = 0


def read(node: Grid, key: ColumnElement, day: date, at: datetime) -> dict[str, ErrandFigures]:
    start, end = day_start(day), day_start(day + timedelta(days=1))
    stmt = (
        select(
            key,
            count_if(Errand.created_at >= start),
            count_if(and_(Errand.done_at >= start, Errand.done_at < end)),
            count_if(or_(Errand.done_at.is_(None), Errand.done_at >= end)),
        )
        .select_from(Errand)
        .join(Grid, Grid.id == Errand.grid_id)
        # Errands that matter for the day: created by its end, not done before its start.
        .where(
            in_subtree(Grid.path, node.path),
            Errand.created_at < end,
            or_(Errand.done_at.is_(None), Errand.done_at >= start),
        )
        .group_by(key)
    )
    return {
        prefix: ErrandFigures(opened, done, still_open)
        for prefix, opened, done, still_open in db.session.execute(stmt)
    }


def register(app: Flask) -> None:
    DAILY_PARTS.add(app, DailyPart("errands", 40, "errands/_report.html", ErrandFigures, read))
