"""The residents' side, without an account: /r/<grid code> (printed on the stairwell poster)
and /r/track/<code> (the tracking code they were given).

Both answer an unknown or inactive code with the same friendly page, so that nobody learns
which codes exist; the form is limited per address and per micro-grid, carries a honeypot and
a sending key, and works as a plain form post (htmx, when it runs, swaps the answer in)."""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import codes
from ..auth.guard import public
from ..cases import rules as cases
from ..cases.states import EVENTS, PUBLIC_EVENTS, RATINGS, STATES
from ..cases.timeline import steps
from ..clock import now
from ..extensions import db, limiter
from ..htmx import is_partial, render
from ..idempotency import form_key
from ..photos import PhotoError, read_limited
from ..rules import RuleError
from ..writes import form_error
from . import bp, rules
from .categories import CATEGORIES, HINTS
from .forms import MessageForm, PublicRequestForm, RateForm
from .queries import by_code, leaders_of, place_of, public_grid


def _address_limit() -> str:
    return current_app.config["RATELIMIT_REQUEST_ADDRESS"]


def _grid_limit() -> str:
    return current_app.config["RATELIMIT_REQUEST_GRID"]


def _grid_key() -> str:
    return "request-grid:" + str((request.view_args or {}).get("grid_code", "")).upper()[:16]


def _not_found():
    """One answer for every code the page will not show: unknown, inactive, mistyped."""
    response = make_response(
        render_template(
            "requests/public_error.html",
            message=_(
                "This page was not found. Check the code on the poster, or ask your grid worker."
            ),
        ),
        404,
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _form_page(grid, form, status: int = 200):
    return render(
        "requests/public.html",
        "requests/_public_form.html",
        status=status,
        grid=grid,
        place=place_of(grid),
        leaders=leaders_of(grid),
        form=form,
        hints=HINTS,
        categories=CATEGORIES,
        key=form_key("request"),
    )


@bp.route("/r/<grid_code>", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_grid_limit, methods=["POST"], key_func=_grid_key)
@public
def form(grid_code: str):
    """A micro-grid's public page: who its leaders are, and the form to send a request."""
    grid = public_grid(grid_code)
    if grid is None:
        return _not_found()
    form = PublicRequestForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _form_page(grid, form, 200 if request.method == "GET" else 422)
    if form.website.data:
        # A robot filled the hidden field: nothing is saved, and it is told nothing useful.
        return _form_page(grid, PublicRequestForm(formdata=None), 400)
    photo = None
    upload = form.photo.data
    if upload and getattr(upload, "filename", ""):
        try:
            photo = rules.photo_jpeg(read_limited(upload.stream))
        except PhotoError as error:
            form.photo.errors = [str(error)]
            return _form_page(grid, form, 422)
    values = dict(
        address=form.address.data,
        name=form.name.data,
        phone=form.phone.data,
        photo=photo,
        key=form.key.data,
    )
    try:
        sent = rules.submit(grid, form.category.data, form.text.data, now(), **values)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        form_error(form, error)
        return _form_page(grid, form, 422)
    except IntegrityError:
        # Two copies raced: the other one made the request; answer as it did.
        db.session.rollback()
        sent = rules.already_sent(form.key.data, "", now())
        if sent is None:
            raise
    code = sent.case.code
    if is_partial():
        return render("requests/_sent.html", code=code, shown=codes.display(code), grid=grid)
    return redirect(url_for("requests.track", tracking_code=code, sent=1), code=303)


@bp.get("/r/track")
@codes.rate_limited
@public
def find():
    """The tracking code typed in: on to its page."""
    code = codes.normalize(request.args.get("code", ""))
    if code is None:
        return _not_found()
    return redirect(url_for("requests.track", tracking_code=code))


def _track_page(sent, message_form=None, rate_form=None, status: int = 200):
    case = sent.case
    at = now()
    state = cases.effective_state(case, at)
    timeline = [s for s in steps(case, at) if s.kind in PUBLIC_EVENTS]
    response = render(
        "requests/track.html",
        status=status,
        case=case,
        state=state,
        states=STATES,
        events=EVENTS,
        categories=CATEGORIES,
        ratings=RATINGS,
        timeline=timeline,
        shown=codes.display(case.code),
        just_sent=request.args.get("sent") == "1",
        message_form=message_form or MessageForm(formdata=None),
        rate_form=rate_form or RateForm(formdata=None),
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _tracked(tracking_code: str):
    code = codes.normalize(tracking_code)
    return by_code(code) if code else None


@bp.get("/r/track/<tracking_code>")
@codes.rate_limited
@public
def track(tracking_code: str):
    """Where a request stands: its state and timeline, without anybody's personal data."""
    sent = _tracked(tracking_code)
    if sent is None:
        return _not_found()
    return _track_page(sent)


@bp.post("/r/track/<tracking_code>/message")
@codes.rate_limited
@public
def message(tracking_code: str):
    """The resident adds a message while the request is open."""
    sent = _tracked(tracking_code)
    if sent is None:
        return _not_found()
    form = MessageForm()
    if form.validate_on_submit():
        try:
            cases.add_message(sent.case, form.text.data, now())
            db.session.commit()
            return redirect(url_for("requests.track", tracking_code=sent.case.code), code=303)
        except RuleError as error:
            db.session.rollback()
            form_error(form, error)
    return _track_page(sent, message_form=form, status=422)


@bp.post("/r/track/<tracking_code>/rate")
@codes.rate_limited
@public
def rate(tracking_code: str):
    """The resident rates a resolved request; unsatisfied reopens it one level up."""
    sent = _tracked(tracking_code)
    if sent is None:
        return _not_found()
    form = RateForm()
    if form.validate_on_submit():
        try:
            cases.rate(sent.case, form.rating.data, form.comment.data, now())
            db.session.commit()
            return redirect(url_for("requests.track", tracking_code=sent.case.code), code=303)
        except RuleError as error:
            db.session.rollback()
            form_error(form, error)
    return _track_page(sent, rate_form=form, status=422)
