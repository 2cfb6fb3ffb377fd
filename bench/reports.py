"""Report figures: the zone root's daily report as a page and as a PDF, on zone data holding
1,000,000 visits.

- `report.zone.page_s`: GET /reports/<zone root> (today's report, 14-day chart included),
  median of 7 after one warm-up request, as a running server would be.
- `report.zone.pdf_s`: GET /reports/<zone root>/pdf, median of 5 after one warm-up (the first
  PDF of a process also loads the two CJK fonts; that cold time goes to stderr).

The visit table is padded to a million rows first with bench/actions.py's `fill_visits` (it
adds nothing when the actions benchmark has already done it), so the figure holds whatever
order bench/__main__.py runs the benchmarks in.
"""

from __future__ import annotations

import statistics
import sys
import time

from sqlalchemy import select, text

from .common import emit, signed_in_client


def log(message: str) -> None:
    print(f"[reports] {message}", file=sys.stderr, flush=True)


def _timed(client, url: str, runs: int) -> tuple[float, float, bytes]:
    """(first request's seconds, median of `runs` more, last body)."""
    started = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return cold, statistics.median(times), response.data


def run(app) -> None:
    from webapp.extensions import db
    from webapp.models import Grid

    from .actions import TARGET_VISITS, fill_visits

    started = time.monotonic()
    added = fill_visits(app, TARGET_VISITS)
    if added:
        log(f"added {added:,} visits in {time.monotonic() - started:.0f} s")

    with app.app_context():
        root_id = db.session.scalar(select(Grid.id).where(Grid.parent_id.is_(None)))
        if db.engine.dialect.name == "postgresql":
            # PostgreSQL 13+ autovacuums a table after a million inserts within a minute on a
            # live server; until then no index-only scan is possible. Do it now, as it would.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE) visit"))
    client = signed_in_client(app, "admin")

    cold, page_s, html = _timed(client, f"/reports/{root_id}", runs=7)
    log(f"page: first {cold:.3f} s, {len(html):,} bytes")
    emit("report.zone.page_s", page_s, "s", 1)

    cold, pdf_s, pdf = _timed(client, f"/reports/{root_id}/pdf", runs=5)
    assert pdf.startswith(b"%PDF")
    log(f"pdf: first {cold:.3f} s (fonts load), {len(pdf):,} bytes")
    emit("report.zone.pdf_s", pdf_s, "s", 5)
