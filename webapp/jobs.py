"""Background jobs: a batch of thousands of ID cards, a zone-wide report.

The same job function runs either way: on RQ workers when REDIS_URL is set (several app
servers, jobs survive an app restart), or on one thread inside the app process otherwise (the
embedded default: one machine, nothing else to run). The job's state lives in the `job` table,
so any app server can draw its progress bar and the download survives a page reload.

A job function takes (job, progress) and returns (path, download name), or (path, download
name, outcome): a small dict of what it did, kept on the job; it calls progress(n) as it goes.
Register it with @job_kind("name", title=..., describe=...): the title heads its progress page,
describe(job) (optional) names what the job works on, where to go back to and how its outcome
reads. It raises JobError with a message for the user when the work cannot be done (the job is
not offered again: it would fail the same way, unless the error says retryable=True); any other
exception fails the job too, with its type and text, and may be retried.
With RQ, result files are written under the instance folder of the worker that ran the job:
app servers and RQ workers must share that folder (or run on one machine).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from .clock import now
from .converters import file_name
from .extensions import db
from .models import Job

log = logging.getLogger(__name__)
JobFunction = Callable[[Job, Callable[[int], None]], tuple]
KINDS: dict[str, JobFunction] = {}
TITLES: dict[str, str] = {}


@dataclass(frozen=True)
class Subject:
    """What a job's page says about it: what it works on ("龙腾社区 · workers: 45"), the page
    it was started from, and what it did once done ("3 issued, 45 printed")."""

    what: str = ""
    back_url: str | None = None
    back_label: str = ""
    outcome: str = ""


DESCRIBERS: dict[str, Callable[[Job], Subject]] = {}
# A running job touches its row at every progress step (a few seconds apart); one silent for
# this long has lost its worker (an app restart, a killed RQ work horse) and may be retried.
STALE_AFTER = timedelta(minutes=10)
# Results are downloads, not archives: files older than this are removed as new jobs come.
KEEP_RESULTS = timedelta(days=7)

STATES = {
    "queued": _l("Waiting to start"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


class JobError(Exception):
    """The job cannot be done, for a reason the user can act on (shown as it is). Such a
    reason lies in what the job was asked, so running it again would fail the same way: no
    retry is offered unless `retryable`."""

    def __init__(self, message: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


def job_kind(
    name: str, title: str, describe: Callable[[Job], Subject] | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register a job function under `name`; `title` (a lazy string) heads its progress page,
    `describe` says what it works on."""

    def register(function: JobFunction) -> JobFunction:
        KINDS[name] = function
        TITLES[name] = title
        if describe is not None:
            DESCRIBERS[name] = describe
        return function

    return register


def results_dir() -> Path:
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def package_pdfs(job_id: str, stem: str, files: list[Path], work: Path) -> tuple[Path, str]:
    """A batch's result and its download name: one PDF as it is, several in a ZIP (stored:
    PDFs are compressed already) named `stem`-001.pdf and on; the work folder goes."""
    if len(files) == 1:
        target = results_dir() / f"{job_id}.pdf"
        os.replace(files[0], target)
        name = f"{stem}.pdf"
    else:
        target = results_dir() / f"{job_id}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
            for number, path in enumerate(files, 1):
                archive.write(path, f"{stem}-{number:03d}.pdf")
        name = f"{stem}.zip"
    shutil.rmtree(work, ignore_errors=True)
    return target, name


def create(kind: str, params: dict, created_by_id: int, total: int) -> Job:
    """Record a job without starting it (enqueue starts it; the benchmark runs it itself)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    _prune_results()
    job = Job(
        id=uuid.uuid4().hex, kind=kind, params=params, total=total, created_by_id=created_by_id
    )
    db.session.add(job)
    db.session.commit()
    return job


def _prune_results() -> None:
    cutoff = time.time() - KEEP_RESULTS.total_seconds()
    for path in results_dir().iterdir():
        try:
            if path.stat().st_mtime >= cutoff:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:  # another server pruned it first
            pass


def enqueue(kind: str, params: dict, created_by_id: int, total: int) -> Job:
    """Record a job and start it (on RQ or in-process); the caller shows its progress."""
    job = create(kind, params, created_by_id, total)
    _dispatch(job)
    return job


def is_stale(job: Job) -> bool:
    """A running job that has not reported for STALE_AFTER: its worker is gone."""
    return job.status == "running" and (job.updated_at or job.created_at) < now() - STALE_AFTER


def describe(job: Job) -> Subject:
    """What the job's page says about it (nothing more than its title for most kinds)."""
    describer = DESCRIBERS.get(job.kind)
    return describer(job) if describer else Subject()


