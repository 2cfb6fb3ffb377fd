"""Checkpoints' parts of the today list: the handovers to receive in the worker's area (late
ones marked overdue by their case's clock, for the destination's workers and their supervisors
alike; a supervisor also sees how many rose to their own level), and for checkpoint staff
the checkpoints they are put on."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..grids.queries import count_per_child
from ..models import Handover
from ..permissions import Can
from ..today.sections import AREA_COLUMNS, SECTIONS, AreaColumn, Moment, Section
from . import queries


def handovers(moment: Moment) -> dict | None:
    total, rows = queries.open_handovers(moment.node)
    if not total:
        return None
    return {
        "total": total,
        "rows": [(h, queries.is_late(h, moment.at)) for h in rows],
        "late": queries.late_count(moment.node, moment.at),
        "held": queries.held_count(moment.node, moment.at),
    }


def posts(moment: Moment) -> dict | None:
    # One row per checkpoint, with the worker's shifts there.
    found: dict[int, tuple] = {}
    for post in queries.posts_of(current_user.id):
        _checkpoint, shifts = found.setdefault(post.checkpoint_id, (post.checkpoint, []))
        shifts.append(post.shift_label)
    return {"rows": list(found.values())} if found else None


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(5, "checkpoints/_today_posts.html", posts, Can.CHECKPOINT_WORK))
    SECTIONS.add(app, Section(25, "checkpoints/_today.html", handovers))
    AREA_COLUMNS.add(
        app,
        AreaColumn(
            70,
            _l("Late handovers"),
            lambda m: count_per_child(
                m.node,
                Handover,
                Handover.received_at.is_(None),
                queries.late(m.at),
            ),
            warn=True,
        ),
    )
