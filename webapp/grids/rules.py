"""The grid tree's rules: add a node, rename it, move a subtree, take a node out of use.

The tree keeps its levels (a node's parent is one level up, a micro-grid has no children and a
kind), its codes are unique (they are printed in QR codes), and a node's path is its ancestors'
ids: a move rewrites the paths of its whole subtree in one statement. A node is deactivated
only once it is empty, so that the grid browser's totals always equal the sum of its rows.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import String, func, literal, select, update

from ..extensions import db
from ..models import MICRO_LEVEL, Grid, Household, in_subtree
from ..models.grid import SEGMENT
from ..rules import RuleError


def code_taken(code: str, except_id: int | None = None) -> bool:
    stmt = select(Grid.id).where(Grid.code == code)
    if except_id is not None:
        stmt = stmt.where(Grid.id != except_id)
    return db.session.scalar(stmt) is not None


def add_child(parent: Grid, name: str, code: str, kind: str | None) -> Grid:
    """Create a node one level below `parent` (flushed, path set; the caller commits)."""
    if parent.level >= MICRO_LEVEL:
        # About the parent, not about any field of the form: said above it.
        raise RuleError(_("A micro-grid is the lowest level; it has no children."))
    if code_taken(code):
        raise RuleError(_("The code %(code)s is already used.", code=code), field="code")
    level = parent.level + 1
    if level == MICRO_LEVEL and not kind:
        raise RuleError(_("Choose the kind of micro-grid."), field="kind")
    node = Grid(
        parent=parent,
        level=level,
        name=name,
        code=code,
        kind=kind if level == MICRO_LEVEL else None,
    )
    db.session.add(node)
    db.session.flush()
    node.path = node.compute_path()
    return node


def rename(node: Grid, name: str, code: str, kind: str | None) -> None:
    """Change a node's name, code, or (for a micro-grid) kind."""
    if code_taken(code, except_id=node.id):
        raise RuleError(_("The code %(code)s is already used.", code=code), field="code")
    if node.is_micro and not kind:
        raise RuleError(_("Choose the kind of micro-grid."), field="kind")
    node.name = name
    node.code = code
    node.kind = kind if node.is_micro else None


def move(node: Grid, new_parent: Grid) -> None:
    """Hang `node` and its subtree under `new_parent`, rewriting the subtree's paths at once."""
    if new_parent.id == node.id or node.contains(new_parent):
        raise RuleError(
            _("A node cannot be moved under itself or one of its own descendants."),
            field="parent_code",
        )
    if new_parent.level != node.level - 1:
        raise RuleError(
            _(
                "The new parent must be one level up (%(level)s).",
                level=Grid(level=node.level - 1).level_label,
            ),
            field="parent_code",
        )
    old_path = node.path
    new_path = new_parent.path + old_path[-SEGMENT:]
    # One UPDATE for the whole subtree: the fixed-width segments make the suffix after the old
    # prefix the same under the new parent.
    db.session.execute(
        update(Grid)
        .where(in_subtree(Grid.path, old_path))
        .values(path=literal(new_path, String).concat(func.substr(Grid.path, len(old_path) + 1)))
        .execution_options(synchronize_session=False)
    )
    node.parent = new_parent
    db.session.flush()
    db.session.expire_all()


def deactivate(node: Grid, by_id: int) -> None:
    """Take an empty node out of use (it stays in the history and the past reports); `by_id`
    is who does it."""
    if node.level == 0:
        raise RuleError(_("The root of the tree cannot be deactivated."))
    if reason := _blockers_to_deactivate(node):
        raise RuleError(
            _("%(name)s cannot be deactivated: %(reason)s", name=node.name, reason=reason)
        )
    node.active = False


def activate(node: Grid, by_id: int) -> None:
    """Bring a deactivated node back (under an active parent)."""
    if node.parent is not None and not node.parent.active:
        raise RuleError(_("Activate its parent node first."))
    node.active = True


def _blockers_to_deactivate(node: Grid) -> str | None:
    """Why `node` cannot be deactivated yet, or None.

    Counting a deactivated node's households would make the browser's totals disagree with its
    rows, so a node must be emptied (households and children moved or deactivated) first.
    """
    children = db.session.scalar(select(func.count()).where(Grid.parent_id == node.id, Grid.active))
    if children:
        return _(
            "It still has %(n)d active child nodes. Move or deactivate them first.", n=children
        )
    households = db.session.scalar(
        select(func.count()).where(Household.grid_id == node.id, Household.active)
    )
    if households:
        return _(
            "It still has %(n)d active households. Move or deactivate them first.", n=households
        )
    return None
