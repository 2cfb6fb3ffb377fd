"""Resident requests' selects: the public page's, the today list's, the supervisors' list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from .. import scope
from ..cases import queries as cases
from ..cases.queries import Filters
from ..extensions import db
from ..models import Case, Grid, ServiceRequest, Worker
from .categories import CATEGORIES, KIND

LEADER_POSITIONS = ("micro_leader", "grid_leader")


def public_grid(code: str) -> Grid | None:
    """An active micro-grid by its printed code (None for anything else, alike)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return db.session.scalar(select(Grid).where(Grid.code == code, Grid.active, Grid.level == 4))


def place_of(grid: Grid) -> list[Grid]:
    """The micro-grid's ancestors below the zone, top first (street, community, grid)."""
    ids = grid.ancestor_ids[1:-1]
    found = db.session.scalars(select(Grid).where(Grid.id.in_(ids))).all() if ids else []
    return sorted(found, key=lambda g: g.level)


def leaders_of(grid: Grid) -> list[Worker]:
    """The micro-grid's leaders: its active workers with a leader's position, or, when none
    holds one, its active workers."""
    workers = list(
        db.session.scalars(
            select(Worker)
            .where(Worker.scope_id == grid.id, Worker.active)
            .order_by(Worker.id)
            .limit(20)
        )
    )
    leaders = [w for w in workers if set(w.positions or []) & set(LEADER_POSITIONS)]
    return (leaders or workers)[:3]


def by_code(code: str) -> ServiceRequest | None:
    return db.session.scalar(
        select(ServiceRequest)
        .join(ServiceRequest.case)
        .where(Case.code == code, Case.kind == KIND)
        .options(joinedload(ServiceRequest.case).joinedload(Case.holder))
    )


def get_request_or_404(case_id: int) -> ServiceRequest:
    case = scope.get_case_or_404(case_id, KIND)
    return db.session.get(ServiceRequest, case.id)


def held_here(node: Grid, at: datetime, limit: int = 30) -> list[ServiceRequest]:
    """Open requests that `node` holds at `at`: overdue first, then by due time."""
    return cases.held_here(ServiceRequest, KIND, node, at, limit)


def count_held(node: Grid, at: datetime) -> int:
    return cases.count_held(KIND, node, at)


def listing(filters: Filters, at: datetime) -> Select:
    """The supervisor's list: requests of the scope (of `filters.node`'s subtree), newest
    first (the filters are every kind's: webapp/cases/queries.py)."""
    holder = aliased(Grid)
    stmt = (
        scope.cases(KIND)
        .join(ServiceRequest, ServiceRequest.case_id == Case.id)
        .join(holder, holder.id == Case.holder_id)
        .add_columns(ServiceRequest)
        .options(contains_eager(Case.holder.of_type(holder)))
    )
    return cases.filtered(stmt, KIND, filters, CATEGORIES, at)


def grids_by_id(ids) -> dict[int, Grid]:
    ids = set(ids)
    if not ids:
        return {}
    return {g.id: g for g in db.session.scalars(select(Grid).where(Grid.id.in_(ids)))}
