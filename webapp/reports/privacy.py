"""What the report's lists show of people and places: names masked, no ID number or phone, and
places named below the report's own node.

A report is printed and pinned up, and it goes to people who may not open a household's page:
a name is shown as elsewhere on paper (张*丰, webapp/identity.py mask_name), and free text typed
by a worker (a colour change's reason) is masked the same way before it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..identity import mask_id_number, mask_name, mask_phone
from ..models import Grid, Resident

# Eighteen characters of an ID number (the last may be X) and eleven of a mobile number, not
# inside a longer run of digits.
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def residents_of(household_ids: Iterable[int]) -> dict[int, list[str]]:
    """The names of each household's residents (active ones first, then by registration)."""
    ids = sorted(set(household_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Resident.household_id, Resident.name)
        .where(Resident.household_id.in_(ids))
        .order_by(Resident.household_id, Resident.active.desc(), Resident.id)
    )
    names: dict[int, list[str]] = {}
    for household_id, name in rows:
        names.setdefault(household_id, []).append(name)
    return names


def masked_text(text: str, names: Iterable[str]) -> str:
    """`text` with every name of `names` masked, and ID numbers and phones masked."""
    for name in sorted(set(names), key=len, reverse=True):
        if len(name) > 1:
            text = text.replace(name, mask_name(name))
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


def places_below(node: Grid, paths: Iterable[str]) -> dict[int, str]:
    """For each grid path: the grid's id and its names from below `node` down to it (第一网格 ›
    1幢1单元); the node itself by its own name, a grid outside the node's subtree by its own
    name alone. One statement."""
    paths = set(paths)
    own = len(node.ancestor_ids)

    def chain(path: str) -> list[int]:
        ids = [int(p) for p in path.split(".") if p]
        return ids[own:] if path.startswith(node.path) else ids[-1:]

    chains = {path: chain(path) for path in paths}
    ids = {i for chain in chains.values() for i in chain}
    names: dict[int, str] = {}
    if ids:
        names = dict(db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(ids))).all())
    found: dict[int, str] = {}
    for path, chain in chains.items():
        grid_id = int(path.rstrip(".").split(".")[-1])
        found[grid_id] = " › ".join(names.get(i, "") for i in chain) if chain else node.name
    return found
