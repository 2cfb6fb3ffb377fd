"""Finding a household in scope by address, resident name, or the last 4 digits of a phone or
an ID number."""

from __future__ import annotations

import re

from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..models import Household, Resident

LAST_FOUR = re.compile(r"^[0-9]{3}[0-9Xx]$")


def find_households(q: str, limit: int = 30) -> list[Household]:
    q = q.strip()
    if not q:
        return []
    if LAST_FOUR.match(q):
        tail = q.upper()
        match = or_(
            Household.phone.endswith(tail, autoescape=True),
            Household.residents.any(
                or_(
                    Resident.phone.endswith(tail, autoescape=True),
                    Resident.id_number.endswith(tail, autoescape=True),
                )
            ),
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
