"""Checkpoint figures: one tap's answer, taps under load, and the checkpoint's screen.

The bench sets up 5 checkpoints of its own in the zone (the seed's 5 diversion groups), each
with two field workers on it, and pads them with a month of checks at the seed's rate (60,000
in the zone, Core inserts), so that the counters are read over a busy table.

- `action.check.response_bytes`: one htmx tap (人员·放行): the counters out of band and the
  message, as sent.
- `action.check.p95_ms`: 100 taps a second for 30 s spread over the 5 checkpoints (a busy hour
  at several checkpoints at once), under gunicorn as the visits are measured (bench/actions.py).
- `page.checkpoint.html_gz_bytes`: the staff's screen, HTML gzipped.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from . import loadgen
from .actions import RATE, SECONDS, SEED, gunicorn, key, log, offered
from .common import emit, signed_in_client
from .loadgen import Request
from .pages import gz

CHECKPOINTS = 5
STAFF_EACH = 2
MONTH_OF_CHECKS = 60_000


def set_up(app) -> list[tuple[int, list[str]]]:
    """The bench's checkpoints with their staff's phones, and a month of checks at them."""
    from webapp.clock import now
    from webapp.extensions import db
    from webapp.models import Checkpoint, CheckpointCheck, CheckpointPost, Grid, Worker, shift_at

    with app.app_context():
        workers = db.session.scalars(
            select(Worker.phone)
            .where(Worker.role == "worker", Worker.active)
            .order_by(Worker.id)
            .limit(CHECKPOINTS * STAFF_EACH)
        ).all()
    if not workers:
        raise RuntimeError("no field worker to staff a checkpoint")
    with app.app_context():
        root = db.session.scalar(select(Grid).where(Grid.parent_id.is_(None)))
        made = []
        for n in range(CHECKPOINTS):
            checkpoint = Checkpoint(name=f"基准卡口{n + 1}", place=f"入城道路{n + 1}", grid=root)
            db.session.add(checkpoint)
            # A small demo may put one worker on several checkpoints.
            phones = sorted(
                {workers[(n * STAFF_EACH + j) % len(workers)] for j in range(STAFF_EACH)}
            )
            for phone in phones:
                worker = db.session.scalar(select(Worker).where(Worker.phone == phone))
                for shift in ("night", "day", "evening"):
                    db.session.add(
                        CheckpointPost(checkpoint=checkpoint, worker=worker, shift=shift)
                    )
            made.append((checkpoint, phones))
        db.session.flush()
        rng = random.Random(SEED)
        latest = now()
        month = int(timedelta(days=30).total_seconds())
        outcomes = ["let_through"] * 16 + ["handed_over"] * 2 + ["turned_back", "isolation"]
        staff_ids = {
            phone: db.session.scalar(select(Worker.id).where(Worker.phone == phone))
            for _c, phones in made
            for phone in phones
        }
        rows = []
        for i in range(MONTH_OF_CHECKS):
            checkpoint, phones = made[i % CHECKPOINTS]
            at = latest - timedelta(seconds=int(rng.random() * month))
            vehicle = rng.random() < 0.3
            rows.append(
                {
                    "checkpoint_id": checkpoint.id,
                    "worker_id": staff_ids[phones[i % len(phones)]],
                    "checked_at": at,
                    "shift": shift_at(at),
                    "kind": "vehicle" if vehicle else "person",
                    "outcome": "let_through" if vehicle else outcomes[int(rng.random() * 20)],
                    "temperature": None,
                    "fever": False,
                    "client_key": f"bench-check-{i:07d}",
                }
            )
        statement = insert(CheckpointCheck.__table__).execution_options(
            insertmanyvalues_page_size=4000
        )
        db.session.execute(statement, rows)
        db.session.commit()
        return [(checkpoint.id, phones) for checkpoint, phones in made]


def tap_request(checkpoint_id: int, session: loadgen.Session) -> Request:
    """What a phone's outbox sends for one tap on the checkpoint's screen."""
    tapped = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body = loadgen.form(
        {
            "csrf_token": session.csrf,
            "key": key("cp"),
            "tap": "person.let_through",
            "temperature": "",
            "visited_at": tapped,
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": session.cookie_header(),
        "X-CSRFToken": session.csrf,
        "HX-Request": "true",
        "HX-Target": "cp-message",
    }
    return Request("POST", f"/checkpoints/{checkpoint_id}/check", headers, body)


def run(app, database: str) -> None:
    from webapp.demo import PASSWORD

    checkpoints = set_up(app)
    client = signed_in_client(app, "admin")
    page = client.get(f"/checkpoints/{checkpoints[0][0]}")
    assert page.status_code == 200, page.status_code
    emit("page.checkpoint.html_gz_bytes", gz(page.get_data()), "bytes", 6144)

    with gunicorn(database) as server:
        sessions = []
        for checkpoint_id, phones in checkpoints:
            for phone in phones:
                path = f"/checkpoints/{checkpoint_id}"
                sessions.append(
                    (checkpoint_id, loadgen.sign_in(server.port, phone, PASSWORD, path))
                )
        first = tap_request(*sessions[0])
        reply = loadgen.once(server.port, first)
        if reply.status != 200 or b'id="cp-counters"' not in reply.body:
            raise RuntimeError(f"a tap answered {reply.status}: {reply.body[:300]!r}")
        emit("action.check.response_bytes", len(reply.body), "bytes", 1024)
        count = RATE * SECONDS
        requests = [tap_request(*sessions[i % len(sessions)]) for i in range(count)]
        log(f"checks: {len(sessions)} staff on {len(checkpoints)} checkpoints")
        emit("action.check.p95_ms", offered(server, requests, "checks"), "ms", 50)
