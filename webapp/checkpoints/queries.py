"""Checkpoints' selects: the counters of a shift, checks per hour, the handovers open in a
subtree (late ones are those whose case is past its deadline, derived by the case clock when
read: nothing runs when the limit passes), and finding a destination micro-grid by what was
typed or scanned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from ..cases import clock as case_clock
from ..clock import day_start
from ..extensions import db
from ..models import (
    MICRO_LEVEL,
    OUTCOMES,
    SHIFTS,
    Case,
    Checkpoint,
    CheckpointCheck,
    CheckpointPost,
    Grid,
    Handover,
    in_subtree,
)
from .kind import KIND


@dataclass
class Counters:
    persons: int = 0
    vehicles: int = 0
    fevers: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))


def shift_window(shift: str, at: datetime) -> tuple[datetime, datetime]:
    """The shift `shift` of the day of `at`."""
    _label, first, after = SHIFTS[shift]
    start = day_start(at.date())
    return start + timedelta(hours=first), start + timedelta(hours=after)


def counters(checkpoint: Checkpoint, first: datetime, after: datetime) -> Counters:
    """The checks at `checkpoint` in [first, after): one grouped statement."""
    stmt = (
        select(
            CheckpointCheck.kind,
            CheckpointCheck.outcome,
            CheckpointCheck.fever,
            func.count(),
        )
        .where(
            CheckpointCheck.checkpoint_id == checkpoint.id,
            CheckpointCheck.checked_at >= first,
            CheckpointCheck.checked_at < after,
        )
        .group_by(CheckpointCheck.kind, CheckpointCheck.outcome, CheckpointCheck.fever)
    )
    found = Counters()
    for kind, outcome, fever, n in db.session.execute(stmt):
        if kind == "vehicle":
            found.vehicles += n
        else:
            found.persons += n
            found.outcomes[outcome] = found.outcomes.get(outcome, 0) + n
        if fever:
            found.fevers += n
    return found


def per_hour(
    checkpoint: Checkpoint, first: datetime, after: datetime
) -> dict[int, tuple[int, int]]:
    """(persons, vehicles) per hour of the day in [first, after)."""
    hour = func.extract("hour", CheckpointCheck.checked_at)
    stmt = (
        select(hour, CheckpointCheck.kind, func.count())
        .where(
            CheckpointCheck.checkpoint_id == checkpoint.id,
            CheckpointCheck.checked_at >= first,
            CheckpointCheck.checked_at < after,
        )
        .group_by(hour, CheckpointCheck.kind)
    )
    hours: dict[int, tuple[int, int]] = {}
    for h, kind, n in db.session.execute(stmt):
        persons, vehicles = hours.get(int(h), (0, 0))
        hours[int(h)] = (persons + n, vehicles) if kind == "person" else (persons, vehicles + n)
    return hours


def checkpoints() -> list[Checkpoint]:
    return list(db.session.scalars(select(Checkpoint).order_by(Checkpoint.name)))


def posts_of(worker_id: int) -> list[CheckpointPost]:
    """The checkpoints a worker is put on."""
    stmt = (
        select(CheckpointPost)
        .join(Checkpoint)
        .where(CheckpointPost.worker_id == worker_id, Checkpoint.active)
        .order_by(Checkpoint.name)
    )
    return list(db.session.scalars(stmt))


def is_staff(checkpoint: Checkpoint, worker_id: int) -> bool:
    """Whether the worker is put on the checkpoint (one indexed lookup: every tap asks)."""
    found = select(CheckpointPost.id).where(
        CheckpointPost.checkpoint_id == checkpoint.id, CheckpointPost.worker_id == worker_id
    )
    return db.session.execute(found.limit(1)).first() is not None


def late(at: datetime) -> ColumnElement[bool]:
    """Handovers not received within the time limit: their case is open and past its first
    deadline (the case clock's own definition, webapp/cases/clock.py)."""
    return Handover.case_id.in_(select(Case.id).where(Case.kind == KIND, case_clock.overdue(at)))


def is_late(handover: Handover, at: datetime) -> bool:
    """The same for one handover (its case loaded)."""
    made = handover.case
    return (
        handover.received_at is None and made is not None and case_clock.position(made, at).overdue
    )


def open_handovers(node: Grid, limit: int = 50) -> tuple[int, list[Handover]]:
    """Handovers not received yet, to micro-grids of `node`'s subtree: how many, the oldest
    first (late ones lead)."""
    where = (in_subtree(Grid.path, node.path), Handover.received_at.is_(None))
    total = db.session.scalar(
        select(func.count())
        .select_from(Handover)
        .join(Grid, Grid.id == Handover.grid_id)
        .where(*where)
    )
    if not total:
        return 0, []
    rows = db.session.scalars(
        select(Handover)
        .join(Grid, Grid.id == Handover.grid_id)
        .where(*where)
        .options(*_row_options())
        .order_by(Handover.created_at)
        .limit(limit)
    )
    return total, list(rows)


def late_count(node: Grid, at: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Handover)
        .join(Grid, Grid.id == Handover.grid_id)
        .where(in_subtree(Grid.path, node.path), Handover.received_at.is_(None), late(at))
    )


