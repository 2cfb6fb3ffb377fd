"""Resident request figures: the public form page's bytes, and submissions under load.

- `page.request_form.html_gz_bytes`: a micro-grid's public page /r/<code> (its leaders and the
  form), HTML gzipped, fetched without signing in.
- `action.request.submit_p95_ms`: 50 submissions/s offered for 30 s (open loop, latency from
  each one's due time) to gunicorn on the zone's data, as plain form posts from 32 residents'
  browsers spread over the zone's micro-grids, each with its own text and sending key. The
  per-address and per-micro-grid limits stay on (their counters are part of a submission's
  cost) but are raised: every resident here comes from 127.0.0.1.

`python -m bench.requests [--database sqlite|postgres]` runs these two on the bench database
that `python -m bench` loaded (bench/out/zone.sqlite, or BENCH_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import os
import random

from sqlalchemy import func, select

from . import loadgen
from .actions import gunicorn, log, machine_busy, stolen
from .common import app_for, emit
from .loadgen import Request
from .pages import gz

RATE = 50
SECONDS = 30
RESIDENTS = 32
SEED = 2022


def public_codes(app, count: int) -> list[str]:
    """Codes of `count` active micro-grids with workers, spread over the zone."""
    from webapp.extensions import db
    from webapp.models import Grid, Worker

    with app.app_context():
        codes = db.session.scalars(
            select(Grid.code)
            .join(Worker, Worker.scope_id == Grid.id)
            .where(Grid.level == 4, Grid.active, Worker.active)
            .group_by(Grid.code)
            .order_by(Grid.code)
        ).all()
    return random.Random(SEED).sample(codes, min(count, len(codes)))


def form_page(app) -> None:
    code = public_codes(app, 1)[0]
    client = app.test_client()
    page = client.get(f"/r/{code}")
    assert page.status_code == 200, page.status_code
    emit("page.request_form.html_gz_bytes", gz(page.get_data()), "bytes", 6144)


def submissions(app, database: str) -> None:
    os.environ["RATELIMIT_REQUEST_ADDRESS"] = "1000000 per minute"
    os.environ["RATELIMIT_REQUEST_GRID"] = "1000000 per minute"
    codes = public_codes(app, RESIDENTS)
    with gunicorn(database) as server:
        browsers = []
        for code in codes:
            reply = loadgen.once(server.port, Request("GET", f"/r/{code}", {}))
            if reply.status != 200:
                raise RuntimeError(f"/r/{code} answered {reply.status}")
            browsers.append((code, reply.cookies, loadgen.csrf_token(reply.body)))
        rng = random.Random(SEED)
        requests = []
        for n in range(RATE * SECONDS):
            code, cookies, token = browsers[n % len(browsers)]
            body = loadgen.form(
                {
                    "csrf_token": token,
                    "key": f"bench-{SEED}-{n:06d}-{rng.randrange(10**6)}",
                    "category": ("need", "complaint", "dispute", "epidemic")[n % 4],
                    "text": f"基准测试 第{n}件：楼道灯坏了，请尽快处理",
                    "address": f"{n % 30 + 1}幢{n % 6 + 1}单元",
                    "phone": f"138{n:08d}",
                    "website": "",
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            }
            requests.append(Request("POST", f"/r/{code}", headers, body))
        busy, cpu = machine_busy(), server.cpu()
        with stolen() as steal:
            results = loadgen.open_loop(server.port, requests, RATE, connections=16, timeout=10.0)
        cpu = server.cpu() - cpu
    latencies, statuses = [], {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
        ok = r.latency is not None and r.status == 303
        latencies.append(r.latency * 1000 if ok else 10_000.0)
    ms = sorted(latencies)
    log(
        f"request submit: {len(results)} offered at {RATE}/s ({busy} before), statuses "
        f"{statuses}, p50 {loadgen.percentile(ms, 0.5):.1f} ms, p95 "
        f"{loadgen.percentile(ms, 0.95):.1f} ms, server CPU "
        f"{cpu * 1000 / max(1, statuses.get(303, 0)):.1f} ms a submission, "
        f"{steal['percent']} % stolen"
    )
    emit("action.request.submit_p95_ms", loadgen.percentile(ms, 0.95), "ms", 50)
    from webapp.extensions import db
    from webapp.models import Case

    with app.app_context():
        made = db.session.scalar(
            select(func.count()).select_from(Case).where(Case.text.like("基准测试%"))
        )
    log(f"request submit: {made} requests in the database from benchmark runs")


def run(app, database: str) -> None:
    form_page(app)
    submissions(app, database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    run(app_for(args.database), args.database)


if __name__ == "__main__":
    main()
