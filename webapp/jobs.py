"""Background jobs: a batch of thousands of ID cards, a zone-wide report.

The same job function runs either way: on RQ workers when REDIS_URL is set (several app
servers, jobs survive an app restart), or on one thread inside the app process otherwise (the
embedded default: one machine, nothing else to run). The job's state lives in the `job` table,
so any app server can draw its progress bar and the download survives a page reload.

A job function takes (job, progress) and returns (path, download name); it calls progress(n)
as it goes. Register it with @job_kind("name").
"""

from __future__ import annotations

import logging
import threading
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import update

from .clock import now
from .extensions import db
from .models import Job

log = logging.getLogger(__name__)
JobFunction = Callable[[Job, Callable[[int], None]], tuple[Path, str]]
KINDS: dict[str, JobFunction] = {}
QUEUE = "gridwork"

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        KINDS[name] = function
        return function

    return register


def results_dir() -> Path:
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def enqueue(kind: str, params: dict, created_by_id: int, total: int) -> Job:
    """Record a job and start it (on RQ or in-process); the caller shows its progress."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        id=uuid.uuid4().hex, kind=kind, params=params, total=total, created_by_id=created_by_id
    )
    db.session.add(job)
    db.session.commit()
    _dispatch(job.id)
    return job


def retry(job: Job) -> None:
    """Run a failed job again from the start."""
    job.status, job.progress, job.error, job.finished_at = "queued", 0, None, None
    db.session.commit()
    _dispatch(job.id)


def _dispatch(job_id: str) -> None:
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from rq import Queue

        queue = Queue(QUEUE, connection=Redis.from_url(redis_url))
        queue.enqueue(run, job_id, job_timeout=3600, result_ttl=0, failure_ttl=3600)
    else:
        _in_process().submit(_run_with_app, current_app._get_current_object(), job_id)


def _in_process() -> ThreadPoolExecutor:
    # One thread: batches are heavy on CPU and memory; they queue behind each other.
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridwork-job")
        return _executor


def _run_with_app(app: Flask, job_id: str) -> None:
    with app.app_context():
        execute(job_id)


def run(job_id: str) -> None:
    """The RQ entry point: an RQ worker process builds its own app from the environment."""
    if has_app_context():
        execute(job_id)
        return
    from . import create_app

    with create_app().app_context():
        execute(job_id)


def execute(job_id: str) -> None:
    """Run one job to completion or failure, keeping its row up to date."""
    job = db.session.get(Job, job_id)
    if job is None or job.status in ("running", "done"):
        return
    job.status = "running"
    db.session.commit()

    def progress(done: int) -> None:
        # Its own short transaction: the progress bar polls while the job works.
        db.session.execute(update(Job).where(Job.id == job_id).values(progress=done))
        db.session.commit()

    try:
        path, name = KINDS[job.kind](job, progress)
    except Exception as error:  # a failed job says why and can be retried
        db.session.rollback()
        log.exception("job %s failed", job_id)
        job = db.session.get(Job, job_id)
        job.status = "failed"
        job.error = f"{type(error).__name__}: {error}"[:2000] or traceback.format_exc()[-2000:]
        job.finished_at = now()
        db.session.commit()
        return
    job = db.session.get(Job, job_id)
    job.status, job.progress = "done", job.total
    job.result_path, job.result_name = str(path), name
    job.finished_at = now()
    db.session.commit()


def wait_for_in_process_jobs() -> None:
    """Block until the in-process worker is idle (tests and the CLI)."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True)
