"""The area a manager gives a worker, chosen by name from the nodes of the manager's subtree.

Names repeat (there is a 3幢 in every community), so a node is offered and understood by its
path of names below the manager's node ("湖海塘社区 / 第一网格 / 3幢", webapp/places.py). The
browser offers the matching nodes as one types (a datalist: without JavaScript it holds the
first levels, with htmx it follows what is typed); a node's code is understood as well, and a
name that several nodes share is answered with those nodes to choose from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_login import current_user

from .. import places, scope
from ..extensions import db
from ..models import Grid

# The list offered under the field: enough to find one's way, little enough for a phone.
SUGGESTIONS = 30
_CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")


@dataclass
class Area:
    """A node with the label the manager sees it by."""

    node: Grid
    label: str


@dataclass
class Choice:
    """What a typed area came to: the node, or the nodes it may mean (none: unknown)."""

    node: Grid | None
    candidates: list[Area] = field(default_factory=list)


def normalize(text: str) -> str:
    """One way to write a path of names: "a/ b /c" is "a / b / c"."""
    return places.SEPARATOR.join(part.strip() for part in text.split("/") if part.strip())


def _labelled(nodes: list[Grid]) -> list[Area]:
    labels = places.paths_below(nodes, current_user.scope)
    return [Area(node, labels[node.id]) for node in nodes]


def label_of(node: Grid) -> str:
    """The label of one node, as the list offers it."""
    return _labelled([node])[0].label


def suggestions(typed: str = "") -> list[Area]:
    """The nodes in scope whose name holds the last name typed (the highest levels first);
    the first levels of the subtree when nothing is typed."""
    name = normalize(typed).split(places.SEPARATOR)[-1] if typed.strip() else ""
    stmt = scope.grids()
    if name:
        stmt = stmt.where(Grid.name.contains(name, autoescape=True))
    nodes = db.session.scalars(stmt.order_by(Grid.level, Grid.path).limit(SUGGESTIONS)).all()
    return _labelled(list(nodes))


def choose(typed: str) -> Choice:
    """The node in scope that `typed` names: its path of names below the manager's node, its
    own name when no other node in scope has it, or its code."""
    text = normalize(typed)
    if _CODE.match(text) and (node := scope.grid_by_code(text)) is not None:
        return Choice(node)
    name = text.split(places.SEPARATOR)[-1]
    named = db.session.scalars(
        scope.grids().where(Grid.name == name).order_by(Grid.level, Grid.path).limit(SUGGESTIONS)
    ).all()
    areas = _labelled(list(named))
    exact = [area for area in areas if area.label == text]
    if len(exact) == 1:
        return Choice(exact[0].node)
    if len(areas) == 1 and places.SEPARATOR not in text:
        return Choice(areas[0].node)
    return Choice(None, areas)
