"""The supervisors' per-area table of the today list: one row per child of their scope node,
one column per count that a feature contributes (webapp/today/sections.AreaColumn)."""

from __future__ import annotations

from flask import Flask

from ..grids.queries import children_of
from ..permissions import Can
from .sections import AREA_COLUMNS, SECTIONS, Moment, Section


def areas(moment: Moment) -> dict | None:
    children = children_of(moment.node)
    if not children:
        return None
    columns = AREA_COLUMNS()
    counts = [column.counts(moment) for column in columns]
    rows = [(child, [found.get(child.path, 0) for found in counts]) for child in children]
    return {"columns": columns, "rows": rows}


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(60, "today/_areas.html", areas, Can.SUPERVISE))
