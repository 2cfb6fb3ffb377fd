"""A case's timeline: the steps written, and the rises of the clock that runs now (derived,
webapp/cases/clock.py), in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Case, CaseEvent, Grid, Worker
from . import clock
from .kinds import KINDS


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str
    actor: Worker | None
    by_resident: bool
    grid: Grid | None
    worker: Worker | None
    text: str | None


def steps(case_: Case, at: datetime) -> list[Step]:
    """Every step up to `at`, oldest first."""
    stored = db.session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case_.id, CaseEvent.at <= at)
        .options(
            selectinload(CaseEvent.actor),
            selectinload(CaseEvent.worker),
            selectinload(CaseEvent.grid),
        )
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    found = [Step(e.at, e.kind, e.actor, e.by_resident, e.grid, e.worker, e.text) for e in stored]
    rises = clock.position(case_, at).rises
    if rises:
        grids = {
            g.id: g
            for g in db.session.scalars(select(Grid).where(Grid.id.in_([r.grid_id for r in rises])))
        }
        found += [Step(r.at, "escalated", None, False, grids[r.grid_id], None, None) for r in rises]
    if case_.state == "resolved" and case_.resolved_at is not None:
        closes = case_.resolved_at + timedelta(days=KINDS[case_.kind].auto_close_days())
        if closes <= at:
            found.append(Step(closes, "closed", None, False, None, None, None))
    found.sort(key=lambda s: s.at)
    return found
