"""Sign-in with phone and password, and sign-out.

Guessing is throttled twice: RATELIMIT_LOGIN attempts per address (Flask-Limiter's decorator)
and RATELIMIT_LOGIN_ACCOUNT attempts per phone number tried, from whatever addresses, so that
guesses spread over many addresses at one account stop too. Both count in the storage that every
process of the server shares (webapp/limits_storage.py without Redis). Nothing tells a
registered phone from an unknown one: the same message, the same limit, and the same work, a
password hash checked either way.
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from datetime import datetime
from functools import lru_cache

from flask import Response, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_login import current_user, login_user, logout_user
from limits import parse
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import trail
from ..clock import TZ
from ..extensions import db, limiter
from ..htmx import render
from ..identity import mask_phone
from ..models import Worker
from ..permissions import Can, requires
from ..urls import next_path
from ..workers.rules import end_sessions
from . import bp
from .forms import LoginForm
from .guard import public, start_session
from .signed_in import load_signed_in

# What the per-phone limit counts under, beside the phone's digest.
ACCOUNT_SCOPE = "auth.login.account"


def _address_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _refused_by_address(limit: RequestLimit) -> None:
    """Past the per-address limit (Flask-Limiter's on_breach; its 429 page follows)."""
    if _first_refusal(limit.key, limit.limit.amount):
        phone = request.form.get("phone", "").strip()
        _record_attempt("sign_in_refused", phone, _worker_with(phone), limit="address")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], on_breach=_refused_by_address)
@public
def login():
    """Sign in; a wrong phone and a wrong password get the same answer in the same time."""
    back = next_path(url_for("main.index"))  # first: a bad `next` is refused before sign-in
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        phone = form.phone.data.strip()
        if (until := _phone_refused(phone)) is not None:
            return _wait(form, until)
        worker = _worker_with(phone)
        if not _password_opens(worker, form.password.data):
            form.password.errors.append(_("Wrong phone number or password."))
            _record_attempt("sign_in_failed", phone, worker)
        elif not worker.active:
            form.phone.errors.append(_("This account has been deactivated. Ask your supervisor."))
        else:
            login_user(load_signed_in(worker.id), remember=form.remember.data)
            start_session()
            trail.record("sign_in", worker.id, ("worker", worker.id), worker.scope_id)
            db.session.commit()
            return redirect(back)
        return render("auth/login.html", form=form, status=422)
    return render("auth/login.html", form=form, status=422 if form.errors else 200)


def _worker_with(phone: str) -> Worker | None:
    return db.session.scalar(select(Worker).where(Worker.phone == phone)) if phone else None


@lru_cache(maxsize=4)
def _stand_in_hash(method: str) -> str:
    """The hash of a random password, made once per process and method."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def _password_opens(worker: Worker | None, password: str) -> bool:
    """Whether `password` is `worker`'s. An unknown phone is checked against a stand-in hash:
    skipping the check answered in a few milliseconds where a wrong password took a scrypt
    check's tens, which told registered phones apart."""
    if worker is None:
        check_password_hash(_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return worker.check_password(password)


def _account_key(phone: str) -> str:
    """The phone as the per-phone limit counts it: a digest keyed by the app's secret, so that
    the counters hold no phone numbers, tried or registered."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, phone.encode(), "sha256").hexdigest()[:32]


def _phone_refused(phone: str) -> float | None:
    """Count an attempt at `phone`; past RATELIMIT_LOGIN_ACCOUNT, when its window ends.

    Every attempt counts, the right password too: the count is taken, in one step, before the
    password is checked, so that guesses sent in parallel cannot all pass a check made before
    any of them is counted."""
    if not limiter.enabled:
        return None
    item = parse(current_app.config["RATELIMIT_LOGIN_ACCOUNT"])
    ids = (ACCOUNT_SCOPE, _account_key(phone))
    if limiter.limiter.hit(item, *ids):
        return None
    if _first_refusal(item.key_for(*ids), item.amount):
        _record_attempt("sign_in_refused", phone, _worker_with(phone), limit="account")
    return limiter.limiter.get_window_stats(item, *ids).reset_time


def _wait(form: LoginForm, until: float) -> Response:
    """The form again (429), saying until when this phone cannot sign in."""
    minute = datetime.fromtimestamp(math.ceil(until / 60) * 60, TZ).strftime("%H:%M")
    form.phone.errors.append(
        _(
            "Too many sign-in attempts for this phone number. Try again after %(time)s.",
            time=minute,
        )
    )
    response = render("auth/login.html", form=form, status=429)
    response.headers["Retry-After"] = str(max(1, math.ceil(until - time.time())))
    return response


def _first_refusal(key: str, amount: int) -> bool:
    """Whether this refusal is the first of its window: a fixed window counts refused attempts
    too, so the first is the one past the limit. Only that one goes to the audit trail, so that
    a flood of refused attempts cannot fill it."""
    return limiter.storage.get(key) == amount + 1


def _record_attempt(action: str, phone: str, worker: Worker | None, **details: str) -> None:
    """A failed or refused sign-in on the trail: nobody is the actor, the worker whose phone was
    tried (if any) is the target, the phone is masked."""
    trail.record(
        action,
        None,
        ("worker", worker.id) if worker else None,
        worker.scope_id if worker else None,
        phone=mask_phone(phone[:20]),
        **details,
    )
    db.session.commit()


@bp.post("/logout")
@requires(Can.OWN_ACCOUNT)
def logout():
    """Sign out (a POST, so that a link on another site cannot sign anyone out). The session
    ends on the server too: a copy of its cookie no longer signs anyone in."""
    worker = db.session.get(Worker, current_user.id)
    end_sessions(worker)
    trail.record("sign_out", worker.id, ("worker", worker.id), worker.scope_id)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
