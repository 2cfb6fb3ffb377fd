"""Enterprises' part of the today list: a liaison officer's enterprises (我联系的企业), with the
day of their last visit, the longest unvisited first."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_login import current_user

from ..permissions import Can
from ..today.sections import SECTIONS, Moment, Section
from . import queries, rules


def liaison(moment: Moment) -> dict | None:
    enterprises = queries.liaison_of(current_user.id)
    if not enterprises:
        return None
    last = rules.last_visits([e.id for e in enterprises])
    never = datetime.min
    rows = sorted(((e, last.get(e.id)) for e in enterprises), key=lambda r: r[1] or never)
    return {"rows": rows, "day": moment.day}


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(35, "enterprises/_today.html", liaison, Can.ENTERPRISE_WORK))
