"""Home observation's parts of the today list: follow-ups due and overdue, fever alerts, and
the overdue follow-ups per area for supervisors."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l

from ..today.sections import AREA_COLUMNS, SECTIONS, AreaColumn, Moment, Section
from .queries import SlotTask, fever_alerts, open_slots

SHOWN = 50


def _open_slots(moment: Moment) -> list[SlotTask]:
    # Both the follow-ups section and the area column read them: once per request.
    cached = g.get("_open_slots")
    if cached is None or cached[0] != moment:
        cached = g._open_slots = (moment, open_slots(moment.day, moment.at))
    return cached[1]


def follow_ups(moment: Moment) -> dict:
    tasks = _open_slots(moment)
    return {
        "tasks": tasks[:SHOWN],
        "total": len(tasks),
        "overdue": sum(1 for t in tasks if t.state == "overdue"),
    }


def alerts(moment: Moment) -> dict | None:
    found = fever_alerts(moment.day)
    return {"alerts": found} if found else None


def overdue_per_child(moment: Moment) -> dict[str, int]:
    length = moment.node.child_prefix_length()
    counts: dict[str, int] = {}
    for task in _open_slots(moment):
        if task.state == "overdue":
            prefix = task.observation.household.grid.path[:length]
            counts[prefix] = counts.get(prefix, 0) + 1
    return counts


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(10, "observations/_today_follow_ups.html", follow_ups))
    SECTIONS.add(app, Section(20, "observations/_today_alerts.html", alerts))
    AREA_COLUMNS.add(app, AreaColumn(10, _l("Overdue follow-ups"), overdue_per_child, warn=True))
