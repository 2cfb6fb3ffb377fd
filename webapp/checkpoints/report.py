"""Checkpoints' part of the daily report and of the period summary: checks (people, vehicles),
their diversion outcomes (一分流), green-channel passages, fevers, and handovers received and
late, per child node and per checkpoint of the node's subtree.

Where each figure counts: a check at the node responsible for its checkpoint
(Checkpoint.grid_id); in the per-area table a handover counts at its destination micro-grid
(where it is received), in the per-checkpoint table at the checkpoint that made it. For day D:
checks made then (by checked_at), handovers received then (by received_at); late = handovers
still open at the end of D (for today: when the report is read) that were made at least
HANDOVER_LIMIT_HOURS before it. A receipt after the end of D leaves D late as it was, so a past
day's figures stay the same.

One statement, whatever the node: the checks, the handovers (twice: by destination and by
checkpoint) and a zero row per active checkpoint (so that a quiet checkpoint is listed) in one
UNION ALL, grouped by the child's path and the checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import Integer, and_, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import Checkpoint, CheckpointCheck, Grid, Handover, in_subtree
from ..reports.parts import (
    DAILY_PARTS,
    PERIOD_PARTS,
    DailyPart,
    Figures,
    PeriodPart,
    count_if,
    day_and_period,
)

# The columns of every table of the part, in the order they are shown.
NAMES = (
    "people",
    "vehicles",
    "let_through",
    "handed_over",
    "turned_back",
    "isolation",
    "green_channel",
    "fevers",
    "received",
    "late",
)


@dataclass
class CheckCounts(Figures):
    people: int = 0
    vehicles: int = 0
    let_through: int = 0
    handed_over: int = 0
    turned_back: int = 0
    isolation: int = 0
    green_channel: int = 0
    fevers: int = 0
    received: int = 0
    late: int = 0


@dataclass
class CheckpointLine:
    """One checkpoint's row: its name, the node responsible, and its counts (handovers counted
    at the checkpoint that made them)."""

    name: str
    node: str
    active: bool
    counts: CheckCounts


@dataclass
class CheckpointFigures(CheckCounts):
    """A node's figures (handovers by destination) and its checkpoints' rows, by id."""

    by_checkpoint: dict[int, CheckpointLine] = field(default_factory=dict)

    def add(self, other: CheckpointFigures) -> None:
        for f in fields(CheckCounts):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        for id_, line in other.by_checkpoint.items():
            mine = self.by_checkpoint.get(id_)
            if mine is None:
                self.by_checkpoint[id_] = CheckpointLine(
                    line.name, line.node, line.active, CheckCounts(**vars(line.counts))
                )
            else:
                mine.counts.add(line.counts)

    def has_data(self) -> bool:
        return any(getattr(self, name) for name in NAMES) or any(
            line.counts.has_data() for line in self.by_checkpoint.values()
        )

    @property
    def lines(self) -> list[CheckpointLine]:
        """The checkpoints' rows by name, active ones first."""
        return sorted(self.by_checkpoint.values(), key=lambda line: (not line.active, line.name))


