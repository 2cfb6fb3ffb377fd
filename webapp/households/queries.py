"""The household page's selects: its history, its residents under observation."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..clock import today
from ..extensions import db
from ..models import (
    STATUSES,
    VISIT_METHODS,
    Household,
    HouseholdMove,
    Merge,
    Observation,
    Resident,
    ResidentMove,
    StatusChange,
    Visit,
)


def timeline(household: Household, limit: int = 20) -> list[dict]:
    """Visits, colour changes and moves (of the household, of residents in or out), newest
    first, as {at, text}."""
    visits = db.session.scalars(
        select(Visit)
        .where(Visit.household_id == household.id)
        .options(selectinload(Visit.worker))
        .order_by(Visit.visited_at.desc())
        .limit(limit)
    ).all()
    changes = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.household_id == household.id)
        .options(selectinload(StatusChange.worker), selectinload(StatusChange.resident))
        .order_by(StatusChange.changed_at.desc())
        .limit(limit)
    ).all()
    moves = db.session.scalars(
        select(HouseholdMove)
        .where(HouseholdMove.household_id == household.id)
        .options(
            selectinload(HouseholdMove.moved_by),
            selectinload(HouseholdMove.from_grid),
            selectinload(HouseholdMove.to_grid),
        )
        .order_by(HouseholdMove.moved_at.desc())
        .limit(limit)
    ).all()
    members = db.session.scalars(
        select(ResidentMove)
        .where(
            or_(
                ResidentMove.from_household_id == household.id,
                ResidentMove.to_household_id == household.id,
            )
        )
        .options(selectinload(ResidentMove.moved_by), selectinload(ResidentMove.resident))
        .order_by(ResidentMove.moved_at.desc())
        .limit(limit)
    ).all()
    merges = db.session.scalars(
        select(Merge)
        .where(
            or_(
                (Merge.kind == "household") & (Merge.kept_id == household.id),
                (Merge.kind == "resident")
                & Merge.kept_id.in_(
                    select(Resident.id).where(Resident.household_id == household.id)
                ),
            )
        )
        .options(selectinload(Merge.merged_by))
        .order_by(Merge.merged_at.desc())
        .limit(limit)
    ).all()
    entries = [
        {"at": v.visited_at, "text": visit_text(v, v.worker.name), "visit": v} for v in visits
    ]
    entries += [{"at": m.merged_at, "text": merge_text(m)} for m in merges]
    entries += [{"at": c.changed_at, "text": change_text(c)} for c in changes]
    entries += [{"at": m.moved_at, "text": move_text(m)} for m in moves]
    entries += [{"at": m.moved_at, "text": member_move_text(m, household)} for m in members]
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:limit]


def current_observations(household: Household) -> dict[int, Observation]:
    """The household's residents under observation today, by resident id."""
    rows = db.session.scalars(
        select(Observation).where(
            Observation.household_id == household.id, Observation.current_on(today())
        )
    )
    return {o.resident_id: o for o in rows}


def entry_for(record: Visit | StatusChange, worker_name: str) -> dict:
    """The history line of a visit or a colour change just made by `worker_name`."""
    if isinstance(record, Visit):
        return {"at": record.visited_at, "text": visit_text(record, worker_name), "visit": record}
    return {"at": record.changed_at, "text": change_text(record, worker_name)}


def visit_text(visit: Visit, worker_name: str) -> str:
    """A visit's line in the household's history; `worker_name` is the visiting worker's."""
    method = VISIT_METHODS.get(visit.method, visit.method)
    text = (
        _("%(worker)s: %(method)s visit, nobody at home", worker=worker_name, method=method)
        if visit.not_at_home
        else _(
            "%(worker)s: %(method)s visit, %(n)d persons seen",
            worker=worker_name,
            method=method,
            n=visit.persons_seen,
        )
    )
    # What was written down at the door belongs in the history too.
    if visit.temperatures:
        text += f" · {visit.temperatures} °C"
    if visit.note:
        text += f" · {visit.note}"
    if visit.possible_duplicate:
        text += " " + _("(possible duplicate)")
    return text


def move_text(move: HouseholdMove) -> str:
    """A household's move in its history: who moved it, from which micro-grid to which."""
    return _(
        "%(who)s: moved from %(old)s to %(new)s",
        who=move.moved_by.name,
        old=move.from_grid.name,
        new=move.to_grid.name,
    )


def merge_text(merge: Merge) -> str:
    """A merge into this household (or into one of its residents) in its history: who merged
    which duplicate record (its address, or its name and masked ID number) into it."""
    if merge.kind == "household":
        return _(
            "%(who)s: merged the duplicate household %(label)s (record %(id)d) into this one",
            who=merge.merged_by.name,
            label=merge.details.get("label", ""),
            id=merge.merged_id,
        )
    return _(
        "%(who)s: merged the duplicate resident record %(label)s (record %(id)d) into this one",
        who=merge.merged_by.name,
        label=merge.details.get("label", ""),
        id=merge.merged_id,
    )


def merged_into(household: Household) -> Merge | None:
    """The merge that took this household away, if it was merged into another."""
    return db.session.scalar(
        select(Merge).where(Merge.kind == "household", Merge.merged_id == household.id)
    )


def member_move_text(move: ResidentMove, household: Household) -> str:
    """A resident's move in the history of `household`, which they left or joined. The other
    household is not named: it may lie outside the reader's area."""
    if move.to_household_id == household.id:
        return _("%(who)s: %(name)s moved in", who=move.moved_by.name, name=move.resident.name)
    return _("%(who)s: %(name)s moved out", who=move.moved_by.name, name=move.resident.name)


def change_text(change: StatusChange, worker_name: str | None = None) -> str:
    """A colour change's line in the history; `worker_name` for a change just made (not
    loaded with its worker), else the loaded worker's name, or "rule"."""
    who = worker_name or (change.worker.name if change.worker else _("rule"))
    whose = f"{change.resident.name} " if change.resident else ""
    return _(
        "%(who)s: %(whose)s%(old)s → %(new)s, %(reason)s",
        who=who,
        whose=whose,
        old=STATUSES[change.from_status],
        new=STATUSES[change.to_status],
        reason=change.reason,
    )
