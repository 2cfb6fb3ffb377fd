"""Finding a household in scope by address, resident name, or the last 4 digits of a phone or
an ID number."""

from __future__ import annotations

import re

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from .. import scope
from ..extensions import db
from ..models import Household, Resident

LAST_FOUR = re.compile(r"^[0-9]{3}[0-9Xx]$")


def _resident_match(q: str) -> ColumnElement[bool]:
    """A resident whom `q` finds: by the tail of their phone or ID number, or by a word of
    their name."""
    if LAST_FOUR.match(q):
        tail = q.upper()
        return or_(
            Resident.phone.endswith(tail, autoescape=True),
            Resident.id_number.endswith(tail, autoescape=True),
        )
    return or_(*(Resident.name.contains(word, autoescape=True) for word in q.split()))


def find_households(q: str, limit: int = 30) -> list[Household]:
    q = q.strip()
    if not q:
        return []
    if LAST_FOUR.match(q):
        match = or_(
            Household.phone.endswith(q.upper(), autoescape=True),
            Household.residents.any(_resident_match(q)),
        )
    else:
        # "2幢 401": every word must be found, each in the address or a resident's name.
        match = and_(
            *(
                or_(
                    Household.address.contains(word, autoescape=True),
                    Household.residents.any(Resident.name.contains(word, autoescape=True)),
                )
                for word in q.split()
            )
        )
    stmt = (
        scope.households()
        .where(match)
        .options(joinedload(Household.grid))
        .order_by(Household.address, Household.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def matching_residents(households: list[Household], q: str) -> dict[int, list[str]]:
    """The names of the residents that `q` found in each of `households` (by name, or by the
    tail of their phone or ID number), so that a result says whom it found; none for a
    household found by its address or its own phone. One statement for the whole list."""
    q = q.strip()
    if not households or not q:
        return {}
    rows = db.session.execute(
        select(Resident.household_id, Resident.name)
        .where(
            Resident.household_id.in_([h.id for h in households]),
            _resident_match(q),
        )
        .order_by(Resident.household_id, Resident.id)
    )
    names: dict[int, list[str]] = {}
    for household_id, name in rows:
        names.setdefault(household_id, []).append(name)
    return names
