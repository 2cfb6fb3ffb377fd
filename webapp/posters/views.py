"""QR posters (二维码海报): one micro-grid's A4 poster, or a subtree's as a background job.

A poster holds only what its public page shows anyway (the micro-grid's name and place, the
leader's name and masked phone, the link), so every signed-in worker may print those of their
own subtree (Can.FIELD_WORK); the scope keeps them to it.
"""

from __future__ import annotations

from io import BytesIO

from flask import abort, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import jobs, scope
from ..converters import file_name
from ..htmx import redirect_after_write, render
from ..permissions import Can, requires
from ..progress.queries import recent_jobs
from . import bp
from .printing import faces_for, render_posters
from .queries import micro_grid_ids


@bp.get("/grids/<int:grid_id>.pdf")
@requires(Can.FIELD_WORK)
def pdf(grid_id: int):
    """The micro-grid's poster: one A4 page to hang in the stairwell."""
    grid = scope.get_grid_or_404(grid_id)
    if not grid.is_micro or not grid.active:
        # Only an active micro-grid has a public page for the QR code to open.
        abort(404)
    response = send_file(
        BytesIO(render_posters(faces_for([grid.id]))),
        mimetype="application/pdf",
        download_name=file_name(f"{_('QR poster')}-{grid.name}.pdf"),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/grids/<int:grid_id>/batch", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def batch(grid_id: int):
    """The posters of every micro-grid of this area as one background job."""
    grid = scope.get_grid_or_404(grid_id)
    grid_ids = micro_grid_ids(grid) if grid.active else []
    form = FlaskForm()
    if form.validate_on_submit():
        if grid_ids:
            job = jobs.enqueue("posters", {"grid_id": grid.id}, current_user.id, len(grid_ids))
            return redirect_after_write(url_for("progress.show", job_id=job.id))
        form.form_errors.append(_("There is no micro-grid in this area."))
    return render(
        "posters/batch.html",
        grid=grid,
        form=form,
        count=len(grid_ids),
        recent=recent_jobs(current_user.id, "posters"),
        job_states=jobs.STATES,
        status=422 if form.errors or form.form_errors else 200,
    )
