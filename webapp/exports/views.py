"""The export page: what to export from an area, and the file (at once, or from a job)."""

from __future__ import annotations

from dataclasses import asdict
from io import BytesIO

from flask import current_app, redirect, send_file, url_for
from flask_login import current_user

from .. import jobs, scope
from ..clock import now, today
from ..extensions import db
from ..htmx import redirect_after_write, render
from ..models import Grid
from ..permissions import Can, manageable_roles, requires
from ..progress.queries import recent_jobs
from . import bp
from .files import write
from .forms import ExportForm
from .kinds import KINDS, Export, file_name
from .queries import count_rows
from .rules import record


@bp.get("/")
@requires(Can.FIELD_WORK)
def index():
    """The export page of the user's own area."""
    return redirect(url_for("exports.new", grid_id=current_user.scope_id))


@bp.route("/<int:grid_id>", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def new(grid_id: int):
    """Export a list of the area: managers anything, field workers their today lists."""
    grid = scope.get_grid_or_404(grid_id)
    form = ExportForm()
    form.offer(current_user.can, current_user.can(Can.REVEAL_IDENTITY))
    if form.validate_on_submit():
        export = _export(form, grid)
        rows = count_rows(export)
        reason = form.reason.data if form.full else ""
        record(export, grid, reason, rows, current_user.id)
        if rows <= current_app.config["EXPORT_AT_ONCE_ROWS"]:
            return _at_once(export, grid)
        job = jobs.enqueue("export", asdict(export), current_user.id, rows)  # commits the entry
        return redirect_after_write(url_for("progress.show", job_id=job.id))
    return render(
        "exports/new.html",
        grid=grid,
        form=form,
        kinds=KINDS,
        offered=[KINDS[choice.value] for choice in form.kind.choices],
        recent=recent_jobs(current_user.id, "export"),
        job_states=jobs.STATES,
        status=422 if form.errors else 200,
    )


def _export(form: ExportForm, grid: Grid) -> Export:
    kind = KINDS[form.kind.data]
    return Export(
        kind=kind.name,
        format=form.format.data,
        grid_id=grid.id,
        path=grid.path,
        full=form.full,
        roles=manageable_roles(current_user.role),
        first=form.first.data.isoformat() if kind.period else None,
        last=form.last.data.isoformat() if kind.period else None,
        at=None if kind.period else now().isoformat(),
    )


def _at_once(export: Export, grid: Grid):
    """A small export: written during the request, sent with its audit entry committed."""
    out = BytesIO()
    write(export, out)
    db.session.commit()
    out.seek(0)
    name = file_name(export, grid.name, today().isoformat())
    return send_file(out, as_attachment=True, download_name=name)
