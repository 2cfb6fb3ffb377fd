"""Who is under observation, and which follow-up slots are done, due or overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from .. import scope
from ..extensions import db
from ..models import FollowUp, Grid, Household, Observation
from .slots import slot_state, slots


def current_on(day: date) -> Select:
    """Observations in scope that are current on `day` (they end by themselves on their date)."""
    return (
        select(Observation)
        .join(Observation.household)
        .join(Household.grid)
        .where(scope.within(Grid.path), Observation.current_on(day))
    )


@dataclass
class SlotTask:
    observation: Observation
    slot: str
    state: str  # 'due' or 'overdue'


def open_slots(day: date, at: datetime, limit: int | None = None) -> list[SlotTask]:
    """Today's follow-ups not yet recorded whose slot is open (due) or over (overdue)."""
    observations = db.session.scalars(
        current_on(day)
        .options(joinedload(Observation.resident), joinedload(Observation.household))
        .order_by(Observation.household_id, Observation.id)
    ).all()
    if not observations:
        return []
    done = set(
        db.session.execute(
            select(FollowUp.observation_id, FollowUp.slot)
            .join(FollowUp.observation)
            .join(Observation.household)
            .join(Household.grid)
            .where(FollowUp.slot_date == day, scope.within(Grid.path))
        ).all()
    )
    tasks = []
    for observation in observations:
        for slot in slots():
            state = slot_state(day, slot, at)
            if state != "later" and (observation.id, slot) not in done:
                tasks.append(SlotTask(observation, slot, state))
    tasks.sort(key=lambda t: t.state != "overdue")
    return tasks[:limit] if limit else tasks


def fever_alerts(day: date, limit: int = 50) -> list[FollowUp]:
    """The day's follow-ups with a fever or a symptom (the supervisors' alert list)."""
    stmt = (
        scope.field_work(FollowUp)
        .options(
            joinedload(FollowUp.observation).options(
                joinedload(Observation.resident), joinedload(Observation.household)
            )
        )
        .where(FollowUp.slot_date == day, FollowUp.is_alert)
    )
    return list(db.session.scalars(stmt.order_by(FollowUp.recorded_at.desc()).limit(limit)))
