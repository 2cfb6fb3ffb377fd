"""Return filings' selects: the filings a user acts for (the enterprise's own, a liaison
officer's enterprises, a supervisor's subtree, a reviewer's department), the employees coming
to a community's subtree, what waits for whom, and the whitelist. Lists are one statement each;
the figures per filing one grouped statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, and_, case, func, or_, select

from .. import scope
from ..extensions import db
from ..models import Enterprise, FiledEmployee, Grid, ReturnFiling
from ..permissions import Can

PAGE = 50


def enterprises() -> Select:
    """The enterprises the current user files for: scope.enterprises(), and for a field worker
    (no Can.SUPERVISE) only those they are the liaison officer of."""
    query = scope.enterprises().where(Enterprise.active)
    if (
        current_user.enterprise_id is None
        and current_user.department_id is None
        and not current_user.can(Can.SUPERVISE)
    ):
        query = query.where(Enterprise.liaison_id == current_user.id)
    return query


def enterprise_ids() -> Select:
    return enterprises().with_only_columns(Enterprise.id)


def get_enterprise_or_404(enterprise_id: int) -> Enterprise:
    found = db.session.scalar(enterprises().where(Enterprise.id == enterprise_id))
    if found is None:
        abort(404)
    return found


def filings() -> Select:
    """Filings of the enterprises the current user acts for, newest first."""
    return (
        select(ReturnFiling)
        .where(ReturnFiling.enterprise_id.in_(enterprise_ids()))
        .order_by(ReturnFiling.created_at.desc(), ReturnFiling.id.desc())
    )


def arrivals() -> Select:
    """Filed employees whose destination micro-grid lies in the current user's subtree."""
    return (
        select(FiledEmployee)
        .join(Grid, Grid.id == FiledEmployee.grid_id)
        .where(scope.within(Grid.path))
    )


def is_arrival_here(employee: FiledEmployee) -> bool:
    """Whether the current user decides for the employee's destination community."""
    return current_user.can(Can.APPROVE_ARRIVALS) and employee.grid.path.startswith(
        scope.scope_path()
    )


def get_filing_or_404(filing_id: int) -> tuple[ReturnFiling, bool]:
    """A filing the current user may open, and whether they act for its enterprise (else they
    are a community that some of its employees come to, and see only those)."""
    filing = db.session.scalar(filings().where(ReturnFiling.id == filing_id))
    if filing is not None:
        return filing, True
    if current_user.can(Can.APPROVE_ARRIVALS):
        here = db.session.scalar(arrivals().where(FiledEmployee.filing_id == filing_id).limit(1))
        if here is not None:
            return here.filing, False
    abort(404)


def get_review_or_404(filing_id: int) -> ReturnFiling:
    """A filing of the reviewer's department (scope.enterprises() says which)."""
    filing = db.session.scalar(
        select(ReturnFiling).where(
            ReturnFiling.id == filing_id,
            ReturnFiling.enterprise_id.in_(scope.enterprises().with_only_columns(Enterprise.id)),
        )
    )
    if filing is None:
        abort(404)
    return filing


def get_arrival_or_404(employee_id: int) -> FiledEmployee:
    employee = db.session.scalar(arrivals().where(FiledEmployee.id == employee_id))
    if employee is None:
        abort(404)
    return employee


@dataclass
class Tally:
    """One filing's employees by decision."""

    employees: int = 0
    approved: int = 0  # by their community
    refused: int = 0
    waiting: int = 0


def tallies(filing_ids: list[int]) -> dict[int, Tally]:
    """Each filing's employees by their community's decision: one grouped statement."""
    if not filing_ids:
        return {}
    decision = FiledEmployee.community_decision
    stmt = (
        select(
            FiledEmployee.filing_id,
            func.count(),
            func.sum(case((decision == "approved", 1), else_=0)),
            func.sum(case((decision == "refused", 1), else_=0)),
        )
        .where(FiledEmployee.filing_id.in_(filing_ids))
        .group_by(FiledEmployee.filing_id)
    )
    return {
        fid: Tally(n, int(a or 0), int(r or 0), n - int(a or 0) - int(r or 0))
        for fid, n, a, r in db.session.execute(stmt)
    }


