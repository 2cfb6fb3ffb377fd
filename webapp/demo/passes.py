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

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..clock import day_start
from ..extensions import db
from ..models import Checkpoint, CheckpointPost, FiledEmployee, GreenPass, ReturnFiling
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
            rules.let_through(
                green_pass,
                checkpoints[checkpoint_id],
                rng.choice(staff[checkpoint_id]),
                f"demo-pass-{green_pass.id}",
                at.replace(microsecond=0),
            )
        except RuleError:
            continue  # a destination closed since the filing: the demo leaves it out
        made += 1
    db.session.commit()
    if made:
        echo(f"  {made} green passes let through at checkpoints")
    return made
