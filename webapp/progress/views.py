"""A background job's progress bar (polled by htmx), its download, and retry after a failure."""

from __future__ import annotations

import re

from flask import abort, send_file, url_for
from flask_login import current_user

from .. import jobs
from ..audit import trail
from ..extensions import db
from ..htmx import redirect_after_write, render
from ..models import Job
from ..permissions import Can, requires
from . import bp

# What jobs.create gives a job: uuid4().hex.
JOB_ID = re.compile(r"[0-9a-f]{32}")


def get_job_or_404(job_id: str) -> Job:
    """Jobs are their creator's (an admin may see all): others get 404."""
    if not JOB_ID.fullmatch(job_id):  # not one of ours, and a NUL would break PostgreSQL
        abort(404)
    job = db.session.get(Job, job_id)
    if job is None or (
        job.created_by_id != current_user.id and not current_user.can(Can.SEE_ALL_JOBS)
    ):
        abort(404)
    return job


@bp.get("/<job_id>")
@requires(Can.FIELD_WORK)
def show(job_id: str):
    """The job's page; with htmx, just the bar (which polls itself until done)."""
    response = render(
        "progress/show.html",
        "progress/_bar.html",
        job=get_job_or_404(job_id),
        is_stale=jobs.is_stale,
        can_retry=jobs.can_retry,
        describe=jobs.describe,
    )
    # The bar is polled every second: no cache may answer with an old one.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<job_id>/download")
@requires(Can.FIELD_WORK)
def download(job_id: str):
    """The finished file."""
    job = get_job_or_404(job_id)
    if job.status != "done" or not job.has_result:
        abort(404)
    if job.params.get("full"):
        # The file holds full ID numbers and phones: each download is on the trail, not only
        # the export that made it (the file stays for days, and an admin may fetch it too).
        trail.record(
            "full_file_downloaded",
            current_user.id,
            None,
            current_user.scope_id,
            job=job.id,
            kind=job.kind,
            file=job.result_name,
        )
        db.session.commit()
    return send_file(job.result_path, as_attachment=True, download_name=job.result_name)


@bp.post("/<job_id>/retry")
@requires(Can.FIELD_WORK)
def retry(job_id: str):
    """Start a failed (or abandoned) job again."""
    job = get_job_or_404(job_id)
    if jobs.can_retry(job):
        jobs.retry(job)
    return redirect_after_write(url_for("progress.show", job_id=job.id))
