"""Visits' parts of the today list: households due by their colour's rhythm, and for
supervisors the flagged visits of the last week, with both counted per area."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..clock import day_start
from ..permissions import Can
from ..today.sections import AREA_COLUMNS, SECTIONS, AreaColumn, Moment, Section
from .queries import due_per_child, flagged_per_child, flagged_visits, households_due


def _week_before(moment: Moment) -> datetime:
    return day_start(moment.day) - timedelta(days=7)


def due(moment: Moment) -> dict:
    total, households = households_due(moment.at)
    return {"households": households, "total": total}


def flagged(moment: Moment) -> dict | None:
    found = flagged_visits(_week_before(moment))
    return {"visits": found} if found else None


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(70, "visits/_today_flagged.html", flagged, Can.SUPERVISE))
    SECTIONS.add(app, Section(80, "visits/_today_due.html", due))
    AREA_COLUMNS.add(app, AreaColumn(20, _l("Visits due"), lambda m: due_per_child(m.node, m.at)))
    AREA_COLUMNS.add(
        app,
        AreaColumn(40, _l("Flagged visits"), lambda m: flagged_per_child(m.node, _week_before(m))),
    )
