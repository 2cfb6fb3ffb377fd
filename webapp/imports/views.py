"""Imports: upload a sheet, watch its check, read the preview, confirm the write."""

from __future__ import annotations

from flask import current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from werkzeug.security import generate_password_hash

from .. import jobs
from ..extensions import db
from ..forms import choices
from ..htmx import redirect_after_write, render
from ..models import IMPORT_STATES, Import, Job
from ..permissions import Can, requires
from ..sheets import SHEETS
from . import bp, files, workbooks
from .checking import KIND_CAPABILITY
from .forms import ConfirmForm, UploadForm
from .queries import get_import_or_404, recent_imports, report_job


@bp.url_value_preprocessor
def _allow_large_uploads(endpoint: str | None, values: dict | None) -> None:
    """A sheet may be larger than MAX_CONTENT_LENGTH (every other form's limit). Set before
    anything reads the body: the CSRF check reads it ahead of the view."""
    if endpoint == "imports.new":
        request.max_content_length = (current_app.config["IMPORT_MAX_MB"] + 1) * 1024 * 1024


def _kinds() -> dict[str, str]:
    """The kinds of sheet the user may import: those whose pages they may write."""
    return {
        kind: sheet.title
        for kind, sheet in SHEETS.items()
        if current_user.can(KIND_CAPABILITY[kind])
    }


def _index(form: UploadForm, status: int = 200):
    return render(
        "imports/index.html",
        form=form,
        kinds=_kinds(),
        imports=recent_imports(),
        states=IMPORT_STATES,
        sheets=SHEETS,
        max_mb=current_app.config["IMPORT_MAX_MB"],
        status=status,
    )


def _upload_form() -> UploadForm:
    form = UploadForm()
    form.kind.choices = choices(_kinds())
    return form


@bp.get("/")
@requires(Can.IMPORT)
def index():
    """The upload form, the templates to download, and the user's recent imports."""
    return _index(_upload_form())


@bp.post("/new")
@requires(Can.IMPORT)
def new():
    """Store the uploaded sheet and start its check; nothing is written yet."""
    form = _upload_form()
    if not form.validate_on_submit():
        return _index(form, 422)
    upload = form.file.data
    if upload is None or not upload.filename:
        form.file.errors = [_("Choose a file to upload.")]
        return _index(form, 422)
    limit = current_app.config["IMPORT_MAX_MB"] * 1024 * 1024
    path = files.store(upload.stream, limit)
    if path is None:
        form.file.errors = [_too_large()]
        return _index(form, 413)
    imp = Import(
        kind=form.kind.data,
        file_name=upload.filename[-200:],
        stored_path=str(path),
        created_by_id=current_user.id,
    )
    db.session.add(imp)
    db.session.commit()
    imp.check_job_id = jobs.enqueue("import_check", {"import_id": imp.id}, current_user.id, 0).id
    db.session.commit()
    return redirect_after_write(url_for("imports.show", import_id=imp.id))


def _too_large() -> str:
    return _("The file is larger than %(mb)d MB.", mb=current_app.config["IMPORT_MAX_MB"])


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A body over the limit is refused before it is read: say so on the upload form. An
    error handler must not raise, so nothing here aborts."""
    if not (current_user.is_authenticated and current_user.can(Can.IMPORT)):
        return render_template("error.html", status=413, message=_too_large()), 413
    form = UploadForm(formdata=None)
    form.kind.choices = choices(_kinds())
    form.file.errors = [_too_large()]
    return _index(form, 413)


@bp.get("/<int:import_id>")
@requires(Can.IMPORT)
def show(import_id: int):
    """An import: its check's progress, then the preview (counts, errors, confirm), then what
    was written; with htmx, the part below the title (polled while a job runs)."""
    imp = get_import_or_404(import_id)
    response = render("imports/show.html", "imports/_state.html", **_state(imp, ConfirmForm()))
    response.headers["Cache-Control"] = "no-store"
    return response


def _state(imp: Import, form: ConfirmForm) -> dict:
    job_id = imp.write_job_id if imp.status in ("confirmed", "writing") else imp.check_job_id
    return {
        "imp": imp,
        "sheet": SHEETS[imp.kind],
        "job": db.session.get(Job, job_id) if job_id else None,
        "report": report_job(imp),
        "form": form,
        "asks_password": imp.kind == "workers" and imp.created > 0,
        "is_stale": jobs.is_stale,
    }


@bp.post("/<int:import_id>/confirm")
@requires(Can.IMPORT)
def confirm(import_id: int):
    """Write the checked rows, all in one transaction (a background job that checks again)."""
    imp = get_import_or_404(import_id)
    form = ConfirmForm()
    state = _state(imp, form)
    if not imp.can_confirm:
        form.form_errors.append(_("This import cannot be written: see its state."))
        return render("imports/show.html", "imports/_state.html", status=409, **state)
    if not form.validate_on_submit() or (state["asks_password"] and not form.first_password.data):
        if not form.first_password.errors:
            form.first_password.errors = [_("Choose a password.")]
        return render("imports/show.html", "imports/_state.html", status=422, **state)
    params = {"import_id": imp.id, "by_id": current_user.id}
    if state["asks_password"]:
        # Hashed here, once: the job's parameters never hold the password itself.
        method = current_app.config["PASSWORD_HASH_METHOD"]
        params["first_password_hash"] = generate_password_hash(form.first_password.data, method)
    # Confirmed first, then queued: the job claims a confirmed import (a second click's job
    # finds it claimed and stops).
    imp.status, imp.confirmed_by_id = "confirmed", current_user.id
    db.session.commit()
    imp.write_job_id = jobs.enqueue("import_write", params, current_user.id, imp.rows).id
    db.session.commit()
    return redirect_after_write(url_for("imports.show", import_id=imp.id))


@bp.get("/template")
@requires(Can.IMPORT)
def template():
    """The blank sheet of a kind (?kind=households): headers, an example row, instructions."""
    kind = request.args.get("kind", "")
    if kind not in SHEETS:
        raise NotFound()
    return send_file(
        workbooks.template(kind),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=workbooks.template_name(kind),
    )
