"""Which households are due a visit by their colour's rhythm, and which visits look doubled."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..grids.queries import count_per_child
from ..models import SEVERITY, Grid, Household, Visit, VisitResolution


def counted() -> ColumnElement[bool]:
    """Visits that count: all but those a supervisor struck out as duplicates
    (webapp/duplicates). A list of ids rather than a join, so that the reports still read
    their covering index alone (on SQLite the row id is in every index)."""
    return Visit.id.not_in(select(VisitResolution.visit_id).where(VisitResolution.struck))


def unresolved() -> ColumnElement[bool]:
    """Visits nobody has decided on yet (kept or struck)."""
    return ~exists().where(VisitResolution.visit_id == Visit.id)


def visit_due(at: datetime) -> ColumnElement[bool]:
    """Households whose colour's visit rhythm has run out (or never visited)."""
    rhythm = current_app.config["VISIT_RHYTHM_HOURS"]
    return or_(
        Household.last_visit_at.is_(None),
        *[
            (Household.status == status) & (Household.last_visit_at < at - timedelta(hours=hours))
            for status, hours in rhythm.items()
        ],
    )


def due_count(at: datetime) -> int:
    """How many households in scope are due a visit."""
    stmt = scope.households().where(visit_due(at))
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def households_due(at: datetime, limit: int = 30) -> tuple[int, list[Household]]:
    """How many households in scope are due a visit, and the most urgent of them."""
    stmt = scope.households().where(visit_due(at))
    total = due_count(at)
    most_serious_first = case({s: -rank for s, rank in SEVERITY.items()}, value=Household.status)
    rows = db.session.scalars(
        stmt.order_by(
            most_serious_first,
            Household.last_visit_at.is_not(None),  # never visited first
            Household.last_visit_at,
        ).limit(limit)
    ).all()
    return total, list(rows)


def flagged_visits(since: datetime, limit: int = 30) -> list[Visit]:
    """Visits kept but flagged as possible duplicates or fakes (same worker, household, 10 min),
    that wait for a supervisor's decision."""
    stmt = (
        scope.field_work(Visit)
        .options(joinedload(Visit.household), joinedload(Visit.worker))
        .where(Visit.possible_duplicate, Visit.visited_at >= since, unresolved())
    )
    return list(db.session.scalars(stmt.order_by(Visit.visited_at.desc()).limit(limit)))


def due_per_child(node: Grid, at: datetime) -> dict[str, int]:
    """Households due a visit per child of `node`."""
    return count_per_child(node, Household, Household.active, visit_due(at))


def flagged_per_child(node: Grid, since: datetime) -> dict[str, int]:
    """Flagged visits since `since` waiting for a decision, per child of `node`."""
    return count_per_child(
        node, Visit, Visit.possible_duplicate, Visit.visited_at >= since, unresolved()
    )
