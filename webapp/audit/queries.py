"""The audit trail's selects: the entries a reader may see, narrowed by the page's filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from .. import scope
from ..clock import day_start
from ..models import AuditEntry, Grid, Worker, in_subtree
from ..permissions import Can


@dataclass
class Filters:
    """What the reader asked for; empty fields ask for nothing."""

    actor: str = ""  # a name or a phone
    action: str = ""
    node: Grid | None = None  # the subtree of a node (by its code)
    first: date | None = None
    last: date | None = None
    errors: list[str] = field(default_factory=list)


def entries(filters: Filters, reader_can_see_all: bool) -> Select:
    """Entries the reader may read, newest first: an administrator all of them, a supervisor
    those of their subtree (entries with no area, such as a failed sign-in with an unknown
    phone, only administrators)."""
    stmt = (
        select(AuditEntry)
        .outerjoin(Grid, Grid.id == AuditEntry.grid_id)
        .options(joinedload(AuditEntry.actor), joinedload(AuditEntry.grid))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if not reader_can_see_all:
        stmt = stmt.where(scope.within(Grid.path))
    if filters.node is not None:
        stmt = stmt.where(in_subtree(Grid.path, filters.node.path))
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.actor:
        actors = select(Worker.id).where(
            or_(
                Worker.name.contains(filters.actor, autoescape=True),
                Worker.phone.startswith(filters.actor, autoescape=True),
            )
        )
        stmt = stmt.where(AuditEntry.actor_id.in_(actors))
    if filters.first:
        stmt = stmt.where(AuditEntry.at >= day_start(filters.first))
    if filters.last:
        stmt = stmt.where(AuditEntry.at < day_start(filters.last + timedelta(days=1)))
    return stmt


def sees_all(user) -> bool:
    return user.can(Can.SEE_WHOLE_TREE)
