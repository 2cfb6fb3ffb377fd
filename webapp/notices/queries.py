"""Notices' selects: what a micro-grid's public page shows, what a worker's today list shows,
and loading one notice in scope."""

from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload

from .. import scope
from ..clock import now
from ..extensions import db
from ..models import Grid, Notice, in_subtree


def _current(at):
    return Notice.withdrawn_at.is_(None), Notice.expires_at > at


def current_for(grid: Grid, limit: int | None = None) -> list[Notice]:
    """The notices in force for `grid`: posted to it or to any of its ancestors, not expired,
    not withdrawn; newest first (at most `limit`). Each has its `grid` loaded (where it was
    posted: "from 江南街道")."""
    stmt = (
        select(Notice)
        .join(Notice.grid)
        .options(contains_eager(Notice.grid))
        .where(Notice.grid_id.in_(grid.ancestor_ids), *_current(now()))
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def for_today(node: Grid, limit: int = 20) -> list[Notice]:
    """The notices in force that concern the workers of `node`: posted above it (they reach
    its micro-grids) or inside its subtree (posted to some of them); newest first."""
    stmt = (
        select(Notice)
        .join(Notice.grid)
        .options(contains_eager(Notice.grid), joinedload(Notice.created_by))
        .where(
            or_(Notice.grid_id.in_(node.ancestor_ids), in_subtree(Grid.path, node.path)),
            *_current(now()),
        )
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def get_notice_or_404(notice_id: int) -> Notice:
    """A notice posted to a node of the current worker's subtree (404 otherwise)."""
    notice = db.session.scalar(
        select(Notice)
        .join(Notice.grid)
        .options(contains_eager(Notice.grid))
        .where(Notice.id == notice_id, scope.within(Grid.path))
    )
    if notice is None:
        abort(404)
    return notice
