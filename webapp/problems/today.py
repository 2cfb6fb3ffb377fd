"""Enterprise problems on the today list: those the worker's node holds now (as requests'),
and a liaison officer's enterprises' open ones wherever they are held; overdue in red, urged
marked."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ..cases import clock
from ..models.enterprises import PROBLEM_CATEGORIES, URGENCY
from ..today.sections import SECTIONS, Moment, Section
from .queries import for_today


def mine(moment: Moment) -> dict | None:
    found = for_today(moment.node, current_user.id, moment.at)
    if not found:
        return None
    positions = {p.case_id: clock.position(p.case, moment.at) for p in found}
    return {
        "problems": found,
        "count": len(found),
        "positions": positions,
        "overdue": any(p.overdue for p in positions.values()),
        "categories": PROBLEM_CATEGORIES,
        "urgencies": URGENCY,
    }


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(16, "problems/_today.html", mine))