def held_count(node: Grid, at: datetime) -> int:
    """Open handovers the clock has lifted to `node` itself (escalated to its level)."""
    if node.level == MICRO_LEVEL:
        return 0
    return db.session.scalar(
        select(func.count())
        .select_from(Case)
        .join(Grid, Grid.id == Case.holder_id)
        .where(Case.kind == KIND, case_clock.held_at(node, at))
    )


def _row_options() -> tuple:
    return (
        selectinload(Handover.case).selectinload(Case.holder),
        selectinload(Handover.checkpoint),
        selectinload(Handover.grid),
    )


STATES = ("open", "late", "received", "all")


@dataclass(frozen=True)
class Filters:
    """What the handovers list is asked for (already checked by the form)."""

    state: str = "open"
    checkpoint_id: int | None = None
    day: date | None = None
    held: bool = False  # escalated to the viewer's own level only


def handover_list(
    node_path: str, node: Grid, filters: Filters, at: datetime, limit: int = 200
) -> tuple[int, list[Handover]]:
    """Handovers to micro-grids under `node_path` (the viewer's scope) matching `filters`: how
    many, and the first `limit`, late and open ones oldest first, received ones newest first."""
    stmt = select(Handover).join(Grid, Grid.id == Handover.grid_id)
    where = [in_subtree(Grid.path, node_path)]
    if filters.state in ("open", "late"):
        where.append(Handover.received_at.is_(None))
    if filters.state == "late":
        where.append(late(at))
    if filters.state == "received":
        where.append(Handover.received_at.is_not(None))
    if filters.checkpoint_id:
        where.append(Handover.checkpoint_id == filters.checkpoint_id)
    if filters.day:
        first = day_start(filters.day)
        where += [Handover.created_at >= first, Handover.created_at < first + timedelta(days=1)]
    if filters.held:
        # Its own statement (held_at reads the holder as Grid), not correlated to the
        # destination's Grid outside.
        held = (
            select(Case.id)
            .join(Grid, Grid.id == Case.holder_id)
            .where(Case.kind == KIND, case_clock.held_at(node, at))
            .correlate(None)
        )
        where.append(Handover.case_id.in_(held))
    total = db.session.scalar(select(func.count()).select_from(stmt.where(*where).subquery()))
    order = Handover.received_at.desc() if filters.state == "received" else Handover.created_at
    rows = db.session.scalars(
        stmt.where(*where).options(*_row_options()).order_by(order, Handover.id).limit(limit)
    )
    return total, list(rows)


def scanned_code(typed: str) -> str | None:
    """The micro-grid code in a scanned stairwell poster's QR (PUBLIC_BASE_URL/r/<code>, as
    webapp/posters prints it), or None when `typed` is not such a URL. Any host is taken: a
    poster printed before the address changed still names its micro-grid."""
    text = typed.strip()
    if "/r/" not in text:
        return None
    path = urlsplit(text if "://" in text else "//" + text.lstrip("/")).path
    _before, _r, rest = unquote(path).rpartition("/r/")
    code = rest.strip("/")
    if not code or "/" in code or code.lower() == "track":
        return None
    return code.upper()


