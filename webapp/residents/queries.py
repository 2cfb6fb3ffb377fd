"""The residents' selects: the ID-number checks waiting for a supervisor, the households a
resident could move to."""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..models import Grid, Household, IdNumberCheck, Resident
from ..search.queries import find_households


def open_checks() -> Select:
    """Checks not resolved yet, for a household in scope, oldest first."""
    return (
        select(IdNumberCheck)
        .join(IdNumberCheck.household)
        .join(Household.grid)
        .where(IdNumberCheck.resolved_at.is_(None), scope.within(Grid.path))
        .options(joinedload(IdNumberCheck.household), joinedload(IdNumberCheck.existing))
        .order_by(IdNumberCheck.filed_at, IdNumberCheck.id)
    )


def count_open_checks() -> int:
    return db.session.scalar(select(func.count()).select_from(open_checks().subquery()))


def get_check_or_404(check_id: int) -> IdNumberCheck:
    """An open check of a household in scope."""
    check = db.session.scalar(open_checks().where(IdNumberCheck.id == check_id))
    if check is None:
        abort(404)
    return check


def move_targets(q: str, resident: Resident, limit: int = 20) -> list[Household]:
    """Households in scope that a resident could move to, for what was typed: the household's
    number (these results show it; it is the one in its page's address), or what the household
    search finds (address, a resident's name, 4 digits); the resident's own household left
    out."""
    q = q.strip()
    found = find_households(q, limit) if q else []
    if q.isdigit():
        numbered = db.session.scalar(scope.households().where(Household.id == int(q)))
        if numbered is not None and numbered not in found:
            found.insert(0, numbered)
    return [h for h in found if h.id != resident.household_id][:limit]
