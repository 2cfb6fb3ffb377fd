"""A batch of cards (up to the zone's 14,406) as a background job.

Memory stays bounded by rendering in parts of CARD_PART_SIZE cards (200: 20 sheets), each its
own PDF with one shared FontConfiguration; WeasyPrint holds a whole document's layout until it
is written, so one document of 14,406 cards would need gigabytes. Time stays within budget by
using both cores: while this process reads the next part from the database and renders one,
a helper process renders another (one card costs about 25 ms of CPU: 4 minutes for the zone
on one core is too close). A helper rather than a pool of two keeps peak memory under 500 MB:
two WeasyPrint processes, not three. One part gives a PDF; more give a ZIP of PDFs, in the
order of the grid tree, so each file covers neighbouring grids.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..clock import today
from ..extensions import db
from ..jobs import JobError, job_kind, results_dir
from ..models import Card, Grid, Job
from .printing import CardFace, faces_for, render_sheets
from .queries import Selection, valid_now
from .rules import issue_missing

# Parts waiting for the helper: one rendering, one ready, so it never waits for this process.
HELPER_QUEUE = 2


@job_kind("cards", title=_l("Work ID cards"))
def print_cards(job: Job, progress: Callable[[int], None]) -> tuple[Path, str]:
    """Issue what is missing, render the selection's cards part by part, return the file."""
    selection = Selection(**job.params)
    grid = db.session.get(Grid, selection.grid_id)
    if grid is None:
        raise JobError(_("This area no longer exists."))
    worker_ids = selection.worker_ids_in(grid)
    if not worker_ids:
        raise JobError(_("No worker matches this selection."))
    if len(worker_ids) != job.total:  # workers came or went since the job was queued
        db.session.execute(update(Job).where(Job.id == job.id).values(total=len(worker_ids)))
        db.session.commit()

    size = current_app.config["CARD_PART_SIZE"]
    parts = [worker_ids[i : i + size] for i in range(0, len(worker_ids), size)]
    work = results_dir() / job.id
    shutil.rmtree(work, ignore_errors=True)  # what a killed run left behind
    work.mkdir()
    use_helper = len(parts) > 1 and current_app.config["CARD_HELPER_PROCESS"]
    helper = _start_helper() if use_helper else None
    try:
        try:
            written = _render(_prepared(parts, selection), work, progress, helper)
        finally:
            if helper is not None:
                helper.shutdown(wait=True, cancel_futures=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)  # the helper has stopped writing there
        raise
    if not written:
        shutil.rmtree(work, ignore_errors=True)
        raise JobError(
            _("None of these workers has a valid card. Tick “Issue a card” to issue them.")
        )
    return _package(job, grid, [written[i] for i in sorted(written)], work)


def _prepared(parts: list[list[int]], selection: Selection) -> Iterator[tuple[int, int, list]]:
    """(index, workers, faces) per part, issuing the part's missing cards first."""
    valid_until = date.fromisoformat(selection.valid_until) if selection.valid_until else None
    for index, worker_ids in enumerate(parts):
        if selection.issue and valid_until is not None:
            issue_missing(worker_ids, valid_until, selection.issued_by_id)
            db.session.commit()
        card_of = dict(
            db.session.execute(
                select(Card.worker_id, Card.id).where(Card.worker_id.in_(worker_ids), *valid_now())
            ).all()
        )
        card_ids = [card_of[w] for w in worker_ids if w in card_of]
        yield index, len(worker_ids), faces_for(card_ids)


def _render(
    parts: Iterator[tuple[int, int, list[CardFace]]],
    work: Path,
    progress: Callable[[int], None],
    helper: ProcessPoolExecutor | None,
) -> dict[int, Path]:
    """Render every part here or on the helper; report progress as parts finish."""
    done = 0
    written: dict[int, Path] = {}
    in_flight: dict[Future, tuple[int, int, Path]] = {}

    def collect(block: bool) -> None:
        nonlocal done
        if not in_flight:
            return
        finished, _pending = wait(
            in_flight, timeout=None if block else 0, return_when=FIRST_COMPLETED
        )
        for future in finished:
            index, workers, path = in_flight.pop(future)
            future.result()  # a failure in the helper fails the job, with its reason
            written[index] = path
            done += workers
        if finished:
            progress(done)

    for index, workers, faces in parts:
        path = work / f"{index + 1:03d}.pdf"
        if not faces:  # nobody in this part has a card to print
            done += workers
            progress(done)
        elif helper is not None and len(in_flight) < HELPER_QUEUE:
            in_flight[helper.submit(render_sheets, faces, path)] = (index, workers, path)
        else:
            render_sheets(faces, path)
            written[index] = path
            done += workers
            progress(done)
        collect(block=False)
    while in_flight:
        collect(block=True)
    return written


def _package(job: Job, grid: Grid, files: list[Path], work: Path) -> tuple[Path, str]:
    """One PDF as it is; several in a ZIP (stored: PDFs are compressed already)."""
    stem = f"{_('Work ID cards')}-{grid.name}-{today().isoformat()}"
    if len(files) == 1:
        target = results_dir() / f"{job.id}.pdf"
        os.replace(files[0], target)
        name = f"{stem}.pdf"
    else:
        target = results_dir() / f"{job.id}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
            for number, path in enumerate(files, 1):
                archive.write(path, f"{stem}-{number:03d}.pdf")
        name = f"{stem}.zip"
    shutil.rmtree(work, ignore_errors=True)
    return target, name


def _start_helper() -> ProcessPoolExecutor:
    """A second rendering process. Spawned, not forked: this may be a thread of a web server,
    and a fork would copy its locks in whatever state the other threads left them."""
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
    # Photos are file URLs under the instance folder, which the PDF fetcher must allow.
    os.environ["GRIDWORK_INSTANCE"] = instance_path
    from .. import create_app  # a job worker's boot, as in jobs.run

    create_app(config).app_context().push()
