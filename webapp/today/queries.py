"""The today list's selects: visits due by colour rhythm, colours raised today, errands,
fever alerts and possible duplicate visits; per child node for supervisors."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import joinedload

from .. import scope
from ..clock import day_start
from ..extensions import db
from ..models import SEVERITY, Errand, FollowUp, Grid, Household, StatusChange, Visit, in_subtree


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


def households_due(at: datetime, limit: int = 30) -> tuple[int, list[Household]]:
    """How many households in scope are due a visit, and the most urgent of them."""
    stmt = scope.households().where(visit_due(at))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    most_serious_first = case({s: -rank for s, rank in SEVERITY.items()}, value=Household.status)
    rows = db.session.scalars(
        stmt.order_by(
            most_serious_first,
            Household.last_visit_at.is_not(None),  # never visited first
            Household.last_visit_at,
        ).limit(limit)
    ).all()
    return total, list(rows)


def _in_scope(stmt: Select, grid_column) -> Select:
    return stmt.join(Grid, Grid.id == grid_column).where(scope.within(Grid.path))


def raised_today(day_from: datetime) -> list[StatusChange]:
    """Households that turned red or orange today."""
    stmt = _in_scope(
        select(StatusChange).options(joinedload(StatusChange.household)),
        StatusChange.grid_id,
    ).where(StatusChange.changed_at >= day_from, StatusChange.to_status.in_(["red", "orange"]))
    return list(db.session.scalars(stmt.order_by(StatusChange.changed_at.desc()).limit(50)))


def open_errands(limit: int = 30) -> list[Errand]:
    stmt = _in_scope(select(Errand).options(joinedload(Errand.household)), Errand.grid_id).where(
        Errand.done_at.is_(None)
    )
    return list(db.session.scalars(stmt.order_by(Errand.created_at).limit(limit)))


def fever_alerts(day) -> list[FollowUp]:
    """Today's follow-ups with a fever or a symptom (the supervisors' alert list)."""
    threshold = current_app.config["FEVER_TEMPERATURE"]
    stmt = _in_scope(
        select(FollowUp).options(joinedload(FollowUp.observation)), FollowUp.grid_id
    ).where(
        FollowUp.slot_date == day,
        or_(FollowUp.temperature >= threshold, func.json_array_length(FollowUp.symptoms) > 0),
    )
    return list(db.session.scalars(stmt.order_by(FollowUp.recorded_at.desc()).limit(50)))


def flagged_visits(since: datetime, limit: int = 30) -> list[Visit]:
    """Visits kept but flagged as possible duplicates or fakes (same worker, household, 10 min)."""
    stmt = _in_scope(
        select(Visit).options(joinedload(Visit.household), joinedload(Visit.worker)),
        Visit.grid_id,
    ).where(Visit.possible_duplicate, Visit.visited_at >= since)
    return list(db.session.scalars(stmt.order_by(Visit.visited_at.desc()).limit(limit)))


def due_by_child(node: Grid, at: datetime) -> dict[str, dict[str, int]]:
    """Per child of `node` (keyed by its path): households due a visit, open errands,
    flagged visits of the last 7 days. One grouped query each."""
    child = func.substr(Grid.path, 1, node.child_prefix_length()).label("child")
    result: dict[str, dict[str, int]] = {}

    def collect(name: str, model, *conditions) -> None:
        stmt = (
            select(child, func.count())
            .select_from(model)
            .join(Grid, Grid.id == model.grid_id)
            .where(scope.within(Grid.path), in_subtree(Grid.path, node.path), *conditions)
            .group_by(child)
        )
        for prefix, n in db.session.execute(stmt):
            result.setdefault(prefix, {})[name] = n

    collect("due", Household, Household.active, visit_due(at))
    collect("errands", Errand, Errand.done_at.is_(None))
    week_ago = day_start(at.date()) - timedelta(days=7)
    collect("flagged", Visit, Visit.possible_duplicate, Visit.visited_at >= week_ago)
    return result
