"""The posters of a subtree (up to the zone's ~2,000 micro-grids) as a background job.

As the cards' batch (webapp/cards/batch.py), for the same reasons: parts of POSTER_PART_SIZE
posters, each its own PDF, so that WeasyPrint never holds the whole zone's layout; a helper
process renders one part while this one reads and renders the next, so that both cores work
(a poster costs about as much CPU as three cards: a whole A4 page and a large QR code); one
part gives a PDF, more give a ZIP of PDFs in the order of the grid tree.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from ..clock import today
from ..extensions import db
from ..jobs import JobError, job_kind, package_pdfs, results_dir
from ..models import Grid, Job
from .printing import faces_for, render_posters
from .queries import micro_grid_ids

# Parts waiting for the helper: one rendering, one ready, so it never waits for this process.
HELPER_QUEUE = 2


@job_kind("posters", title=_l("QR posters"))
def print_posters(job: Job, progress: Callable[[int], None]) -> tuple[Path, str]:
    """Render the posters of every active micro-grid under the job's node, part by part."""
    grid = db.session.get(Grid, job.params["grid_id"])
    if grid is None or not grid.active:
        raise JobError(_("This area no longer exists."))
    grid_ids = micro_grid_ids(grid)
    if not grid_ids:
        raise JobError(_("There is no micro-grid in this area."))
    if len(grid_ids) != job.total:  # micro-grids came or went since the job was queued
        db.session.execute(update(Job).where(Job.id == job.id).values(total=len(grid_ids)))
        db.session.commit()

    size = current_app.config["POSTER_PART_SIZE"]
    parts = [grid_ids[i : i + size] for i in range(0, len(grid_ids), size)]
    work = results_dir() / job.id
    shutil.rmtree(work, ignore_errors=True)  # what a killed run left behind
    work.mkdir()
    helper = (
        _start_helper() if len(parts) > 1 and current_app.config["CARD_HELPER_PROCESS"] else None
    )
    try:
        try:
            files = _render(parts, work, progress, helper)
        finally:
            if helper is not None:
                helper.shutdown(wait=True, cancel_futures=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return _package(job, grid, files, work)


def _render(
    parts: list[list[int]],
    work: Path,
    progress: Callable[[int], None],
    helper: ProcessPoolExecutor | None,
) -> list[Path]:
    """Every part rendered here or on the helper, progress reported as parts finish; the
    files in the parts' order."""
    done = 0
    in_flight: dict[Future, int] = {}

    def collect(block: bool) -> None:
        nonlocal done
        if not in_flight:
            return
        finished, _pending = wait(
            in_flight, timeout=None if block else 0, return_when=FIRST_COMPLETED
        )
        for future in finished:
            count = in_flight.pop(future)
            future.result()  # a failure in the helper fails the job, with its reason
            done += count
        if finished:
            progress(done)

    files = []
    for index, grid_ids in enumerate(parts):
        path = work / f"{index + 1:03d}.pdf"
        files.append(path)
        faces = faces_for(grid_ids)
        db.session.rollback()  # end the read: the progress bar's updates go on meanwhile
        if helper is not None and len(in_flight) < HELPER_QUEUE:
            in_flight[helper.submit(render_posters, faces, path)] = len(grid_ids)
        else:
            render_posters(faces, path)
            done += len(grid_ids)
            progress(done)
        collect(block=False)
    while in_flight:
        collect(block=True)
    return files


def _package(job: Job, grid: Grid, files: list[Path], work: Path) -> tuple[Path, str]:
    stem = f"{_('QR posters')}-{grid.name}-{today().isoformat()}"
    return package_pdfs(job.id, stem, files, work)


def _start_helper() -> ProcessPoolExecutor:
    """A second rendering process, spawned (not forked: this may be a thread of a web server,
    and a fork would copy its locks in whatever state the other threads left them)."""
    app = current_app
    config = {
        # The helper only renders: it never opens the database.
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "PDF_STRICT_GLYPHS": app.config["PDF_STRICT_GLYPHS"],
        "PUBLIC_BASE_URL": app.config["PUBLIC_BASE_URL"],
    }
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_helper_init,
        initargs=(app.instance_path, config),
    )


def _helper_init(instance_path: str, config: dict) -> None:
    os.environ["GRIDWORK_INSTANCE"] = instance_path
    from .. import create_app  # a job worker's boot, as in jobs.run

    create_app(config).app_context().push()
