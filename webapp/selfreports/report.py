"""Self-reports' part of the daily report: of the follow-ups done that day, those the residents
reported themselves (the observations' part counts them all)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import FollowUp, Grid, in_subtree
from ..reports.parts import DAILY_PARTS, DailyPart, Figures


@dataclass
class SelfReportFigures(Figures):
    self_reported: int = 0


def read(node: Grid, key: ColumnElement, day: date, at: datetime) -> dict[str, SelfReportFigures]:
    stmt = (
        select(key, func.count())
        .select_from(FollowUp)
        .join(Grid, Grid.id == FollowUp.grid_id)
        .where(
            in_subtree(Grid.path, node.path),
            FollowUp.slot_date == day,
            FollowUp.self_reported.is_(True),
        )
        .group_by(key)
    )
    return {prefix: SelfReportFigures(n) for prefix, n in db.session.execute(stmt)}


def register(app: Flask) -> None:
    DAILY_PARTS.add(
        app,
        DailyPart("selfreports", 25, "selfreports/_report.html", SelfReportFigures, read),
    )