def find_destinations(typed: str, limit: int = 20) -> list[Grid]:
    """Micro-grids matching what was typed or scanned: the URL of a stairwell poster's QR, a
    code, a name, or words of the names along its path ("湖海塘社区 1幢1单元"): every word
    matches the micro-grid or one of its ancestors."""
    code = scanned_code(typed)
    if code is not None:
        found = db.session.scalar(
            select(Grid).where(Grid.code == code, Grid.level == MICRO_LEVEL, Grid.active)
        )
        return [found] if found is not None else []
    words = typed.split()
    if not words:
        return []
    exact = db.session.scalar(
        select(Grid).where(
            Grid.code == typed.strip().upper(), Grid.level == MICRO_LEVEL, Grid.active
        )
    )
    if exact is not None:
        return [exact]
    *above, last = words
    stmt = (
        select(Grid)
        .where(
            Grid.level == MICRO_LEVEL,
            Grid.active,
            or_(Grid.name.contains(last, autoescape=True), Grid.code == last.upper()),
        )
        .order_by(Grid.path)
        .limit(200)
    )
    candidates = list(db.session.scalars(stmt))
    if not above:
        return candidates[:limit]
    ids = {i for grid in candidates for i in grid.ancestor_ids[:-1]}
    labels = {
        i: (name, code)
        for i, name, code in db.session.execute(
            select(Grid.id, Grid.name, Grid.code).where(Grid.id.in_(ids))
        )
    }

    def matches(grid: Grid, word: str) -> bool:
        return any(
            word in labels[i][0] or word.upper() == labels[i][1]
            for i in grid.ancestor_ids[:-1]
            if i in labels
        )

    return [g for g in candidates if all(matches(g, w) for w in above)][:limit]


def places_of(grids: list[Grid]) -> dict[int, str]:
    """Where each micro-grid lies, said from below the district ("湖海塘社区 · 第一网格 ·
    1幢1单元"), so that micro-grids of the same name can be told apart: one statement."""
    ids = {i for grid in grids for i in grid.ancestor_ids[1:-1]}
    names = dict(db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(ids))).all())
    return {
        grid.id: " · ".join([*(names[i] for i in grid.ancestor_ids[1:-1] if i in names), grid.name])
        for grid in grids
    }


@dataclass
class ShiftSummary:
    """One shift at one checkpoint, as printed at its end (webapp/checkpoints/views.summary)."""

    persons: int = 0
    vehicles: int = 0
    fevers: int = 0
    green: int = 0
    handovers: int = 0
    # outcome → (persons, vehicles)
    outcomes: dict[str, list[int]] = field(default_factory=lambda: {o: [0, 0] for o in OUTCOMES})
    # hour → [persons, vehicles, fevers, handovers], every hour of the shift
    hours: dict[int, list[int]] = field(default_factory=dict)
    # worker id → checks they made
    by_worker: dict[int, int] = field(default_factory=dict)


def shift_summary(checkpoint: Checkpoint, shift: str, day: date) -> ShiftSummary:
    """The figures of `shift` on `day` at `checkpoint`: one grouped statement over its checks
    (and the handovers they made), by hour, worker, kind, outcome, fever and green channel."""
    first, after = shift_window(shift, day_start(day))
    hour = func.extract("hour", CheckpointCheck.checked_at)
    stmt = (
        select(
            hour,
            CheckpointCheck.worker_id,
            CheckpointCheck.kind,
            CheckpointCheck.outcome,
            CheckpointCheck.fever,
            CheckpointCheck.green_channel,
            func.count(CheckpointCheck.id),
            func.count(Handover.id),
        )
        .outerjoin(Handover, Handover.check_id == CheckpointCheck.id)
        .where(
            CheckpointCheck.checkpoint_id == checkpoint.id,
            CheckpointCheck.checked_at >= first,
            CheckpointCheck.checked_at < after,
        )
        .group_by(
            hour,
            CheckpointCheck.worker_id,
            CheckpointCheck.kind,
            CheckpointCheck.outcome,
            CheckpointCheck.fever,
            CheckpointCheck.green_channel,
        )
    )
    _label, start, end = SHIFTS[shift]
    found = ShiftSummary(hours={h: [0, 0, 0, 0] for h in range(start, end)})
    for h, worker_id, kind, outcome, fever, green, n, handed in db.session.execute(stmt):
        row = found.hours.setdefault(int(h), [0, 0, 0, 0])
        vehicle = kind == "vehicle"
        if vehicle:
            found.vehicles += n
            row[1] += n
        else:
            found.persons += n
            row[0] += n
        found.outcomes.setdefault(outcome, [0, 0])[1 if vehicle else 0] += n
        if fever:
            found.fevers += n
            row[2] += n
        if green:
            found.green += n
        found.handovers += handed
        row[3] += handed
        found.by_worker[worker_id] = found.by_worker.get(worker_id, 0) + n
    return found
