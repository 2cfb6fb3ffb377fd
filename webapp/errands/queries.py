"""Open errands in scope.

An open errand is work still to do for its household, so it is listed and counted where the
household lives now: after a move the new micro-grid's worker sees it and can mark it done. The
daily report keeps counting errands where they were opened (errands/report.py), so a move never
changes a past day's figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from .. import scope
from ..extensions import db
from ..grids.queries import child_key
from ..models import Errand, Grid, Household, in_subtree


def open_errands(limit: int = 30) -> list[Errand]:
    """Errands not done yet, oldest first."""
    stmt = (
        select(Errand)
        .join(Errand.household)
        .join(Household.grid)
        .options(contains_eager(Errand.household))
        .where(scope.within(Grid.path), Errand.done_at.is_(None))
        .order_by(Errand.created_at)
    )
    return list(db.session.scalars(stmt.limit(limit)))


def done_since(worker_id: int, since: datetime) -> list[Errand]:
    """Errands `worker_id` marked done since `since`: they stay on the today list while their
    undo lasts, so that a page drawn again (a plain post, a reload) still offers it."""
    stmt = (
        select(Errand)
        .join(Errand.household)
        .join(Household.grid)
        .options(contains_eager(Errand.household))
        .where(scope.within(Grid.path), Errand.done_by_id == worker_id, Errand.done_at >= since)
        .order_by(Errand.done_at)
    )
    return list(db.session.scalars(stmt))


def open_count() -> int:
    """How many errands in scope are still open (the count beside the today list's errands)."""
    stmt = (
        select(func.count())
        .select_from(Errand)
        .join(Errand.household)
        .join(Household.grid)
        .where(scope.within(Grid.path), Errand.done_at.is_(None))
    )
    return db.session.scalar(stmt)


def open_per_child(node: Grid) -> dict[str, int]:
    """Open errands under `node` per child, by the household's micro-grid of today."""
    key = child_key(node)
    stmt = (
        select(key, func.count())
        .select_from(Errand)
        .join(Errand.household)
        .join(Household.grid)
        .where(in_subtree(Grid.path, node.path), Errand.done_at.is_(None))
        .group_by(key)
    )
    return {prefix: n for prefix, n in db.session.execute(stmt)}
