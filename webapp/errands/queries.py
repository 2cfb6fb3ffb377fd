"""Open errands in scope."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..grids.queries import count_per_child
from ..models import Errand, Grid


def open_errands(limit: int = 30) -> list[Errand]:
    """Errands not done yet, oldest first."""
    stmt = (
        scope.field_work(Errand)
        .options(joinedload(Errand.household))
        .where(Errand.done_at.is_(None))
        .order_by(Errand.created_at)
    )
    return list(db.session.scalars(stmt.limit(limit)))


def open_per_child(node: Grid) -> dict[str, int]:
    return count_per_child(node, Errand, Errand.done_at.is_(None))