def stage_of(filing: ReturnFiling, tally: Tally) -> str:
    """The stage (rules.STAGES) from the filing and its tally, without loading its rows."""
    if filing.revoked_at is not None:
        return "revoked"
    if filing.department_decision == "refused":
        return "refused"
    if filing.department_decision is None:
        return "department"
    return "community" if tally.waiting else "done"


OPEN = and_(ReturnFiling.revoked_at.is_(None), ReturnFiling.department_decision.is_(None))


def waiting_for_department() -> Select:
    """Filings of the reviewer's department waiting for its decision, oldest first."""
    return (
        select(ReturnFiling)
        .where(
            OPEN,
            ReturnFiling.enterprise_id.in_(scope.enterprises().with_only_columns(Enterprise.id)),
        )
        .order_by(ReturnFiling.created_at, ReturnFiling.id)
    )


def waiting_arrivals() -> Select:
    """Employees coming to the current user's subtree who wait for the community's decision
    (not in a filing refused by its department or revoked), earliest arrival first."""
    return (
        arrivals()
        .join(ReturnFiling, ReturnFiling.id == FiledEmployee.filing_id)
        .where(
            FiledEmployee.community_decision.is_(None),
            ReturnFiling.revoked_at.is_(None),
            or_(
                ReturnFiling.department_decision.is_(None),
                ReturnFiling.department_decision == "approved",
            ),
        )
        .order_by(FiledEmployee.arrival_date, FiledEmployee.id)
    )


def open_filings_of_liaison(worker_id: int) -> Select:
    """Filings of the enterprises a liaison officer looks after that wait for a decision."""
    waiting = (
        select(FiledEmployee.id)
        .where(
            FiledEmployee.filing_id == ReturnFiling.id,
            FiledEmployee.community_decision.is_(None),
        )
        .exists()
    )
    return (
        select(ReturnFiling)
        .join(Enterprise, Enterprise.id == ReturnFiling.enterprise_id)
        .where(
            Enterprise.liaison_id == worker_id,
            ReturnFiling.revoked_at.is_(None),
            or_(
                ReturnFiling.department_decision.is_(None),
                and_(ReturnFiling.department_decision == "approved", waiting),
            ),
        )
        .order_by(ReturnFiling.created_at, ReturnFiling.id)
    )


@dataclass
class WhitelistFilters:
    text: str = ""  # a name, or the enterprise's name
    enterprise_id: int | None = None
    first: date | None = None  # planned arrival from
    last: date | None = None


WHITELISTED = and_(
    ReturnFiling.department_decision == "approved",
    FiledEmployee.community_decision == "approved",
    ReturnFiling.revoked_at.is_(None),
)


def whitelist(filters: WhitelistFilters, for_review: bool = False) -> Select:
    """Whitelisted employees in scope (their enterprise's, or, for a community, coming to its
    subtree), earliest arrival first. `for_review`: the reviewer's department's."""
    stmt = (
        select(FiledEmployee)
        .join(ReturnFiling, ReturnFiling.id == FiledEmployee.filing_id)
        .join(Enterprise, Enterprise.id == ReturnFiling.enterprise_id)
        .join(Grid, Grid.id == FiledEmployee.grid_id)
        .where(WHITELISTED)
    )
    if for_review:
        ids = scope.enterprises().with_only_columns(Enterprise.id)
        stmt = stmt.where(ReturnFiling.enterprise_id.in_(ids))
    elif current_user.can(Can.APPROVE_ARRIVALS):
        stmt = stmt.where(
            or_(ReturnFiling.enterprise_id.in_(enterprise_ids()), scope.within(Grid.path))
        )
    else:
        stmt = stmt.where(ReturnFiling.enterprise_id.in_(enterprise_ids()))
    if filters.text:
        stmt = stmt.where(
            or_(
                FiledEmployee.name.contains(filters.text, autoescape=True),
                Enterprise.name.contains(filters.text, autoescape=True),
            )
        )
    if filters.enterprise_id:
        stmt = stmt.where(ReturnFiling.enterprise_id == filters.enterprise_id)
    if filters.first:
        stmt = stmt.where(FiledEmployee.arrival_date >= filters.first)
    if filters.last:
        stmt = stmt.where(FiledEmployee.arrival_date <= filters.last)
    return stmt.order_by(FiledEmployee.arrival_date, FiledEmployee.id)


def count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
