"""Sign-in with phone and password, and sign-out."""

from __future__ import annotations

from flask import current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..audit import trail
from ..extensions import db, limiter
from ..htmx import render
from ..identity import mask_phone
from ..models import Worker
from ..permissions import Can, requires
from ..urls import local_path
from ..workers.rules import end_sessions
from . import bp
from .forms import LoginForm
from .guard import public, start_session
from .signed_in import load_signed_in


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    """Sign in; a wrong phone and a wrong password get the same answer."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        phone = form.phone.data.strip()
        worker = db.session.scalar(select(Worker).where(Worker.phone == phone))
        if worker is None or not worker.check_password(form.password.data):
            form.password.errors.append(_("Wrong phone number or password."))
            trail.record(
                "sign_in_failed",
                None,
                ("worker", worker.id) if worker else None,
                worker.scope_id if worker else None,
                phone=mask_phone(phone[:20]),
            )
            db.session.commit()
        elif not worker.active:
            form.phone.errors.append(_("This account has been deactivated. Ask your supervisor."))
        else:
            login_user(load_signed_in(worker.id), remember=form.remember.data)
            start_session()
            trail.record("sign_in", worker.id, ("worker", worker.id), worker.scope_id)
            db.session.commit()
            return redirect(local_path(request.args.get("next"), url_for("main.index")))
        return render("auth/login.html", form=form, status=422)
    return render("auth/login.html", form=form, status=422 if form.errors else 200)


@bp.post("/logout")
@requires(Can.FIELD_WORK)
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
