"""The writes every kind of case shares. Each one settles the clock first (the rises that fell
due are written into the timeline at their own minute), checks the state, changes it, writes
one step on the timeline, and starts or stops the clock. None commits: the caller does."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select

from .. import codes
from ..extensions import db
from ..models import Case, CaseEvent, Grid, Worker
from ..rules import RuleError, office_language
from . import clock
from .kinds import KINDS, Limits, limits_of, refusal
from .states import ACCEPT_STAGE, OPEN, RATINGS, SATISFIED

# The same content from the same place within this window is the same case sent again (a
# reload, a second tap after the answer was lost).
SAME_WITHIN = timedelta(minutes=10)

Made = TypeVar("Made")


def fingerprint(place: int, category: str, text: str, *more: str | None) -> str:
    """The digest of a submission's content: where it is from, its category, its text with its
    spaces squeezed, and what else makes it the same (None counts as empty)."""
    parts = [str(place), category, " ".join(text.split()), *(m or "" for m in more)]
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def earlier_copy(
    model: type[Made], key: str | None, digest: str, at: datetime, kind: str | None = None
) -> Made | None:
    """The record (a `model` with its `case`) an earlier copy of this submission made: by its
    client key, else by its content (of that kind of case) within SAME_WITHIN of `at`."""
    owner: Any = model
    stmt = select(model).join(owner.case)
    if key:
        found = db.session.scalar(stmt.where(Case.client_key == key))
        if found is not None:
            return found
    same = [Case.fingerprint == digest, Case.created_at >= at - SAME_WITHIN]
    if kind is not None:
        same.append(Case.kind == kind)
    return db.session.scalar(stmt.where(*same))


def event(case_: Case, kind: str, at: datetime, actor_id: int | None = None, **values) -> CaseEvent:
    step = CaseEvent(case_id=case_.id, kind=kind, at=at, actor_id=actor_id, **values)
    db.session.add(step)
    return step


def _new_code() -> str:
    while True:
        code = codes.new_code()
        if db.session.scalar(select(Case.id).where(Case.code == code)) is None:
            return code


def _hold(case_: Case, holder: Grid) -> None:
    case_.holder = holder
    case_.holder_id = holder.id
    case_.holder_level = holder.level


def open_case(
    kind: str,
    category: str,
    text: str,
    grid: Grid,
    at: datetime,
    actor_id: int | None = None,
    key: str | None = None,
    fingerprint: str | None = None,
    limits: Limits | None = None,
) -> Case:
    """A new case held by `grid`, its accept clock running; sent by a resident when `actor_id`
    is None, else entered by that worker. `limits` are the case's own when the kind reads them
    from a row it adds after this one (an enterprise problem's urgency)."""
    case_ = Case(
        kind=kind,
        category=category,
        text=text,
        state="new",
        grid=grid,
        grid_id=grid.id,
        created_at=at,
        created_by_id=actor_id,
        code=_new_code(),
        client_key=key,
        fingerprint=fingerprint,
    )
    _hold(case_, grid)
    clock.start(case_, at, (limits or KINDS[kind].limits(case_)).accept)
    db.session.add(case_)
    db.session.flush()
    event(case_, "submitted", at, actor_id, by_resident=actor_id is None, grid_id=grid.id)
    return case_


def settle(case_: Case, at: datetime) -> None:
    """Write the rises that fell due since the clock started, each at its own minute, and move
    the holder and the clock's start up with them (the position stays the same)."""
    position = clock.position(case_, at)
    if not position.rises:
        return
    for rise in position.rises:
        event(case_, "escalated", rise.at, grid_id=rise.grid_id)
    last = position.rises[-1]
    _hold(case_, db.session.get(Grid, last.grid_id))
    # The clock keeps running from the last rise: the next one falls where it would have.
    due = case_.due_at
    clock.start(case_, last.at, case_.limit_min)
    # The first deadline stays: a case that rose is overdue wherever it is now.
    case_.due_at = due


def _open(case_: Case) -> None:
    if case_.state not in OPEN:
        raise RuleError(refusal(case_, "not_open"))


def effective_state(case_: Case, at: datetime) -> str:
    """The state at `at`: a resolved case nobody rated is closed after the kind's days."""
    if case_.state == "resolved" and case_.resolved_at is not None:
        days = KINDS[case_.kind].auto_close_days()
        if (at - case_.resolved_at).days >= days:
            return "closed"
    return case_.state


def _takes(case_: Case, worker: Worker) -> Grid:
    """The node that holds a case the worker takes: their own, when it lies on the case's
    chain (an administrator's scope may not), else the holder of the moment."""
    scope = worker.scope
    if case_.grid.path.startswith(scope.path):
        return scope
    return case_.holder


def accept(case_: Case, worker: Worker, at: datetime) -> None:
    """The worker takes the case: its resolve clock starts."""
    settle(case_, at)
    if case_.state not in ACCEPT_STAGE:
        raise RuleError(refusal(case_, "accepted"))
    if case_.accepted_in_time is None:
        case_.accepted_in_time = case_.due_at is None or at < case_.due_at
    case_.state = "accepted"
    case_.accepted_at = case_.accepted_at or at
    case_.assignee_id = worker.id
    _hold(case_, _takes(case_, worker))
    clock.start(case_, at, limits_of(case_).resolve)
    event(case_, "accepted", at, worker.id, grid_id=case_.holder_id)


def progress(case_: Case, worker: Worker, note: str, at: datetime) -> None:
    """A step of the work (a visit, a call): the case is in progress; the clock runs on."""
    settle(case_, at)
    if case_.state in ACCEPT_STAGE:
        accept(case_, worker, at)
    _open(case_)
    case_.state = "in_progress"
    event(case_, "progress", at, worker.id, text=note)


def resolve(case_: Case, worker: Worker, summary: str, at: datetime) -> None:
    """The case is resolved (accepted on the way if nobody had): the clock stops, the
    requester may rate it."""
    settle(case_, at)
    _open(case_)
    if case_.state in ACCEPT_STAGE:
        accept(case_, worker, at)
    case_.state = "resolved"
    case_.resolved_at = at
    case_.resolved_by_id = worker.id
    case_.rating = case_.rated_at = None
    clock.stop(case_)
    event(case_, "resolved", at, worker.id, text=summary)


def rate(
    case_: Case, rating: str, comment: str | None, at: datetime, by: Worker | None = None
) -> None:
    """The requester rates a resolved case (a resident, or `by`, the account of an
    enterprise): satisfied closes it, unsatisfied reopens it for the level above the one that
    resolved it."""
    if effective_state(case_, at) != "resolved":
        raise RuleError(refusal(case_, "rate"))
    case_.rating = rating
    case_.rated_at = at
    with office_language():
        said = str(RATINGS[rating])
    said = f"{said}：{comment}" if comment else said
    event(case_, "rated", at, by.id if by else None, by_resident=by is None, text=said)
    if rating in SATISFIED:
        case_.state = "closed"
        case_.closed_at = at
        event(case_, "closed", at)
        return
    parent = case_.holder.parent or case_.holder
    case_.state = "reopened"
    case_.assignee_id = None
    _hold(case_, parent)
    clock.start(case_, at, limits_of(case_).resolve)
    event(case_, "reopened", at, grid_id=parent.id)


def add_message(case_: Case, text: str, at: datetime) -> None:
    """The requester adds a message while the case is open."""
    _open(case_)
    event(case_, "message", at, by_resident=True, text=text)


def note(case_: Case, worker: Worker, text: str, at: datetime) -> None:
    """An internal note (not on the public page)."""
    event(case_, "note", at, worker.id, text=text)


def comment(case_: Case, by: Worker, text: str, at: datetime) -> None:
    """A word on an open case from someone who follows it without holding it (an industry
    department's reviewer, the enterprise itself): on the timeline; the case stays where it
    is and its clock runs on."""
    settle(case_, at)
    _open(case_)
    event(case_, "comment", at, by.id, text=text)


def return_up(case_: Case, worker: Worker, reason: str, at: datetime) -> None:
    """Not this level's matter: the case goes up one level, with the reason, to be taken or
    dispatched there."""
    settle(case_, at)
    _open(case_)
    holder = case_.holder
    if holder.parent is None:
        raise RuleError(refusal(case_, "top"))
    case_.state = "returned"
    case_.assignee_id = None
    _hold(case_, holder.parent)
    clock.start(case_, at, limits_of(case_).accept)
    event(case_, "returned", at, worker.id, grid_id=holder.parent_id, text=reason)


def dispatch(
    case_: Case,
    by: Worker,
    node: Grid,
    assignee: Worker | None,
    note_text: str | None,
    at: datetime,
) -> None:
    """派单: a supervisor hands the case down to `node` (a named worker's own node when
    `assignee` is given); the clock of its stage starts again there."""
    settle(case_, at)
    _open(case_)
    if assignee is not None:
        node = assignee.scope
    if case_.state == "returned":
        case_.state = "new"
    case_.assignee_id = assignee.id if assignee is not None else None
    _hold(case_, node)
    clock.start(case_, at, clock.stage_limit(case_))
    event(
        case_,
        "dispatched",
        at,
        by.id,
        grid_id=node.id,
        worker_id=assignee.id if assignee else None,
        text=note_text,
    )


def urge(case_: Case, by: Worker, note_text: str | None, at: datetime) -> None:
    """督办: the holder is urged; it shows on their today list until they act."""
    settle(case_, at)
    _open(case_)
    case_.urged_at = at
    event(case_, "urged", at, by.id, text=note_text)


def merge(case_: Case, into: Case, by: Worker, at: datetime) -> None:
    """The case is a duplicate of `into`: it stops, and both timelines say so."""
    settle(case_, at)
    _open(case_)
    if into.id == case_.id or into.kind != case_.kind or into.state == "merged":
        raise RuleError(refusal(case_, "merge"), field="into")
    case_.state = "merged"
    case_.merged_into_id = into.id
    clock.stop(case_)
    event(case_, "merged", at, by.id, text=codes.display(into.code) if into.code else None)
    event(into, "merged_in", at, by.id, text=codes.display(case_.code) if case_.code else None)
