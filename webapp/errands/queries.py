"""Open errands in scope."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..grids.queries import count_per_child
from ..models import Errand, Grid


def open_errands(limit: int = 30) -> list[Errand]:
    """Errands not done yet, oldest first."""
    stmt = (
        select(Errand)
        .options(joinedload(Errand.household))
        .join(Grid, Grid.id == Errand.grid_id)
        .where(scope.within(Grid.path), Errand.done_at.is_(None))
    )
    return list(db.session.scalars(stmt.order_by(Errand.created_at).limit(limit)))


def open_per_child(node: Grid) -> dict[str, int]:
    return count_per_child(node, Errand, Errand.done_at.is_(None))
