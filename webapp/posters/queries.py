"""Posters' selects: the micro-grids of a subtree, in the order of the tree."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import MICRO_LEVEL, Grid, in_subtree


def micro_grid_ids(node: Grid) -> list[int]:
    """The active micro-grids under `node` (itself, when it is one), in path order: each
    file of a batch covers neighbouring micro-grids."""
    return list(
        db.session.scalars(
            select(Grid.id)
            .where(in_subtree(Grid.path, node.path), Grid.level == MICRO_LEVEL, Grid.active)
            .order_by(Grid.path)
        )
    )
