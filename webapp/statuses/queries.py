"""Colour changes in scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..models import StatusChange


def raised_today(day_from: datetime, limit: int = 50) -> list[StatusChange]:
    """Households that turned red or orange since `day_from`, newest first."""
    stmt = (
        scope.field_work(StatusChange)
        .options(joinedload(StatusChange.household))
        .where(StatusChange.changed_at >= day_from, StatusChange.to_status.in_(["red", "orange"]))
    )
    return list(db.session.scalars(stmt.order_by(StatusChange.changed_at.desc()).limit(limit)))
