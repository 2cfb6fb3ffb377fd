"""Work ID cards (工作证): issue, reissue, revoke, print; photos; batches; the public check.

Cards are managed by admins and supervisors within their subtree. /v/<serial> is the public
contract printed in every card's QR code: it answers the same way for revoked and unknown
serials and shows nothing but the state, a masked name, the position and the grid.
"""

from __future__ import annotations

from dataclasses import asdict
from io import BytesIO

from flask import (
    flash,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from .. import codes, jobs, photos, scope
from ..auth.guard import public
from ..clock import today
from ..converters import file_name
from ..extensions import db
from ..htmx import redirect_after_write, render
from ..models import Worker
from ..permissions import Can, requires
from ..progress.queries import recent_jobs
from ..writes import REFUSED, done, save
from . import bp
from .forms import BatchForm, IssueForm, PhotoForm, RevokeForm
from .printing import base_url_warning, face_problems, faces_for, render_card
from .queries import (
    STATES,
    Selection,
    cards_of,
    current_card,
    get_card_or_404,
    listable_workers,
    print_problems,
    public_check,
)
from .rules import REASONS, issue, revoke

# A subtree with at most this many workers lists them with checkboxes on the batch page.
LIST_LIMIT = 300


def _print_warnings(problems: list[str]) -> list[str]:
    """Said in red on a page that prints: QR codes that phones cannot open, then characters
    that would print as empty boxes."""
    warning = base_url_warning()
    return ([warning] if warning else []) + problems


def _panel(worker: Worker, issue_form=None, revoke_form=None, status: int = 200):
    cards = cards_of(worker)
    current = current_card(cards)
    printable = current is not None and current.state(today()) == "valid"
    return render(
        "cards/show.html",
        "cards/_panel.html",
        worker=worker,
        cards=cards,
        current=current,
        on=today(),
        issue_form=issue_form or IssueForm(formdata=None),
        revoke_form=revoke_form or RevokeForm(formdata=None),
        has_photo=photos.has_photo(worker),
        reasons=REASONS,
        states=STATES,
        display_serial=codes.display,
        # Said on the page that prints, before the card is printed.
        print_warnings=_print_warnings(face_problems(faces_for([current.id])[0]))
        if printable
        else [],
        status=status,
    )


@bp.get("/cards/workers/<int:worker_id>")
@requires(Can.MANAGE_CARDS)
def show(worker_id: int):
    """A worker's card: photo, the card in use, its history, and what can be done with it."""
    return _panel(scope.get_worker_or_404(worker_id))


@bp.post("/cards/workers/<int:worker_id>/issue")
@requires(Can.MANAGE_CARDS)
def issue_card(worker_id: int):
    """Issue a card; a card still in force is revoked (a reissue)."""
    worker = scope.get_worker_or_404(worker_id)
    form = IssueForm()
    if form.validate_on_submit():
        card = save(form, lambda: issue(worker, form.valid_until.data, current_user.id))
        if card is not REFUSED:
            message = _("Card %(serial)s was issued.", serial=codes.display(card.serial))
            return done(message, url_for("cards.show", worker_id=worker.id))
    return _panel(worker, issue_form=form, status=422)


@bp.post("/cards/<int:card_id>/revoke")
@requires(Can.MANAGE_CARDS)
def revoke_card(card_id: int):
    """Revoke a card (lost, stolen, the worker left): the public check says so at once."""
    card = get_card_or_404(card_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _panel(card.worker, revoke_form=form, status=422)
    revoke(card, form.reason.data, current_user.id)
    db.session.commit()
    flash(_("Card %(serial)s was revoked.", serial=codes.display(card.serial)), "success")
    return redirect_after_write(url_for("cards.show", worker_id=card.worker_id))


@bp.get("/cards/<int:card_id>.pdf")
@requires(Can.MANAGE_CARDS)
def pdf(card_id: int):
    """One card as a PDF page of 85.6 × 54 mm."""
    card = get_card_or_404(card_id)
    if card.state(today()) != "valid":
        flash(_("Only a valid card can be printed. Issue a new one."), "error")
        return redirect_after_write(url_for("cards.show", worker_id=card.worker_id))
    face = faces_for([card.id])[0]
    response = send_file(
        BytesIO(render_card(face)),
        mimetype="application/pdf",
        download_name=file_name(f"{_('Work ID card')}-{card.worker.name}-{face.serial}.pdf"),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _photo_page(worker: Worker, form: PhotoForm, status: int = 200):
    return render(
        "cards/photo.html",
        worker=worker,
        form=form,
        has_photo=photos.has_photo(worker),
        status=status,
    )


@bp.route("/cards/workers/<int:worker_id>/photo", methods=["GET", "POST"])
@requires(Can.MANAGE_CARDS)
def photo(worker_id: int):
    """Upload the card photo: JPEG or PNG, stored re-encoded as a small JPEG."""
    worker = scope.get_worker_or_404(worker_id)
    form = PhotoForm()
    if not form.validate_on_submit():
        return _photo_page(worker, form, 422 if form.errors else 200)
    upload = form.photo.data
    try:
        if upload is None or not upload.filename:
            raise photos.PhotoError(_("Choose a photo to upload."))
        photos.save_photo(worker, upload.stream)
    except photos.PhotoError as error:
        form.photo.errors = [str(error)]
        return _photo_page(worker, form, 422)
    db.session.commit()
    flash(_("The photo of %(name)s was saved.", name=worker.name), "success")
    return redirect_after_write(url_for("cards.show", worker_id=worker.id))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A body over MAX_CONTENT_LENGTH is refused before it is read: say so on the form.

    An error handler must not raise, so the worker is looked up without abort().
    """
    message = _("The photo is larger than %(mb)d MB.", mb=photos.MAX_BYTES // (1024 * 1024))
    worker = None
    if (
        request.endpoint == "cards.photo"
        and current_user.is_authenticated
        and current_user.can(Can.MANAGE_CARDS)
    ):
        worker = db.session.scalar(
            scope.workers().where(Worker.id == request.view_args["worker_id"])
        )
    if worker is None:
        return render_template("error.html", status=413, message=message), 413
    form = PhotoForm(formdata=None)
    form.photo.errors = [message]
    return _photo_page(worker, form, 413)


@bp.get("/cards/workers/<int:worker_id>/photo.jpg")
@requires(Can.MANAGE_CARDS)
def photo_file(worker_id: int):
    """The stored photo, for the card page (the URL changes with each new photo)."""
    worker = scope.get_worker_or_404(worker_id)
    if not photos.has_photo(worker):
        return make_response(_("No photo yet."), 404)
    response = send_file(photos.photo_path(worker), mimetype="image/jpeg", max_age=86400)
    response.cache_control.private = True
    response.cache_control.public = False
    return response


@bp.route("/cards/batch/<int:grid_id>", methods=["GET", "POST"])
@requires(Can.MANAGE_CARDS)
def batch(grid_id: int):
    """Print the cards of a subtree (or of some of its workers) as a background job."""
    grid = scope.get_grid_or_404(grid_id)
    everyone = Selection(grid_id=grid.id, include_admins=current_user.can(Can.APPOINT_ADMINS))
    worker_ids = everyone.worker_ids_in(grid)
    form = BatchForm()
    listed = listable_workers(worker_ids) if len(worker_ids) <= LIST_LIMIT else []
    if listed:
        form.workers.choices = [(w.id, f"{w.name} · {w.scope.name}") for w in listed]
    else:
        del form.workers
    if form.validate_on_submit():
        selection = Selection(
            grid_id=grid.id,
            include_admins=current_user.can(Can.APPOINT_ADMINS),
            positions=list(form.positions.data or []),
            missing_only=form.missing_only.data,
            worker_ids=list(form.workers.data or []) if listed else [],
            issue=form.issue.data,
            valid_until=form.valid_until.data.isoformat() if form.valid_until.data else None,
            issued_by_id=current_user.id,
        )
        selected = selection.worker_ids_in(grid)
        if selected:
            job = jobs.enqueue("cards", asdict(selection), current_user.id, len(selected))
            return redirect_after_write(url_for("progress.show", job_id=job.id))
        form.form_errors.append(_("No worker matches this selection."))
    return render(
        "cards/batch.html",
        grid=grid,
        form=form,
        workers=len(worker_ids),
        missing=everyone.missing_in(grid),
        listed=bool(listed),
        recent=recent_jobs(current_user.id, "cards"),
        job_states=jobs.STATES,
        print_warnings=_print_warnings(print_problems(grid, worker_ids)),
        status=422 if form.errors or form.form_errors else 200,
    )


@bp.get("/v/<serial>")
@codes.rate_limited
@public
def verify(serial: str):
    """The public check of a card's QR code: valid, expired or invalid, and whose it is."""
    response = render("cards/verify.html", **public_check(serial, today()))
    # A revocation must show at once: no cache may keep the page; nor should search engines.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
