"""Green passes, signed in: let a pass through at one's checkpoint (one tap, through the
outbox), revoke it with a reason, print it (one card, or a filing's passes ten to a sheet), and
go from a typed code to the pass's page."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import codes, idempotency
from ..clock import now
from ..converters import file_name
from ..extensions import db
from ..htmx import is_partial, redirect_after_write, render
from ..identity import mask_name
from ..models import CheckpointCheck, GreenPass
from ..permissions import Can, requires
from ..rules import RuleError
from . import bp, queries, rules
from .forms import FindForm, RevokeForm, ThroughForm
from .printing import faces_for, render_pass, render_sheet
from .public import page, staff_context

PRINTABLE = (rules.VALID, rules.NOT_YET)


def _pass_url(green_pass: GreenPass) -> str:
    return url_for("passes.show", pass_code=green_pass.code)


def _through_answer(green_pass: GreenPass, status: int, message: str, form=None):
    """htmx (the outbox) gets the staff part of the page, small; a plain form goes back to the
    pass's page with the message."""
    if is_partial():
        state = queries.state_of(green_pass, now().date())
        context = staff_context(green_pass, state, form, done=message if status < 400 else None)
        return render(
            "passes/_staff.html",
            status=status,
            failed=message if status >= 400 else None,
            **context,
        )
    flash(message, "error" if status >= 400 else "success")
    return redirect(_pass_url(green_pass), code=303)


def _done_message(green_pass: GreenPass) -> str:
    employee = green_pass.employee
    return _(
        "%(name)s let through on the green channel, handed to %(grid)s.",
        name=mask_name(employee.name),
        grid=employee.grid.name,
    )


@bp.post("/passes/<int:pass_id>/through")
@requires(Can.CHECKPOINT_WORK)
def through(pass_id: int):
    """绿色通道放行: a green-channel check at the worker's checkpoint and, the first time, the
    handover to the destination micro-grid. The same key sent again answers as the first."""
    green_pass = queries.get_pass_or_404(pass_id)
    stations = queries.stations(current_user.id, now())
    if not stations:
        abort(404)  # not put on any checkpoint: as outside one's scope
    form = ThroughForm()
    if not form.validate_on_submit():
        return _through_answer(green_pass, 422, " ".join(map(str, form.error_messages())), form)
    if idempotency.existing(CheckpointCheck, form.key.data) is not None:
        return _through_answer(green_pass, 200, _done_message(green_pass))
    checkpoint = next(
        (s.checkpoint for s in stations if s.checkpoint.id == form.checkpoint.data), None
    )
    if checkpoint is None:
        return _through_answer(green_pass, 422, _("Choose your checkpoint."), form)
    try:
        rules.let_through(
            green_pass, checkpoint, current_user.id, form.key.data, form.visited_at.data or now()
        )
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        return _through_answer(green_pass, 422, str(error), form)
    except IntegrityError:
        # Two copies of one tap at once: the first one's check stands.
        db.session.rollback()
    return _through_answer(green_pass, 200, _done_message(green_pass))


@bp.post("/passes/<int:pass_id>/revoke")
@requires(Can.REVOKE_PASSES)
def revoke(pass_id: int):
    """Revoke a pass with a reason (on the audit trail): the public page says so at once."""
    green_pass = queries.get_pass_or_404(pass_id)
    if not queries.may_revoke(green_pass):
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        return page(green_pass.code, revoke_form=form, status=422)
    try:
        rules.revoke(green_pass, current_user.id, form.reason.data, now())
    except RuleError as error:
        db.session.rollback()
        form.reason.errors = [str(error)]
        return page(green_pass.code, revoke_form=form, status=422)
    db.session.commit()
    flash(_("The pass %(code)s was revoked.", code=codes.display(green_pass.code)), "success")
    return redirect_after_write(_pass_url(green_pass))


def _pdf(data: bytes, name: str):
    response = send_file(BytesIO(data), mimetype="application/pdf", download_name=file_name(name))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/passes/<int:pass_id>.pdf")
@requires(Can.ENTERPRISE_WORK)
def pdf(pass_id: int):
    """One pass at card size, its QR the public page."""
    green_pass = queries.get_pass_or_404(pass_id)
    if not queries.may_print(green_pass):
        abort(404)
    if queries.state_of(green_pass, now().date()) not in PRINTABLE:
        flash(_("Only a pass in force can be printed."), "error")
        return redirect_after_write(_pass_url(green_pass))
    face = faces_for([green_pass])[0]
    return _pdf(render_pass(face), f"{_('Green pass')}-{face.code}.pdf")


@bp.get("/passes/filings/<int:filing_id>.pdf")
@requires(Can.ENTERPRISE_WORK)
def sheet(filing_id: int):
    """The passes of a filing still in force, ten to an A4 sheet with crop marks."""
    filing = queries.get_filing_or_404(filing_id)
    on = now().date()
    passes = [p for p in queries.passes_of_filing(filing) if queries.state_of(p, on) in PRINTABLE]
    if not passes:
        message = _("This filing has no pass in force to print.")
        return render_template("error.html", status=409, message=message), 409
    title = f"{_('Green passes')}-{filing.enterprise.name}-{filing.id}"
    return _pdf(render_sheet(faces_for(passes), title), f"{title}.pdf")


@bp.get("/passes/find")
@requires(Can.CHECKPOINT_WORK)
def find():
    """A pass code typed at the checkpoint: on to its page (which answers for unknown ones)."""
    form = FindForm(request.args)
    if "code" in request.args and form.validate():
        code = codes.normalize(form.code.data)
        if code is not None:
            return redirect(url_for("passes.show", pass_code=code), code=303)
        form.code.errors = [_("A pass code has 12 letters and digits, e.g. K7Q2-M9XD-3FAB.")]
    status = 422 if form.errors else 200
    return render("passes/find.html", form=form, status=status)
