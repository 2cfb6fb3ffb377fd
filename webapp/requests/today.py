"""Resident requests on the today list: those the worker's node holds now (overdue in red,
urged marked), with their count in the section's header."""

from __future__ import annotations

from flask import Flask

from ..cases import clock
from ..today.sections import SECTIONS, Moment, Section
from .categories import CATEGORIES
from .queries import count_held, held_here


def held(moment: Moment) -> dict:
    found = held_here(moment.node, moment.at)
    positions = {r.case_id: clock.position(r.case, moment.at) for r in found}
    return {
        "requests": found,
        "count": count_held(moment.node, moment.at) if len(found) >= 30 else len(found),
        "positions": positions,
        "overdue": any(p.overdue for p in positions.values()),
        "categories": CATEGORIES,
    }


def register(app: Flask) -> None:
    # No column of the supervisors' per-area table: one more would not fit a 360 px phone;
    # the requests list filters the overdue ones, by area too.
    SECTIONS.add(app, Section(15, "requests/_today.html", held))
