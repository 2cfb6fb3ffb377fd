"""Enterprise problems' selects: the list of what one may see, the today list's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from .. import scope
from ..cases import clock
from ..cases import queries as cases
from ..cases.queries import Filters
from ..cases.states import OPEN
from ..extensions import db
from ..models import Case, Enterprise, EnterpriseProblem, Grid
from ..models.enterprises import PROBLEM_CATEGORIES, URGENCY
from .kind import KIND


@dataclass
class ProblemFilters(Filters):
    urgency: str = ""
    department_id: int | None = None
    enterprise_id: int | None = None


def listing(filters: ProblemFilters, at: datetime) -> Select:
    """Problems the user may see (webapp/scope.problems), filtered, newest first; rows of
    (EnterpriseProblem, Case) with the case's holder and the enterprise loaded."""
    holder = aliased(Grid)
    stmt = (
        scope.problems()
        .join(holder, holder.id == Case.holder_id)
        .add_columns(Case)
        .options(
            contains_eager(EnterpriseProblem.case).contains_eager(Case.holder.of_type(holder)),
            joinedload(EnterpriseProblem.enterprise),
            joinedload(EnterpriseProblem.department),
        )
    )
    if filters.urgency in URGENCY:
        stmt = stmt.where(EnterpriseProblem.urgency == filters.urgency)
    if filters.department_id:
        stmt = stmt.where(EnterpriseProblem.department_id == filters.department_id)
    if filters.enterprise_id:
        stmt = stmt.where(EnterpriseProblem.enterprise_id == filters.enterprise_id)
    return cases.filtered(stmt, KIND, filters, PROBLEM_CATEGORIES, at)


def _with_holders(stmt: Select) -> Select:
    return stmt.join(Grid, Grid.id == Case.holder_id).options(
        contains_eager(EnterpriseProblem.case).contains_eager(Case.holder.of_type(Grid))
    )


def of_enterprise(enterprise_id: int, limit: int = 20) -> list[EnterpriseProblem]:
    """An enterprise's problems, open ones first, then newest first (for its page)."""
    return list(
        db.session.scalars(
            _with_holders(select(EnterpriseProblem).join(EnterpriseProblem.case))
            .where(EnterpriseProblem.enterprise_id == enterprise_id)
            .order_by(Case.state.in_(OPEN).desc(), Case.created_at.desc(), Case.id.desc())
            .limit(limit)
        ).unique()
    )


def of_department(department_id: int, limit: int = 30) -> list[EnterpriseProblem]:
    """A department's enterprises' open problems, the most pressing first."""
    return list(
        db.session.scalars(
            _with_holders(select(EnterpriseProblem).join(EnterpriseProblem.case))
            .where(EnterpriseProblem.department_id == department_id, Case.state.in_(OPEN))
            .options(joinedload(EnterpriseProblem.enterprise))
            .order_by(Case.due_at, Case.id)
            .limit(limit)
        ).unique()
    )


def for_today(node: Grid, worker_id: int, at: datetime, limit: int = 30) -> list[EnterpriseProblem]:
    """Open problems the worker's node holds now by the clock, and the open problems of the
    enterprises they are liaison officer of (wherever those are held): overdue first."""
    stmt = (
        select(EnterpriseProblem)
        .join(EnterpriseProblem.case)
        .join(Grid, Grid.id == Case.holder_id)
        .join(Enterprise, Enterprise.id == EnterpriseProblem.enterprise_id)
        .where(
            Case.kind == KIND,
            or_(
                clock.held_at(node, at),
                (Enterprise.liaison_id == worker_id) & Case.state.in_(OPEN),
            ),
        )
        .options(
            contains_eager(EnterpriseProblem.case).contains_eager(Case.holder.of_type(Grid)),
            joinedload(EnterpriseProblem.enterprise),
        )
        .order_by(Case.due_at, Case.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())


def grids_by_id(ids) -> dict[int, Grid]:
    ids = set(ids)
    if not ids:
        return {}
    return {g.id: g for g in db.session.scalars(select(Grid).where(Grid.id.in_(ids)))}
