"""The time limits, derived when read: where a case is now, and when it rose.

Nothing runs in the background to escalate a case. What is stored is what people did (the
holder they left it with, when its clock started, the limit); where it is now follows from the
time alone: a case whose clock started at S with a limit of L minutes has risen one level at
S + L, another at S + 2L, and so on until the root. Every page, list, count and report derives
it the same way from the same columns (position() for one case, the SQL expressions below for
lists), so the timeline shows each rise at the minute it fell due whether or not anybody
looked, and a sweep that might not have run yet cannot make two pages disagree. When somebody
acts on a case, settle() first writes the rises that fell due into the timeline and moves the
holder up accordingly; the new clock starts from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from ..models import Case, Grid, in_subtree
from .kinds import limits_of
from .states import ACCEPT_STAGE, OPEN

EPOCH = datetime(2000, 1, 1)


def minutes(at: datetime) -> int:
    """Whole minutes from EPOCH to `at`."""
    return int((at - EPOCH).total_seconds() // 60)


def start(case_: Case, at: datetime, limit_min: int) -> None:
    """Start the case's clock at `at` with `limit_min` minutes per level."""
    case_.clock_start = at
    case_.clock_start_min = minutes(at)
    case_.limit_min = max(1, int(limit_min))
    case_.due_at = at + timedelta(minutes=case_.limit_min)


def stop(case_: Case) -> None:
    case_.clock_start = case_.clock_start_min = case_.limit_min = case_.due_at = None


def stage_limit(case_: Case) -> int:
    """The limit of the case's current stage (accepting or resolving) for its category."""
    limits = limits_of(case_)
    return limits.accept if case_.state in ACCEPT_STAGE else limits.resolve


@dataclass(frozen=True)
class Rise:
    at: datetime
    grid_id: int
    level: int


@dataclass(frozen=True)
class Position:
    """Where a case is at a moment: its holder then, and the rises since its clock started."""

    holder_id: int
    level: int
    overdue: bool
    rises: list[Rise] = field(default_factory=list)


def position(case_: Case, at: datetime) -> Position:
    """The case's holder at `at` (case_.holder must be loaded: its path names the ancestors)."""
    if case_.state not in OPEN or case_.clock_start is None:
        return Position(case_.holder_id, case_.holder_level, False)
    chain = case_.holder.ancestor_ids  # root first, the holder last
    level = len(chain) - 1
    elapsed = int((at - case_.clock_start).total_seconds() // 60)
    steps = max(0, min(level, elapsed // case_.limit_min)) if elapsed >= 0 else 0
    rises = [
        Rise(
            case_.clock_start + timedelta(minutes=case_.limit_min * k),
            chain[level - k],
            level - k,
        )
        for k in range(1, steps + 1)
    ]
    overdue = case_.due_at is not None and at >= case_.due_at
    return Position(chain[level - steps], level - steps, overdue, rises)


# --- the same derivation for lists and counts ------------------------------------------------


def _steps(at: datetime) -> ColumnElement[int]:
    # Integer division on both SQLite and PostgreSQL; a clock never starts after `at` except
    # in a test that winds the clock back, where the case simply has not risen.
    return (literal(minutes(at)) - Case.clock_start_min) / Case.limit_min


def overdue(at: datetime) -> ColumnElement[bool]:
    """Open cases past their first time limit."""
    return and_(Case.state.in_(OPEN), Case.due_at <= at)


def held_at(node: Grid, at: datetime) -> ColumnElement[bool]:
    """Open cases whose holder at `at` is `node`: the holder they were left with lies in
    `node`'s subtree and the clock has lifted them exactly to `node`'s level (or beyond it, at
    the root). Cases are joined to their holder as Grid."""
    rise = Case.holder_level - node.level
    steps = _steps(at)
    if node.level == 0:
        reached = steps >= rise
    else:
        reached = or_(and_(rise == 0, steps <= 0), and_(rise > 0, steps == rise))
    return and_(Case.state.in_(OPEN), in_subtree(Grid.path, node.path), reached)
