"""Duplicates figures on zone data (500,000 residents, 200,000 households), as the zone's
administrator sees them:

- `duplicates.zone_residents.s`, `duplicates.zone_households.s`: GET /duplicates/ with
  `fresh=1` (the candidate pairs found again: one GROUP BY per criterion over the whole zone),
  median of 3 after one warm-up request;
- `duplicates.zone_page_cached_s`: the next page of the residents' list, from the pairs kept
  for DUPLICATES_CACHE_SECONDS, median of 5.

No budget is set for them in the design; they say what a supervisor of the whole zone waits.
`python -m bench.duplicates` runs them alone against the bench database (or DATABASE_URL).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from .common import app_for, emit, signed_in_client


def _median(client, url: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def run(app) -> None:
    client = signed_in_client(app)
    for kind in ("resident", "household"):
        url = f"/duplicates/?kind={kind}&fresh=1"
        client.get(url)  # warm-up
        emit(f"duplicates.zone_{kind}s.s", _median(client, url, 3), "s", None)
    client.get("/duplicates/?kind=resident")
    seconds = _median(client, "/duplicates/?kind=resident&page=2", 5)
    emit("duplicates.zone_page_cached_s", seconds, "s", None)


if __name__ == "__main__":
    if url := os.environ.get("DATABASE_URL"):
        # Against another database than the bench's own (a copy of the zone, say).
        sys.path.insert(0, os.getcwd())
        from webapp import create_app

        run(create_app({"RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": url}))
    else:
        run(app_for("sqlite"))
