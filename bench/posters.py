"""Poster figures: every micro-grid's QR poster in the zone (~2,000) printed as one job.

As the cards' figure (bench/cards.py): the job runs in a process of its own, the way an RQ
worker would run it (webapp.jobs.run), so that its time includes the app's start-up, and
posters.zone.peak_mb is the largest sum of the resident memory of the job's processes (the
job and its rendering helper), sampled every 50 ms.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .cards import run_job
from .common import ROOT, emit


def zone_job(app) -> str:
    """A queued posters job for the zone's root, as its first administrator would start it."""
    from sqlalchemy import select

    from webapp import jobs
    from webapp.extensions import db
    from webapp.models import Grid, Worker
    from webapp.posters.queries import micro_grid_ids

    with app.app_context():
        root = db.session.scalar(select(Grid).where(Grid.level == 0).order_by(Grid.id))
        admin_id = db.session.scalar(
            select(Worker.id).where(Worker.role == "admin").order_by(Worker.id)
        )
        total = len(micro_grid_ids(root))
        return jobs.create("posters", {"grid_id": root.id}, admin_id, total).id


def _pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def check_result(app, job_id: str) -> None:
    """The job finished, and its files hold one page per micro-grid."""
    from webapp.extensions import db
    from webapp.models import Job

    with app.app_context():
        job = db.session.get(Job, job_id)
        if job.status != "done" or not job.has_result:
            raise RuntimeError(f"the posters job did not finish: {job.status} {job.error}")
        result = Path(job.result_path)
        if result.suffix == ".zip":
            with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(result) as archive:
                archive.extractall(folder)
                pages = sum(_pages(path) for path in Path(folder).iterdir())
        else:
            pages = _pages(result)
        if pages != job.total:
            raise RuntimeError(f"{pages} pages for {job.total} micro-grids")
        size = result.stat().st_size
        print(f"posters: {pages} pages, {job.result_name}, {size / 1e6:.0f} MB", file=sys.stderr)


def run(app) -> None:
    job_id = zone_job(app)
    seconds, peak_mb = run_job(app, job_id, label="posters")
    check_result(app, job_id)
    emit("posters.zone.s", seconds, "s", 120)
    emit("posters.zone.peak_mb", peak_mb, "MB", 500)


if __name__ == "__main__":
    # `python -m bench.posters` on the database named by DATABASE_URL (already holding the
    # zone, or the small demo).
    sys.path.insert(0, str(ROOT))
    from webapp import create_app

    run(create_app({"RATELIMIT_ENABLED": False}))
