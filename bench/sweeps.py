"""Sweep figures: the zone's coverage page, and one-tap screenings under load.

- `sweep.zone.coverage_s`: the coverage page of the demo's sweep at the zone node (about
  200,000 households due and as many screenings), median of 7 after one warm-up.
- `action.screen.p95_ms`: 100 one-tap 无异常 screenings a second for 30 s, each at a door of
  its own, under gunicorn as the visits are measured (bench/actions.py), in a sweep of the bench's
  own over the whole zone.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from . import loadgen
from .actions import RATE, SECONDS, Target, gunicorn, key, log, offered, sign_in_all
from .common import emit, signed_in_client
from .loadgen import Request


def _zone_sweep(app) -> tuple[int, int]:
    """(the demo's sweep, the zone node) of the bench's database."""
    from webapp.extensions import db
    from webapp.models import Grid, Sweep

    with app.app_context():
        root = db.session.scalar(select(Grid.id).where(Grid.parent_id.is_(None)))
        sweep = db.session.scalar(select(Sweep.id).where(Sweep.grid_id == root).order_by(Sweep.id))
        return sweep, root


def _new_zone_sweep(app) -> int:
    """A sweep of the bench's own over the zone, open today, nobody screened yet."""
    from webapp.clock import today
    from webapp.extensions import db
    from webapp.models import Grid, Sweep, Worker

    with app.app_context():
        root = db.session.scalar(select(Grid).where(Grid.parent_id.is_(None)))
        admin = db.session.scalar(select(Worker.id).where(Worker.role == "admin"))
        sweep = Sweep(
            name="基准测试排查",
            grid=root,
            starts_on=today(),
            ends_on=today() + timedelta(days=6),
            checks=["fever"],
            created_by_id=admin,
        )
        db.session.add(sweep)
        db.session.commit()
        return sweep.id


def screen_request(sweep_id: int, target: Target) -> Request:
    """What a phone's outbox sends for 无异常 from the sweep's micro-grid list."""
    tapped = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body = loadgen.form(
        {
            "csrf_token": target.session.csrf,
            "key": key("sw"),
            "outcome": "clear",
            "page": "row",
            "visited_at": tapped,
        }
    )
    headers = dict(target.headers(), **{"HX-Target": f"d{target.household_id}"})
    return Request("POST", f"/sweeps/{sweep_id}/screen/{target.household_id}", headers, body)


def run(app, database: str) -> None:
    sweep_id, root_id = _zone_sweep(app)
    if sweep_id is not None:
        client = signed_in_client(app, "admin")
        url = f"/sweeps/{sweep_id}/at/{root_id}"
        assert client.get(url).status_code == 200  # warm, as a running server would be
        times = []
        for _ in range(7):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - started)
        emit("sweep.zone.coverage_s", statistics.median(times), "s", 0.5)

    ours = _new_zone_sweep(app)
    with gunicorn(database) as server:
        targets = sign_in_all(server.port, app)
        count = RATE * SECONDS
        if len(targets) < count:
            log(f"screenings: only {len(targets)} doors for {count} requests")
        requests = [screen_request(ours, t) for t in targets[:count]]
        emit("action.screen.p95_ms", offered(server, requests, "screenings"), "ms", 50)
