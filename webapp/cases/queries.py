"""The selects every kind of case shares: the filters of a list, and the open cases a node
holds now by the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager

from ..clock import day_start
from ..extensions import db
from ..models import Case, Grid, in_subtree
from . import clock
from .kinds import KINDS
from .states import OPEN, STATES


@dataclass
class Filters:
    state: str = ""
    category: str = ""
    overdue: bool = False
    node: Grid | None = None
    first: date | None = None
    last: date | None = None


def filtered(
    stmt: Select, kind: str, filters: Filters, categories: dict, at: datetime, node_path=Grid.path
) -> Select:
    """`stmt` (cases of `kind`, their node joined as `node_path`'s table) limited by the
    filters, newest first. The state "closed" includes resolved cases that closed by
    themselves; "open" is any state whose clock runs."""
    auto_close = at - timedelta(days=KINDS[kind].auto_close_days())
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
    if filters.category in categories:
        stmt = stmt.where(Case.category == filters.category)
    if filters.overdue:
        stmt = stmt.where(clock.overdue(at))
    if filters.node is not None:
        stmt = stmt.where(in_subtree(node_path, filters.node.path))
    if filters.first:
        stmt = stmt.where(Case.created_at >= day_start(filters.first))
    if filters.last:
        stmt = stmt.where(Case.created_at < day_start(filters.last + timedelta(days=1)))
    return stmt.order_by(Case.created_at.desc(), Case.id.desc())


def held_here(model, kind: str, node: Grid, at: datetime, limit: int = 30) -> list:
    """Rows of `model` (what a kind adds to its cases, with a `case` relationship) whose
    cases `node` holds at `at`: overdue first, then by due time."""
    stmt = (
        select(model)
        .join(model.case)
        .join(Grid, Grid.id == Case.holder_id)
        .where(Case.kind == kind, clock.held_at(node, at))
        .order_by(Case.due_at, Case.id)
        .limit(limit)
        .options(contains_eager(model.case).contains_eager(Case.holder.of_type(Grid)))
    )
    return list(db.session.scalars(stmt).unique())


def count_held(kind: str, node: Grid, at: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Case)
        .join(Grid, Grid.id == Case.holder_id)
        .where(Case.kind == kind, clock.held_at(node, at))
    )
