"""The residents' selects: the ID-number checks waiting for a supervisor."""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..models import Grid, Household, IdNumberCheck


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
