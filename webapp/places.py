"""Where a record lies, said from the node of the page that shows it.

A worker of one stairwell does not need "江南街道 西苑社区 2幢1单元" on every row of their
stairwell, and a supervisor of 江南街道 reading a list of workers needs more than "3幢" (there
is a 3幢 in every community). So rows name a place below the page's own node: an address loses
the names of that node and of the nodes above it at its start, and a worker's area is the
path of names from just below the viewer's node down to it.

The page's node is the micro-grid on a micro-grid's page (and in the answer to a write on one
of its rows: set_page_node), and the signed-in worker's own node everywhere else. Its names are
read once per request; the paths of a whole list are read in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .models import Grid

SEPARATOR = " / "


def set_page_node(node: Grid) -> None:
    """The node this request's page is about (a micro-grid's page); rows are said below it."""
    g.page_node = node


def page_node() -> Grid | None:
    """The node of this request's page: the one set_page_node named, else the worker's own."""
    if not has_request_context():
        return None
    node = g.get("page_node")
    if node is None and current_user.is_authenticated:
        node = current_user.scope
    return node


def _names(ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(ids))).all())


def _lineage(node: Grid) -> list[str]:
    """The names from the root down to `node` (read once per request and node)."""
    cache = g.setdefault("place_lineages", {})
    if node.id not in cache:
        names = _names(node.ancestor_ids)
        cache[node.id] = [names[i] for i in node.ancestor_ids if i in names]
    return cache[node.id]


def strip_names(address: str, names: list[str]) -> str:
    """`address` without those of `names` (top down) that it starts with, in order; never
    empty (an address that is only those names stays whole)."""
    rest = address.strip()
    for name in names:
        if name and rest.startswith(name) and rest[len(name) :].strip():
            rest = rest[len(name) :].lstrip(" ·,，/")
    return rest or address


def address_below(address: str, node: Grid | None = None) -> str:
    """`address` said below `node` (the page's node by default): "2幢1单元401室" for a supervisor
    of 西苑社区, "401室" on the page of the stairwell 2幢1单元."""
    node = node or page_node()
    if node is None or not address:
        return address
    return strip_names(address, _lineage(node))


def paths_below(grids: Iterable[Grid], top: Grid) -> dict[int, str]:
    """Each of `grids` named by the path from just below `top` down to it ("西苑社区 / 3幢"),
    keyed by grid id; a grid that is `top` itself, or not under it, is named alone. One
    statement for the whole list."""
    grids = list(grids)
    depth = len(top.ancestor_ids)
    below = {
        grid.id: grid.ancestor_ids[depth:] if top.contains(grid) else [grid.id] for grid in grids
    }
    names = _names(i for ids in below.values() for i in ids)
    paths = {}
    for grid in grids:
        parts = [names[i] for i in below[grid.id] if i in names]
        paths[grid.id] = SEPARATOR.join(parts) if parts else grid.name
    return paths
