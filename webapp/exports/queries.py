"""The exports' selects: the rows of each kind in a subtree, as plain columns.

Each select reads exactly its layout's columns, in order, as tuples (never an ORM object per
row: the zone has half a million residents). The subtree is the export's path, which the
scope allowed the asker (webapp/exports/kinds.Export): a job has no signed-in worker to ask.
Rows come in the order of the grid tree, so that a file reads area by area.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, case, exists, func, literal, select

from ..clock import day_start
from ..extensions import db
from ..models import (
    SEVERITY,
    FollowUp,
    Grid,
    Household,
    Observation,
    Resident,
    Visit,
    VisitResolution,
    Worker,
    in_subtree,
)
from ..observations.slots import slot_ends, slot_state, slots
from ..visits.queries import visit_due
from .kinds import Export

DAY = timedelta(days=1)


def _in(export: Export) -> ColumnElement[bool]:
    return in_subtree(Grid.path, export.path)


def _columns(export: Export, model: type, **others: ColumnElement) -> list[ColumnElement]:
    """The layout's columns in order: each the attribute of `model` of the same name unless
    `others` names it. A column added to a layout that neither holds fails loudly instead of
    being left out of the file."""
    return [
        (others[c.key] if c.key in others else getattr(model, c.key)).label(c.key)
        for c in export.of.sheet.columns
    ]


def _households(export: Export, model: type = Household, **others: ColumnElement) -> Select:
    """Active households of the subtree with their micro-grid (its code, its order), read as
    the layout's columns of `model` (see _columns); the caller joins `model` when it is not
    Household."""
    columns = _columns(export, model, grid_code=Grid.code, address=Household.address, **others)
    return (
        select(*columns)
        .select_from(Household)
        .join(Grid, Grid.id == Household.grid_id)
        .where(_in(export), Household.active)
    )


def _field_work(export: Export, model: type, **others: ColumnElement) -> Select:
    """Rows of `model` made in the subtree (in the micro-grid of the time), with their worker
    and the household's address; the caller joins the household."""
    columns = _columns(
        export, model, grid_code=Grid.code, address=Household.address, worker=Worker.name, **others
    )
    return (
        select(*columns)
        .select_from(model)
        .join(Grid, Grid.id == model.grid_id)
        .join(Worker, Worker.id == model.worker_id)
        .where(_in(export))
    )


def _days(export: Export) -> tuple[date, date]:
    return date.fromisoformat(export.first), date.fromisoformat(export.last)


def households(export: Export) -> list[Select]:
    return [_households(export).order_by(Grid.path, Household.id)]


def residents(export: Export) -> list[Select]:
    stmt = _households(export, Resident).join(Resident, Resident.household_id == Household.id)
    return [stmt.where(Resident.active).order_by(Grid.path, Household.id, Resident.id)]


def workers(export: Export) -> list[Select]:
    """The active workers the asker manages (scope.workers: their roles, in the subtree)."""
    stmt = (
        select(*_columns(export, Worker, scope_code=Grid.code))
        .join(Grid, Grid.id == Worker.scope_id)
        .where(_in(export), Worker.active, Worker.role.in_(export.roles))
    )
    return [stmt.order_by(Grid.path, Worker.id)]


def visits(export: Export) -> list[Select]:
    """Visits made in the subtree during the period (where the household was at the time)."""
    first, last = _days(export)
    struck = exists().where(VisitResolution.visit_id == Visit.id, VisitResolution.struck)
    mark = case((struck, literal("struck")), else_=None)
    stmt = _field_work(
        export, Visit, day=Visit.visited_at, time=Visit.visited_at, struck=mark
    ).join(Household, Household.id == Visit.household_id)
    period = (Visit.visited_at >= day_start(first), Visit.visited_at < day_start(last) + DAY)
    return [stmt.where(*period).order_by(Visit.visited_at, Visit.id)]


def follow_ups(export: Export) -> list[Select]:
    """Follow-ups of the period's days made in the subtree."""
    stmt = (
        _field_work(export, FollowUp, day=FollowUp.slot_date, name=Resident.name)
        .join(Observation, Observation.id == FollowUp.observation_id)
        .join(Resident, Resident.id == Observation.resident_id)
        .join(Household, Household.id == Observation.household_id)
    )
    period = FollowUp.slot_date.between(*_days(export))
    return [stmt.where(period).order_by(FollowUp.slot_date, FollowUp.slot, Grid.path, FollowUp.id)]


def due_visits(export: Export) -> list[Select]:
    """The today list's households due a visit (webapp/visits/queries.visit_due), in its
    order: most serious colour first, never visited first, then the longest unvisited."""
    at = datetime.fromisoformat(export.at)
    stmt = _households(export, last_visit=Household.last_visit_at).where(visit_due(at))
    most_serious_first = case({s: -rank for s, rank in SEVERITY.items()}, value=Household.status)
    never_visited_first = Household.last_visit_at.is_not(None)
    order = (most_serious_first, never_visited_first, Household.last_visit_at, Grid.path)
    return [stmt.order_by(*order, Household.id)]


def open_follow_ups(export: Export) -> list[Select]:
    """The today list's follow-ups not yet recorded whose slot has begun: one select per such
    slot, overdue ones first, as the today list shows them (none before the first slot)."""
    at = datetime.fromisoformat(export.at)
    day = at.date()
    begun = [(slot, slot_state(day, slot, at)) for slot in slots()]
    selects = []
    for slot, state in sorted((b for b in begun if b[1] != "later"), key=_overdue_first):
        recorded = exists().where(
            FollowUp.observation_id == Observation.id,
            FollowUp.slot_date == day,
            FollowUp.slot == slot,
        )
        stmt = (
            _households(
                export,
                Observation,
                slot=literal(slot),
                state=literal(state),
                name=Resident.name,
                phone=Resident.phone,
            )
            .join(Observation, Observation.household_id == Household.id)
            .join(Resident, Resident.id == Observation.resident_id)
            .where(
                Observation.current_on(day),
                Observation.owes_slot(day, slot_ends(day, slot)),
                ~recorded,
            )
        )
        selects.append(stmt.order_by(Grid.path, Household.id, Observation.id))
    return selects


def _overdue_first(slot_and_state: tuple[str, str]) -> bool:
    return slot_and_state[1] != "overdue"


STATEMENTS: dict[str, Callable[[Export], list[Select]]] = {
    "households": households,
    "residents": residents,
    "workers": workers,
    "visits": visits,
    "follow_ups": follow_ups,
    "due_visits": due_visits,
    "open_follow_ups": open_follow_ups,
}


def statements(export: Export) -> list[Select]:
    """The selects whose rows, one after the other, are the export's rows."""
    return STATEMENTS[export.kind](export)


def count_rows(export: Export) -> int:
    """How many rows the export will have (for the progress bar and the audit trail)."""
    return sum(
        db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        for stmt in statements(export)
    )