def read_between(
    node: Grid, key: ColumnElement, start: datetime, end: datetime, at: datetime
) -> dict[str, CheckpointFigures]:
    """The figures of [start, end) for every child of `node`; the late handovers as they
    stood at the end (or at `at`, when that is earlier)."""
    stop = min(at, end)
    zero = literal(0)
    none = cast(null(), Integer)
    inner = aliased(Grid)
    # Each branch sums its own rows first (per checkpoint, or per destination): the union then
    # holds a few hundred rows, not a month of checks.
    checks = (
        select(
            Checkpoint.grid_id.label("grid_id"),
            CheckpointCheck.checkpoint_id.label("checkpoint_id"),
            count_if(CheckpointCheck.kind == "person").label("people"),
            count_if(CheckpointCheck.kind == "vehicle").label("vehicles"),
            count_if(CheckpointCheck.outcome == "let_through").label("let_through"),
            count_if(CheckpointCheck.outcome == "handed_over").label("handed_over"),
            count_if(CheckpointCheck.outcome == "turned_back").label("turned_back"),
            count_if(CheckpointCheck.outcome == "isolation").label("isolation"),
            count_if(CheckpointCheck.green_channel).label("green_channel"),
            count_if(CheckpointCheck.fever).label("fevers"),
            zero.label("received"),
            zero.label("late"),
        )
        .select_from(CheckpointCheck)
        .join(Checkpoint, Checkpoint.id == CheckpointCheck.checkpoint_id)
        .where(
            CheckpointCheck.checked_at >= start,
            CheckpointCheck.checked_at < end,
            # Only the subtree's checkpoints: a micro-grid's report reads no check at all.
            Checkpoint.grid_id.in_(select(inner.id).where(in_subtree(inner.path, node.path))),
        )
        .group_by(Checkpoint.grid_id, CheckpointCheck.checkpoint_id)
    )
    received = and_(Handover.received_at >= start, Handover.received_at < end)
    # A past day's lateness from the setting, not the case: receiving stops the case's clock
    # and clears its deadline, and the day must read the same after the receipt.
    limit = timedelta(hours=current_app.config["HANDOVER_LIMIT_HOURS"])
    late = and_(
        Handover.created_at <= stop - limit,
        or_(Handover.received_at.is_(None), Handover.received_at >= stop),
    )
    # The handovers are read once, per destination and checkpoint, then summed both ways.
    handovers = (
        select(
            Handover.grid_id.label("grid_id"),
            Handover.checkpoint_id.label("checkpoint_id"),
            count_if(received).label("received"),
            count_if(late).label("late"),
        )
        .where(Handover.created_at < end, or_(received, late))
        .group_by(Handover.grid_id, Handover.checkpoint_id)
        .cte("handovers")
    )
    eight = [zero] * 8
    # At the destination micro-grid (no checkpoint: the per-area table's handovers).
    at_destination = select(
        handovers.c.grid_id,
        none,
        *eight,
        func.sum(handovers.c.received),
        func.sum(handovers.c.late),
    ).group_by(handovers.c.grid_id)
    # At the checkpoint that made them (its row of the per-checkpoint table).
    at_checkpoint = (
        select(
            Checkpoint.grid_id,
            handovers.c.checkpoint_id,
            *eight,
            func.sum(handovers.c.received),
            func.sum(handovers.c.late),
        )
        .select_from(handovers)
        .join(Checkpoint, Checkpoint.id == handovers.c.checkpoint_id)
        .group_by(Checkpoint.grid_id, handovers.c.checkpoint_id)
    )
    listed = select(Checkpoint.grid_id, Checkpoint.id, *([zero] * 10)).where(Checkpoint.active)
    rows = union_all(checks, at_destination, at_checkpoint, listed).subquery()
    responsible = aliased(Grid)
    stmt = (
        select(
            key,
            Checkpoint.id,
            Checkpoint.name,
            Checkpoint.active,
            responsible.name,
            *(func.sum(rows.c[name]) for name in NAMES),
        )
        .select_from(rows)
        .join(Grid, Grid.id == rows.c.grid_id)
        .outerjoin(Checkpoint, Checkpoint.id == rows.c.checkpoint_id)
        .outerjoin(responsible, responsible.id == Checkpoint.grid_id)
        .where(in_subtree(Grid.path, node.path))
        .group_by(key, Checkpoint.id, Checkpoint.name, Checkpoint.active, responsible.name)
    )
    found: dict[str, CheckpointFigures] = {}
    for prefix, checkpoint_id, name, active, node_name, *sums in db.session.execute(stmt):
        counts = CheckCounts(*(int(n or 0) for n in sums))
        figures = found.setdefault(prefix, CheckpointFigures())
        if checkpoint_id is None:
            figures.received += counts.received
            figures.late += counts.late
            continue
        for name_ in NAMES[:-2]:
            setattr(figures, name_, getattr(figures, name_) + getattr(counts, name_))
        figures.by_checkpoint[checkpoint_id] = CheckpointLine(name, node_name, active, counts)
    return found


read_day, read_period = day_and_period(read_between)


def register(app: Flask) -> None:
    DAILY_PARTS.add(
        app,
        DailyPart("checkpoints", 70, "checkpoints/_report.html", CheckpointFigures, read_day),
    )
    PERIOD_PARTS.add(
        app,
        PeriodPart("checkpoints", 70, "checkpoints/_report.html", CheckpointFigures, read_period),
    )
