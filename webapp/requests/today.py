"""Resident requests on the today list: those the worker's node holds now (overdue in red,
urged marked), with their count in the section's header; and, for supervisors, the overdue
ones per area."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..cases import clock
from ..extensions import db
from ..grids.queries import child_key
from ..models import Case, Grid, in_subtree
from ..today.sections import AREA_COLUMNS, SECTIONS, AreaColumn, Moment, Section
from .categories import CATEGORIES, KIND
from .queries import count_held, held_here


def held(moment: Moment) -> dict:
    found = held_here(moment.node, moment.at)
    return {
        "requests": found,
        "count": count_held(moment.node, moment.at) if len(found) >= 30 else len(found),
        "positions": {r.case_id: clock.position(r.case, moment.at) for r in found},
        "categories": CATEGORIES,
    }


def overdue_per_child(moment: Moment) -> dict[str, int]:
    key = child_key(moment.node)
    stmt = (
        select(key, func.count())
        .select_from(Case)
        .join(Grid, Grid.id == Case.grid_id)
        .where(
            Case.kind == KIND,
            in_subtree(Grid.path, moment.node.path),
            clock.overdue(moment.at),
        )
        .group_by(key)
    )
    return {prefix: n for prefix, n in db.session.execute(stmt)}


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(15, "requests/_today.html", held))
    AREA_COLUMNS.add(app, AreaColumn(35, _l("Overdue requests"), overdue_per_child, warn=True))
