"""A batch of cards (up to the zone's 14,406) as a background job.

Memory stays bounded by rendering in parts of CARD_PART_SIZE cards (200: 20 sheets), each its
own PDF with one shared FontConfiguration; WeasyPrint holds a whole document's layout until it
is written, so one document of 14,406 cards would need gigabytes. Time stays within budget by
using both cores: while this process reads the next part from the database and renders one,
a helper process renders another (one card costs about 25 ms of CPU: 4 minutes for the zone
on one core is too close). A helper rather than a pool of two keeps peak memory under 500 MB:
two WeasyPrint processes, not three. One part gives a PDF; more give a ZIP of PDFs, in the
order of the grid tree, so each file covers neighbouring grids.

The bar moves every PROGRESS_STEP cards (two sheets) whichever process lays them out: the
helper tells this process through a queue as it goes. The job ends with how many cards it
issued and how many it printed.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from datetime import date
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..clock import today
from ..extensions import db
from ..jobs import JobError, Subject, job_kind, package_pdfs, results_dir
from ..models import Card, Grid, Job
from .printing import CardFace, faces_for, render_sheets
from .queries import Selection, valid_now
from .rules import issue_missing

# Parts waiting for the helper: one rendering, one ready, so it never waits for this process.
HELPER_QUEUE = 2
# The helper's side of the progress queue (set in the helper process only).
_helper_progress: multiprocessing.Queue | None = None


def describe_batch(job: Job) -> Subject:
    """'龙腾社区 · workers: 45', a link back to the area's batch page, '3 issued, 45 printed'."""
    grid = db.session.get(Grid, job.params.get("grid_id") or 0)
    outcome = job.outcome or {}
    return Subject(
        what=_("%(area)s · workers: %(n)d", area=grid.name if grid else "?", n=job.total),
        back_url=url_for("cards.batch", grid_id=grid.id) if grid else None,
        back_label=_("Back to printing the cards of %(area)s", area=grid.name) if grid else "",
        outcome=_(
            "%(issued)d issued, %(printed)d printed",
            issued=outcome.get("issued", 0),
            printed=outcome.get("printed", 0),
        )
        if job.outcome
        else "",
    )


@job_kind("cards", title=_l("Work ID cards"), describe=describe_batch)
def print_cards(job: Job, progress: Callable[[int], None]) -> tuple[Path, str, dict]:
    """Issue what is missing, render the selection's cards part by part, return the file and
    how many cards were issued and printed."""
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
    told = multiprocessing.get_context("spawn").Queue() if use_helper else None
    helper = _start_helper(told) if use_helper else None
    counts = {"issued": 0, "printed": 0}
    try:
        try:
            prepared = _prepared(parts, selection, counts)
            written = _render(prepared, work, progress, helper, told)
        finally:
            if helper is not None:
                helper.shutdown(wait=True, cancel_futures=True)
                told.close()
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)  # the helper has stopped writing there
        raise
    if not written:
        shutil.rmtree(work, ignore_errors=True)
        raise JobError(
            _("None of these workers has a valid card. Tick “Issue a card” to issue them.")
        )
    return (*_package(job, grid, [written[i] for i in sorted(written)], work), counts)


def _prepared(
    parts: list[list[int]], selection: Selection, counts: dict[str, int]
) -> Iterator[tuple[int, int, list]]:
    """(index, workers, faces) per part, issuing the part's missing cards first; `counts`
    adds up the cards issued and the faces to print."""
    valid_until = date.fromisoformat(selection.valid_until) if selection.valid_until else None
    for index, worker_ids in enumerate(parts):
        if selection.issue and valid_until is not None:
            counts["issued"] += issue_missing(worker_ids, valid_until, selection.issued_by_id)
            db.session.commit()
        card_of = dict(
            db.session.execute(
                select(Card.worker_id, Card.id).where(Card.worker_id.in_(worker_ids), *valid_now())
            ).all()
        )
        card_ids = [card_of[w] for w in worker_ids if w in card_of]
        counts["printed"] += len(card_ids)
        yield index, len(worker_ids), faces_for(card_ids)


def _render(
    parts: Iterator[tuple[int, int, list[CardFace]]],
    work: Path,
    progress: Callable[[int], None],
    helper: ProcessPoolExecutor | None,
    told: multiprocessing.Queue | None = None,
) -> dict[int, Path]:
    """Render every part here or on the helper; report progress every few sheets, from this
    process's parts as it lays them out and from the helper's as it tells."""
    finished = 0  # workers of the parts done
    laid_out: dict[int, int] = {}  # cards laid out so far in each part still rendering
    written: dict[int, Path] = {}
    in_flight: dict[Future, tuple[int, int, Path]] = {}
    reported = -1

    def tell() -> None:
        nonlocal reported
        done = finished + sum(laid_out.values())
        if done != reported:  # a write only when the bar moves
            progress(done)
            reported = done

    def drain() -> None:
        """Pass on each word the helper sent, one step at a time: read all at once, two
        steps of 20 cards would reach the bar as one of 40."""
        while told is not None:
            try:
                index, count = told.get_nowait()
            except queue.Empty:
                break
            if not any(index == i for i, _w, _p in in_flight.values()):
                continue  # a late word from a part already collected
            laid_out[index] = count
            tell()

    def report() -> None:
        drain()
        tell()

    def step(index: int) -> Callable[[int], None]:
        def heard(count: int) -> None:
            laid_out[index] = count
            report()

        return heard

    def part_done(index: int, workers: int) -> None:
        nonlocal finished
        laid_out.pop(index, None)
        finished += workers

    def collect(block: bool) -> None:
        if not in_flight:
            return
        timeout = None if block else 0
        if block and told is not None:
            timeout = 0.5  # wake up to pass on what the helper tells
        found, _pending = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
        drain()  # what the helper told before it finished, before its part counts whole
        for future in found:
            index, workers, path = in_flight.pop(future)
            future.result()  # a failure in the helper fails the job, with its reason
            written[index] = path
            part_done(index, workers)
        if found or block:
            report()

    for index, workers, faces in parts:
        path = work / f"{index + 1:03d}.pdf"
        if not faces:  # nobody in this part has a card to print
            part_done(index, workers)
            report()
        elif helper is not None and len(in_flight) < HELPER_QUEUE:
            in_flight[helper.submit(_render_on_helper, index, faces, path)] = (
                index,
                workers,
                path,
            )
        else:
            render_sheets(faces, path, laid_out=step(index))
            written[index] = path
            part_done(index, workers)
            report()
        collect(block=False)
    while in_flight:
        collect(block=True)
    return written


def _render_on_helper(index: int, faces: list[CardFace], path: Path) -> int:
    """render_sheets in the helper, telling the job's process how far it got."""

    def tell(count: int) -> None:
        if _helper_progress is not None:
            _helper_progress.put((index, count))

    return render_sheets(faces, path, laid_out=tell)


def _package(job: Job, grid: Grid, files: list[Path], work: Path) -> tuple[Path, str]:
    return package_pdfs(
        job.id, f"{_('Work ID cards')}-{grid.name}-{today().isoformat()}", files, work
    )


def _start_helper(told: multiprocessing.Queue) -> ProcessPoolExecutor:
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
        initargs=(app.instance_path, config, told),
    )


def _helper_init(instance_path: str, config: dict, told: multiprocessing.Queue) -> None:
    global _helper_progress
    _helper_progress = told
    # Photos are file URLs under the instance folder, which the PDF fetcher must allow.
    os.environ["GRIDWORK_INSTANCE"] = instance_path
    from .. import create_app  # a job worker's boot, as in jobs.run

    create_app(config).app_context().push()
