"""Export figures: every resident of the zone (~500,000) to XLSX, in full, as the administrator.

The export runs through the job function that the export page queues (webapp/exports/job.py),
in a process of its own started as an RQ worker would run it (webapp.jobs.run), so that its
time includes the app's start-up. Its peak memory (the largest resident set of the process) is
printed to stderr: it stays flat however many rows there are.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .actions import machine_busy, stolen
from .common import ROOT, emit


def zone_job(app) -> str:
    """A queued export of every resident of the zone, full numbers, as the first admin."""
    from sqlalchemy import select

    from webapp import jobs
    from webapp.exports.kinds import Export
    from webapp.exports.queries import count_rows
    from webapp.extensions import db
    from webapp.models import Grid, Worker
    from webapp.permissions import manageable_roles

    with app.app_context():
        root = db.session.scalar(select(Grid).where(Grid.level == 0))
        admin_id = db.session.scalar(
            select(Worker.id).where(Worker.role == "admin").order_by(Worker.id)
        )
        export = Export(
            kind="residents",
            format="xlsx",
            grid_id=root.id,
            path=root.path,
            full=True,
            roles=manageable_roles("admin"),
        )
        return jobs.create("export", asdict(export), admin_id, count_rows(export)).id


def run_job(app, job_id: str) -> tuple[float, float, float]:
    """Run the job in a process of its own; (seconds, its CPU seconds, its peak resident
    memory in MB)."""
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        GRIDWORK_INSTANCE=app.instance_path,
    )
    # The process reports its own CPU time and high-water mark: the bench's other children
    # (gunicorn, the cards job) would otherwise count in this one's.
    code = (
        "import resource, sys; from webapp.jobs import run; run(sys.argv[1]); "
        "u = resource.getrusage(resource.RUSAGE_SELF); "
        "print(u.ru_utime + u.ru_stime, u.ru_maxrss)"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, job_id],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    seconds = time.monotonic() - started
    cpu, peak_kb = done.stdout.split()[-2:]
    return seconds, float(cpu), int(peak_kb) / 1024


def check_result(app, job_id: str) -> None:
    """The job finished, and its file is a workbook of full numbers, headers first."""
    from openpyxl import load_workbook

    from webapp.extensions import db
    from webapp.models import Job

    with app.app_context():
        job = db.session.get(Job, job_id)
        if job.status != "done" or not job.has_result:
            raise RuntimeError(f"the export job did not finish: {job.status} {job.error}")
        path = Path(job.result_path)
        sheet = load_workbook(path, read_only=True).worksheets[0]
        header, first = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
        if header[3] != "身份证号" or "*" in first[3]:
            raise RuntimeError(f"unexpected first rows: {header} {first}")
        size = path.stat().st_size / 1e6
        print(f"export: {job.total} residents, {job.result_name}, {size:.0f} MB", file=sys.stderr)


def run(app) -> None:
    job_id = zone_job(app)
    with stolen() as steal:
        seconds, cpu, peak_mb = run_job(app, job_id)
    check_result(app, job_id)
    print(
        f"export: {cpu:.0f} s of CPU over {seconds:.0f} s, peak memory {peak_mb:.0f} MB;",
        f"{machine_busy()}, {steal['percent']} % of the machine's CPU time stolen meanwhile",
        file=sys.stderr,
    )
    emit("export.zone_residents.s", seconds, "s", 60)


if __name__ == "__main__":
    # `python -m bench.exports` on the database named by DATABASE_URL (already holding the zone).
    sys.path.insert(0, str(ROOT))
    from webapp import create_app

    run(create_app({"RATELIMIT_ENABLED": False}))