def can_retry(job: Job) -> bool:
    """A failure that running again may cure (an unexpected error, a lost worker); not a
    refusal that would come back the same."""
    return (job.status == "failed" and job.retryable) or is_stale(job)


def retry(job: Job) -> None:
    """Run a failed (or abandoned) job again from the start."""
    job.status, job.progress, job.error, job.finished_at = "queued", 0, None, None
    job.outcome, job.retryable = None, True
    job.result_path = job.result_name = None
    job.updated_at = now()
    db.session.commit()
    _dispatch(job)


def _dispatch(job: Job) -> None:
    redis_url = current_app.config["REDIS_URL"]
    if not redis_url:
        _in_process().submit(_run_with_app, current_app._get_current_object(), job.id)
        return
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    queue_name = current_app.config["RQ_QUEUE"]
    try:
        queue = Queue(queue_name, connection=Redis.from_url(redis_url))
        queue.enqueue(run, job.id, job_timeout=3600, result_ttl=0, failure_ttl=3600)
    except RedisError as error:
        # Without the queue the job would wait forever: fail it now, with the reason.
        log.exception("cannot queue job %s", job.id)
        _fail(job.id, _("The job queue (Redis) cannot be reached: %(error)s", error=error))


def _in_process() -> ThreadPoolExecutor:
    # One thread: batches are heavy on CPU and memory; they queue behind each other.
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridwork-job")
        return _executor


def _run_with_app(app: Flask, job_id: str) -> None:
    with app.app_context():
        try:
            execute(job_id)
        except Exception:  # the thread pool would swallow it silently
            log.exception("job %s could not be run", job_id)


def run(job_id: str) -> None:
    """The RQ entry point: an RQ worker process builds its own app from the environment."""
    if has_app_context():
        execute(job_id)
        return
    from . import create_app  # the RQ worker's boot: the only import of the package here

    with create_app().app_context():
        execute(job_id)


def execute(job_id: str) -> None:
    """Run one job to completion or failure, keeping its row up to date."""
    # No request here, so no user's language: file names and messages are in the office's.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _execute(job_id)


def _execute(job_id: str) -> None:
    # Claim it in one statement: of two workers handed the same job (a double-clicked retry),
    # only one finds it still queued.
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", updated_at=now())
    ).rowcount
    db.session.commit()
    if not claimed:
        return
    job = db.session.get(Job, job_id)

    def progress(done: int) -> None:
        # Its own short transaction: the progress bar polls while the job works.
        db.session.execute(
            update(Job).where(Job.id == job_id).values(progress=done, updated_at=now())
        )
        db.session.commit()

    try:
        path, name, *rest = KINDS[job.kind](job, progress)
    except JobError as error:
        db.session.rollback()
        _fail(job_id, str(error), retryable=error.retryable)
        return
    except Exception as error:  # a failed job says why and can be retried
        db.session.rollback()
        log.exception("job %s failed", job_id)
        what = f"{type(error).__name__}: {error}"
        _fail(job_id, _("Unexpected error: %(error)s", error=what))
        return
    job = db.session.get(Job, job_id)
    job.status, job.progress = "done", job.total
    job.result_path, job.result_name = str(path), file_name(name)
    job.outcome = rest[0] if rest else None
    job.finished_at = job.updated_at = now()
    db.session.commit()


def _fail(job_id: str, message: str, retryable: bool = True) -> None:
    job = db.session.get(Job, job_id)
    job.status, job.retryable = "failed", retryable
    job.error = message[:2000]
    job.finished_at = job.updated_at = now()
    db.session.commit()


def wait_for_in_process_jobs() -> None:
    """Block until the in-process worker is idle (tests and the CLI)."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True)
