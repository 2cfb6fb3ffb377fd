"""The demo's screening sweep: "春节返金人员排查" over the whole demo area, begun three weeks ago
and open for six more days, with a coverage that differs by community (most above 90 %, a few
under 80 %), doors tried when nobody was at home, and a few findings.

Screenings are written in bulk like the rest of the history. Findings are only recorded on the
screening here, and only at doors whose colour already says so (a fever at a yellow or worse
household, a returnee at a light yellow or worse one): the colours and returnees they would have
set off are in the month of history that history.py writes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Grid, Household, Screening, Sweep, Worker
from . import bulk
from .words import ORIGINS_OTHER, ORIGINS_WATCHED

NAME = "春节返金人员排查"
BEGUN_DAYS_AGO = 20
DAYS_LEFT = 6
HOURS = (8, 20)
COMMUNITY_LEVEL = 2


def load_sweeps(now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
    """Write the sweep and its screenings up to `now`."""
    root = db.session.scalar(select(Grid).where(Grid.level == 0))
    admin = db.session.scalar(select(Worker.id).where(Worker.role == "admin").order_by(Worker.id))
    if root is None or admin is None:
        return
    starts = (now - timedelta(days=BEGUN_DAYS_AGO)).date()
    sweep_id = bulk.next_id(Sweep)
    bulk.insert(
        Sweep,
        [
            {
                "id": sweep_id,
                "name": NAME,
                "grid_id": root.id,
                "starts_on": starts,
                "ends_on": now.date() + timedelta(days=DAYS_LEFT),
                "checks": ["returnee", "fever", "key_person", "elderly_alone", "note"],
                "created_by_id": admin,
                "created_at": datetime.combine(starts, time(8, 30)),
                "client_key": None,
            }
        ],
    )
    # Each micro-grid's own worker screens its doors; a micro-grid without one, the admin.
    screener = dict(
        db.session.execute(
            select(Worker.scope_id, Worker.id).where(Worker.role == "worker", Worker.active)
        ).all()
    )
    community_length = (COMMUNITY_LEVEL + 1) * 7
    homes = db.session.execute(
        select(Household.id, Household.grid_id, Grid.path, Household.status)
        .join(Grid, Grid.id == Household.grid_id)
        .where(Household.active)
        .order_by(Household.id)
    ).all()
    coverage: dict[str, float] = {}
    rows: list[dict] = []
    next_id = bulk.next_id(Screening)
    first_day = datetime.combine(starts, time(HOURS[0]))

    def moment(after: datetime | None = None) -> datetime:
        start = after or first_day
        for _ in range(20):
            at = start + timedelta(seconds=rng.random() * (now - start).total_seconds())
            if HOURS[0] <= at.hour < HOURS[1]:
                return at.replace(microsecond=0)
        return start + timedelta(minutes=1)

    def row(household: int, grid: int, at: datetime, contact: bool, **found) -> dict:
        nonlocal next_id
        next_id += 1
        values = {
            "id": next_id - 1,
            "sweep_id": sweep_id,
            "household_id": household,
            "grid_id": grid,
            "worker_id": screener.get(grid, admin),
            "screened_at": at,
            "contact": contact,
            "returnee": False,
            "origin": None,
            "fever": False,
            "temperature": None,
            "key_person": False,
            "elderly_alone": False,
            "note": None,
            "details": {},
            "client_key": f"demo-sweep-{next_id - 1}",
        }
        values.update(found)
        return values

    for household, grid, path, status in homes:
        community = path[:community_length]
        if community not in coverage:
            # Most communities are nearly done; about one in eight lags well behind.
            lagging = rng.random() < 0.125
            coverage[community] = rng.uniform(0.55, 0.78) if lagging else rng.uniform(0.9, 0.99)
        screened = rng.random() < coverage[community]
        tried = rng.random() < (0.15 if screened else 0.35)
        attempt = moment() if tried else None
        if attempt is not None:
            rows.append(row(household, grid, attempt, False))
        if screened and (attempt is None or attempt < now - timedelta(hours=1)):
            rows.append(row(household, grid, moment(attempt), True, **_finding(rng, status)))
    bulk.insert(Screening, rows)
    lagging = sum(1 for share in coverage.values() if share < 0.8)
    echo(
        f"sweep {NAME}: {sum(1 for r in rows if r['contact']):,} households screened, "
        f"{lagging} of {len(coverage)} communities under 80 %"
    )


def _finding(rng: random.Random, status: str) -> dict:
    """What a door had to report: mostly nothing; never what its colour denies."""
    draw = rng.random()
    if status in ("yellow", "orange", "red") and draw < 0.3:
        return {"fever": True, "temperature": round(rng.uniform(37.3, 38.6), 1)}
    if status == "light_yellow" and draw < 0.5:
        return {"returnee": True, "origin": rng.choice(ORIGINS_WATCHED + ORIGINS_OTHER)}
    if draw < 0.035:
        return {"key_person": True}
    if draw < 0.05:
        return {"elderly_alone": True}
    return {}
