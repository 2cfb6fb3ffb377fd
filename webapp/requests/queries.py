"""Resident requests' selects: the public page's, the today list's, the supervisors' list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from .. import scope
from ..cases import clock
from ..cases.kinds import KINDS
from ..cases.states import OPEN, STATES
from ..clock import day_start
from ..extensions import db
from ..models import Case, Grid, ServiceRequest, Worker, in_subtree
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


def _with_holder(stmt: Select, holder) -> Select:
    return stmt.options(
        contains_eager(ServiceRequest.case).contains_eager(Case.holder.of_type(holder))
    )


def held_here(node: Grid, at: datetime, limit: int = 30) -> list[ServiceRequest]:
    """Open requests that `node` holds at `at`: overdue first, then by due time."""
    stmt = (
        select(ServiceRequest)
        .join(ServiceRequest.case)
        .join(Grid, Grid.id == Case.holder_id)
        .where(Case.kind == KIND, clock.held_at(node, at))
        .order_by(Case.due_at, Case.id)
        .limit(limit)
    )
    return list(db.session.scalars(_with_holder(stmt, Grid)).unique())


def count_held(node: Grid, at: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Case)
        .join(Grid, Grid.id == Case.holder_id)
        .where(Case.kind == KIND, clock.held_at(node, at))
    )


@dataclass
class Filters:
    state: str = ""
    category: str = ""
    overdue: bool = False
    node: Grid | None = None
    first: date | None = None
    last: date | None = None


def listing(filters: Filters, at: datetime) -> Select:
    """The supervisor's list: requests of the scope (of `filters.node`'s subtree), newest
    first. The state "closed" includes resolved requests that closed by themselves."""
    holder = aliased(Grid)
    stmt = (
        scope.cases(KIND)
        .join(ServiceRequest, ServiceRequest.case_id == Case.id)
        .join(holder, holder.id == Case.holder_id)
        .add_columns(ServiceRequest)
        .options(contains_eager(Case.holder.of_type(holder)))
    )
    auto_close = at - timedelta(days=KINDS[KIND].auto_close_days())
    if filters.state == "closed":
        stmt = stmt.where(
            or_(
                Case.state == "closed",
                (Case.state == "resolved") & (Case.resolved_at <= auto_close),
            )
        )
    elif filters.state == "resolved":
        stmt = stmt.where(Case.state == "resolved", Case.resolved_at > auto_close)
    elif filters.state == "open":
        stmt = stmt.where(Case.state.in_(OPEN))
    elif filters.state in STATES:
        stmt = stmt.where(Case.state == filters.state)
    if filters.category in CATEGORIES:
        stmt = stmt.where(Case.category == filters.category)
    if filters.overdue:
        stmt = stmt.where(clock.overdue(at))
    if filters.node is not None:
        stmt = stmt.where(in_subtree(Grid.path, filters.node.path))
    if filters.first:
        stmt = stmt.where(Case.created_at >= day_start(filters.first))
    if filters.last:
        stmt = stmt.where(Case.created_at < day_start(filters.last + timedelta(days=1)))
    return stmt.order_by(Case.created_at.desc(), Case.id.desc())


def grids_by_id(ids) -> dict[int, Grid]:
    ids = set(ids)
    if not ids:
        return {}
    return {g.id: g for g in db.session.scalars(select(Grid).where(Grid.id.in_(ids)))}
