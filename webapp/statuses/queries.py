"""Colour changes in scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..models import Household, StatusChange


def raised_today(day_from: datetime, limit: int = 50) -> list[StatusChange]:
    """Households that turned red or orange since `day_from`, newest first."""
    stmt = (
        scope.field_work(StatusChange)
        .options(joinedload(StatusChange.household))
        .where(StatusChange.changed_at >= day_from, StatusChange.to_status.in_(["red", "orange"]))
    )
    return list(db.session.scalars(stmt.order_by(StatusChange.changed_at.desc()).limit(limit)))


def latest_change(household: Household) -> StatusChange | None:
    """The household's newest colour change (of the household or one of its residents), with
    who made it: what a worker whose change met a conflict is told."""
    stmt = (
        select(StatusChange)
        .options(joinedload(StatusChange.worker))
        .where(StatusChange.household_id == household.id)
        .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)
