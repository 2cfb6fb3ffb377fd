"""The grid tree (网格): zone → township/street → community/village → grid → micro-grid."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from ..clock import now
from ..extensions import db

LEVEL_LABELS = {
    0: _l("Zone"),
    1: _l("Township / street"),
    2: _l("Community / village"),
    3: _l("Grid"),
    4: _l("Micro-grid"),
}
MICRO_LEVEL = 4

# The six kinds of micro-grid named in the seed: one stairwell, one building, one street segment,
# one organisation, one enterprise, one villager group.
MICRO_KINDS = {
    "stairwell": _l("Stairwell"),
    "building": _l("Building"),
    "street": _l("Street segment"),
    "organisation": _l("Organisation"),
    "enterprise": _l("Enterprise"),
    "villager_group": _l("Villager group"),
}

# A node's path is its ancestors' ids and its own, each zero-padded to a fixed width and
# followed by a dot: "000001.000007.000042.". Fixed width means that the children of a node
# at level L are told apart by the first (L + 2) * SEGMENT characters, so one GROUP BY on a
# substring counts a whole subtree per child, and a subtree is one range scan on an index.
SEGMENT = 7
PATH_TYPE = String(SEGMENT * 5).with_variant(String(SEGMENT * 5, collation="C"), "postgresql")


def segment(grid_id: int) -> str:
    return f"{grid_id:06d}."


class Grid(db.Model):
    __tablename__ = "grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    level: Mapped[int]
    kind: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # Paths are set right after the insert, once the id is known.
    path: Mapped[str] = mapped_column(PATH_TYPE, default="", index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    parent: Mapped[Grid | None] = relationship(remote_side=[id])

    __table_args__ = (
        CheckConstraint("level BETWEEN 0 AND 4", name="level_range"),
        Index("ix_grid_parent_active", "parent_id", "active"),
    )

    def __repr__(self) -> str:
        return f"<Grid {self.code} {self.name}>"

    @property
    def is_micro(self) -> bool:
        return self.level == MICRO_LEVEL

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def kind_label(self) -> str:
        return str(MICRO_KINDS.get(self.kind or "", ""))

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this node, read off the path."""
        return [int(part) for part in self.path.split(".") if part]

    def child_prefix_length(self) -> int:
        return (self.level + 2) * SEGMENT

    def compute_path(self) -> str:
        base = self.parent.path if self.parent is not None else ""
        return base + segment(self.id)

    def contains(self, other: Grid) -> bool:
        return other.path.startswith(self.path)


def in_subtree(path_column: ColumnElement, path: str) -> ColumnElement[bool]:
    """Rows whose path starts with `path`, as a range that a plain B-tree index serves.

    LIKE 'path%' would not use the index on SQLite.
    """
    start, end = subtree_bounds(path)
    return and_(path_column >= start, path_column < end)


def subtree_bounds(path: str) -> tuple[str, str]:
    """[start, end) of the paths in the subtree at `path`: '~' sorts after every digit and the
    dot, so the range holds exactly the subtree."""
    return path, path + "~"
