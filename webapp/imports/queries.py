"""The imports' selects: one import for its page, the recent ones for the list."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from ..extensions import db
from ..models import Import, Job
from ..permissions import Can


def _mine(stmt: Select) -> Select:
    """Imports are their creator's; an administrator may open all."""
    if current_user.can(Can.SEE_ALL_JOBS):
        return stmt
    return stmt.where(Import.created_by_id == current_user.id)


def get_import_or_404(import_id: int) -> Import:
    """An import the user may open (others get 404)."""
    imp = db.session.scalar(_mine(select(Import).where(Import.id == import_id)))
    if imp is None:
        abort(404)
    return imp


def recent_imports(limit: int = 20) -> list[Import]:
    """The latest imports the user may open, newest first."""
    stmt = select(Import).order_by(Import.created_at.desc(), Import.id.desc()).limit(limit)
    return list(db.session.scalars(_mine(stmt)))


def report_job(imp: Import) -> Job | None:
    """The job whose file reports on the import now: the write's, else the check's."""
    for job_id in (imp.write_job_id, imp.check_job_id):
        job = db.session.get(Job, job_id) if job_id else None
        if job is not None and job.status == "done" and job.has_result:
            return job
    return None
