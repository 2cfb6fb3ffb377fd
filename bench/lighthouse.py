"""Lighthouse on a field worker's phone pages, served by gunicorn as deployed without a proxy.

For the worker's today list, their micro-grid and one of its households:
`lighthouse.<page>.accessibility` and `lighthouse.<page>.performance` (scores 0-1, ≥ 0.95) and
`lighthouse.<page>.first_visit_bytes`, the bytes that the first visit moves over the wire
(Lighthouse's total byte weight: the page and every file it loads, compressed as sent, headers
included). Lighthouse runs as on a phone: mobile screen, simulated slow 4G and a 4× slower CPU
(its defaults), Debian's Chromium (`CHROME_PATH`, /usr/bin/chromium by default), signed in
with the worker's session cookie. Each page is audited LIGHTHOUSE_RUNS times (3) and the run
of median performance gives the page's three figures.

Lighthouse is the npm package, pinned (LIGHTHOUSE_VERSION: 12.x still runs on Debian's Node
20), installed on first use into a cache of its own (`LIGHTHOUSE_DIR`, by default
~/.cache/gridwork/lighthouse-<version>). Without npm or Chromium the figures are skipped with a
line that says why. Each report is kept in bench/out/lighthouse-<page>-<run>.json, where
the failing audits can be read.

`python -m bench.lighthouse --load small` loads the small demo into the bench database first
and runs only these figures (a few minutes); `make bench` runs them on the zone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from .common import OUT, emit

VERSION = os.environ.get("LIGHTHOUSE_VERSION", "12.2.3")
CACHE = Path(
    os.environ.get("LIGHTHOUSE_DIR", Path.home() / ".cache" / "gridwork" / f"lighthouse-{VERSION}")
)
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
SCORE_BUDGET = 0.95
# The micro-grid page and its static files, as `page.first_visit_gz_bytes` counts them, plus
# what Lighthouse adds: response headers, the redirect-free request of each file.
BYTES_BUDGET = 30_720
HOUSEHOLDS = 50  # the size of micro-grid the worker is picked for, as page.microgrid uses
# Runs per page: the performance score moves with the machine's load from run to run.
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", 3))


def skip(reason: str) -> None:
    """One line saying that the Lighthouse figures were not taken, and why."""
    print(json.dumps({"figure": "lighthouse", "skipped": reason}), flush=True)


def lighthouse_bin() -> Path | None:
    """The cached lighthouse command, installed with npm when missing; None without npm."""
    command = CACHE / "node_modules" / ".bin" / "lighthouse"
    if command.exists():
        return command
    npm = shutil.which("npm")
    if npm is None:
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    if not (CACHE / "package.json").exists():
        (CACHE / "package.json").write_text('{"private": true}\n')
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--save-exact", f"lighthouse@{VERSION}"],
        cwd=CACHE,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return command


def field_worker(app) -> tuple[str, int, int]:
    """A worker of one micro-grid whose size is nearest HOUSEHOLDS: (phone, grid, household)."""
    from webapp.extensions import db
    from webapp.models import Grid, Household, Worker
    from webapp.models.grid import MICRO_LEVEL

    with app.app_context():
        size = (
            select(Household.grid_id, func.count().label("n"))
            .where(Household.active)
            .group_by(Household.grid_id)
            .subquery()
        )
        phone, grid_id = db.session.execute(
            select(Worker.phone, Worker.scope_id)
            .join(Grid, Grid.id == Worker.scope_id)
            .join(size, size.c.grid_id == Grid.id)
            .where(Worker.role == "worker", Worker.active, Grid.level == MICRO_LEVEL, Grid.active)
            .order_by(func.abs(size.c.n - HOUSEHOLDS), Worker.id)
            .limit(1)
        ).one()
        household_id = db.session.scalar(
            select(Household.id)
            .where(Household.grid_id == grid_id, Household.active)
            .order_by(Household.id)
            .limit(1)
        )
        return phone, grid_id, household_id


def audit(command: Path, url: str, cookie: str, report: Path) -> dict:
    """One Lighthouse run on `url` (mobile, simulated slow 4G); its JSON report."""
    env = dict(os.environ, CHROME_PATH=CHROME)
    subprocess.run(
        [
            str(command),
            url,
            "--quiet",
            "--only-categories=performance,accessibility",
            "--form-factor=mobile",
            "--throttling-method=simulate",
            "--output=json",
            f"--output-path={report}",
            f"--extra-headers={json.dumps({'Cookie': cookie})}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env=env,
        check=True,
        timeout=300,
    )
    return json.loads(report.read_text())


def failing(result: dict, category: str) -> list[str]:
    """The audits of `category` that cost points, for the log."""
    audits = result["audits"]
    refs = result["categories"][category]["auditRefs"]
    return [
        f"{r['id']} ({audits[r['id']]['score']})"
        for r in refs
        if r["weight"] and audits[r["id"]]["score"] is not None and audits[r["id"]]["score"] < 1
    ]


def run(app, database: str, only: list[str] | None = None) -> None:
    if not Path(CHROME).exists():
        skip(f"{CHROME} is not installed (apt install chromium)")
        return
    try:
        command = lighthouse_bin()
    except subprocess.CalledProcessError as error:
        skip(f"npm could not install lighthouse@{VERSION} ({error})")
        return
    if command is None:
        skip("npm is not installed: no Lighthouse figures (apt install npm)")
        return

    from webapp.demo import PASSWORD

    from . import loadgen
    from .actions import gunicorn

    phone, grid_id, household_id = field_worker(app)
    pages = {
        "today": "/today/",
        "microgrid": f"/grids/{grid_id}",
        "household": f"/households/{household_id}",
    }
    with gunicorn(database) as server:
        session = loadgen.sign_in(server.port, phone, PASSWORD, pages["today"])
        for name, path in pages.items():
            if only and name not in only:
                continue
            url = f"http://127.0.0.1:{server.port}{path}"
            results = []
            for n in range(RUNS):
                report = OUT / f"lighthouse-{name}-{n + 1}.json"
                result = audit(command, url, session.cookie_header(), report)
                if result.get("runtimeError") or result["finalDisplayedUrl"].endswith("/login"):
                    break
                results.append(result)
            if len(results) < RUNS:
                skip(f"{name}: Lighthouse did not load {path} signed in ({report})")
                continue
            # The run of median performance stands for the page, as Lighthouse's own advice on
            # variability has it; its benchmarkIndex says how busy the machine was.
            results.sort(key=lambda r: r["categories"]["performance"]["score"])
            result = results[len(results) // 2]
            print(
                f"  {name}: performance of {RUNS} runs "
                f"{[r['categories']['performance']['score'] for r in results]}, benchmarkIndex "
                f"{[round(r['environment']['benchmarkIndex']) for r in results]}",
                file=sys.stderr,
            )
            for category in ("accessibility", "performance"):
                score = result["categories"][category]["score"]
                emit(f"lighthouse.{name}.{category}", score, "score", SCORE_BUDGET)
                if score < 1:
                    print(
                        f"  {name} {category}: {', '.join(failing(result, category))}",
                        file=sys.stderr,
                    )
            weight = result["audits"]["total-byte-weight"]["numericValue"]
            emit(f"lighthouse.{name}.first_visit_bytes", weight, "bytes", BYTES_BUDGET)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--load", choices=["small", "zone"], help="load demo data first")
    parser.add_argument("--pages", default="today,microgrid,household", help="which pages")
    args = parser.parse_args()
    from .common import app_for, flask, reset_database

    if args.load:
        reset_database(args.database)
        flask(args.database, "db", "upgrade")
        flask(args.database, "demo-data", "--scale", args.load)
    run(app_for(args.database), args.database, args.pages.split(","))


if __name__ == "__main__":
    main()
