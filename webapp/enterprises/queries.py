"""Enterprises' selects: the registry in scope with its search and filter, the departments, an
enterprise's visits, a liaison officer's enterprises, finding a liaison officer by what was
typed."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager

from .. import scope
from ..extensions import db
from ..models import Enterprise, EnterpriseVisit, Grid, IndustryDepartment, Worker
from . import rules


def registry(q: str = "", department_id: int | None = None, active_only: bool = True) -> Select:
    """The enterprises in scope (scope.enterprises), by name; `q` matches the name or the start
    of the code."""
    stmt = scope.enterprises().options(contains_eager(Enterprise.grid))
    if active_only:
        stmt = stmt.where(Enterprise.active)
    if q:
        stmt = stmt.where(
            or_(
                Enterprise.name.contains(q, autoescape=True),
                Enterprise.uscc.startswith(q.upper(), autoescape=True),
            )
        )
    if department_id:
        stmt = stmt.where(Enterprise.department_id == department_id)
    return stmt.order_by(Enterprise.active.desc(), Enterprise.name, Enterprise.id)


def departments(active_only: bool = False) -> list[IndustryDepartment]:
    stmt = select(IndustryDepartment).order_by(
        IndustryDepartment.active.desc(), IndustryDepartment.name
    )
    if active_only:
        stmt = stmt.where(IndustryDepartment.active)
    return list(db.session.scalars(stmt))


def visits_of(enterprise: Enterprise, limit: int = 30) -> list[EnterpriseVisit]:
    """The enterprise's latest liaison visits, newest first (on ix_enterprise_visit_time)."""
    return list(
        db.session.scalars(
            select(EnterpriseVisit)
            .where(EnterpriseVisit.enterprise_id == enterprise.id)
            .order_by(EnterpriseVisit.visited_at.desc(), EnterpriseVisit.id.desc())
            .limit(limit)
        )
    )


def liaison_of(worker_id: int) -> list[Enterprise]:
    """The active enterprises whose liaison officer is `worker_id`, by name."""
    return list(
        db.session.scalars(
            select(Enterprise)
            .where(Enterprise.liaison_id == worker_id, Enterprise.active)
            .order_by(Enterprise.name)
        )
    )


def find_liaison(typed: str, grid: Grid) -> list[Worker]:
    """The workers who may be the liaison officer of an enterprise of `grid` and whom `typed`
    names: their phone, or their name (several people share a name: all are returned)."""
    typed = typed.strip()
    if not typed:
        return []
    stmt = rules.liaison_candidates(grid).where(or_(Worker.phone == typed, Worker.name == typed))
    return list(db.session.scalars(stmt.order_by(Worker.name, Worker.id).limit(10)))


def in_scope(enterprise: Enterprise) -> bool:
    """Whether the signed-in user may learn of `enterprise` (it is among theirs)."""
    return db.session.scalar(scope.enterprises().where(Enterprise.id == enterprise.id)) is not None
