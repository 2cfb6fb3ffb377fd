"""An export as a background job: the file is written where the progress page offers it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..clock import today
from ..extensions import db
from ..jobs import JobError, job_kind, results_dir
from ..models import Grid, Job
from .files import write
from .kinds import Export, file_name


@job_kind("export", title=_l("Export"))
def export_file(job: Job, progress: Callable[[int], None]) -> tuple[Path, str]:
    """Write the export of job.params (a kinds.Export) to the job's result file."""
    export = Export(**job.params)
    area = db.session.scalar(select(Grid.name).where(Grid.id == export.grid_id))
    if area is None:  # nodes are deactivated, not deleted: only a database restored wrongly
        raise JobError(_("This area no longer exists."))
    target = results_dir() / f"{job.id}.{export.format}"
    try:
        with target.open("wb") as out:
            rows = write(export, out, progress)
    except BaseException:
        target.unlink(missing_ok=True)  # half a file is no download
        raise
    if rows != job.total:  # rows came or went since the export was asked for
        db.session.execute(update(Job).where(Job.id == job.id).values(total=rows))
        db.session.commit()
    return target, file_name(export, area, today().isoformat())
