"""Green passes used at the demo's checkpoints: some whitelisted employees arrive on their day
and are let through on the green channel by the checkpoint's staff, through the same rule as
a tap on the pass's page (webapp/passes/rules.let_through), so each makes a green-channel
check and a handover to the employee's destination micro-grid.

Runs after the filings (which issue the passes) and the checkpoints (which staff them); with
neither in the database it does nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock
from ..checkpoints import rules as checkpoint_rules
from ..clock import day_start
from ..extensions import db
from ..models import (
    Checkpoint,
    CheckpointPost,
    FiledEmployee,
    GreenPass,
    Handover,
    Household,
    ReturnFiling,
    Worker,
)
from ..passes import rules
from ..rules import RuleError

# Of the passes whose arrival day has come, how many were used at a checkpoint.
USED_SHARE = 0.8


def let_passes_through(now: datetime, rng: random.Random, echo: Callable[[str], None]) -> int:
    """Let some passes through at the demo's checkpoints; how many were let through."""
    staff: dict[int, list[int]] = {}
    for checkpoint_id, worker_id in db.session.execute(
        select(CheckpointPost.checkpoint_id, CheckpointPost.worker_id)
        .join(Checkpoint)
        .where(Checkpoint.active)
        .order_by(CheckpointPost.id)
    ):
        staff.setdefault(checkpoint_id, []).append(worker_id)
    if not staff:
        return 0
    passes = db.session.scalars(
        select(GreenPass)
        .join(FiledEmployee, FiledEmployee.id == GreenPass.employee_id)
        .join(ReturnFiling, ReturnFiling.id == FiledEmployee.filing_id)
        .where(
            GreenPass.revoked_at.is_(None),
            ReturnFiling.revoked_at.is_(None),
            FiledEmployee.arrived_at.is_(None),
            FiledEmployee.arrival_date <= now.date(),
        )
        .options(joinedload(GreenPass.employee).joinedload(FiledEmployee.grid))
        .order_by(GreenPass.id)
    ).all()
    checkpoints = {c.id: c for c in db.session.scalars(select(Checkpoint))}
    made = 0
    for green_pass in passes:
        if rng.random() >= USED_SHARE:
            continue
        day = max(green_pass.employee.arrival_date, green_pass.valid_from)
        # Arrivals come in daylight, mostly; never later than now.
        at = day_start(day) + timedelta(hours=rng.uniform(7, 21))
        if at > now:
            at = now - timedelta(minutes=rng.randint(1, 60))
        if at.date() > green_pass.valid_until or at.date() < green_pass.valid_from:
            continue
        checkpoint_id = rng.choice(sorted(staff))
        try:
            check = rules.let_through(
                green_pass,
                checkpoints[checkpoint_id],
                rng.choice(staff[checkpoint_id]),
                f"demo-pass-{green_pass.id}",
                at.replace(microsecond=0),
            )
            db.session.flush()
            _receive(check.id, now, rng)
        except RuleError:
            continue  # a destination closed since the filing: the demo leaves it out
        made += 1
    db.session.commit()
    if made:
        echo(f"  {made} green passes let through at checkpoints")
    return made


def _receive(check_id: int, now: datetime, rng: random.Random) -> None:
    """The destination's worker receives the arrival within the time limit (registering them
    in a household of the micro-grid), unless they came through in the last hours."""
    handover = db.session.scalar(select(Handover).where(Handover.check_id == check_id))
    if handover is None:
        return  # a later passage: no handover
    limit = timedelta(hours=current_app.config["HANDOVER_LIMIT_HOURS"])
    received = handover.created_at + limit * rng.uniform(0.05, 0.6)
    if received > now:
        return  # still to be received: open, not late
    household = db.session.scalar(
        select(Household)
        .where(Household.grid_id == handover.grid_id, Household.active)
        .order_by(Household.id)
    )
    worker_id = db.session.scalar(
        select(Worker.id).where(Worker.scope_id == handover.grid_id, Worker.active).limit(1)
    )
    if household is None or worker_id is None:
        return
    frozen_before = clock._frozen  # restored after: a test may have frozen the clock
    try:
        # The returnee's registration day is the day they were received.
        clock.freeze(received.replace(microsecond=0))
        checkpoint_rules.receive_new(
            handover, household, worker_id, received.replace(microsecond=0)
        )
    finally:
        clock.freeze(frozen_before)
