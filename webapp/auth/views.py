"""Sign-in with phone and password, and sign-out."""

from __future__ import annotations

from flask import current_app, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..extensions import db, limiter
from ..htmx import render
from ..models import Worker
from ..permissions import Can, requires
from ..urls import next_path
from . import bp
from .forms import LoginForm
from .guard import public
from .signed_in import load_signed_in


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    """Sign in; a wrong phone and a wrong password get the same answer."""
    back = next_path(url_for("main.index"))  # first: a bad `next` is refused before sign-in
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        worker = db.session.scalar(select(Worker).where(Worker.phone == form.phone.data.strip()))
        if worker is None or not worker.check_password(form.password.data):
            form.password.errors.append(_("Wrong phone number or password."))
        elif not worker.active:
            form.phone.errors.append(_("This account has been deactivated. Ask your supervisor."))
        else:
            login_user(load_signed_in(worker.id), remember=form.remember.data)
            return redirect(back)
        return render("auth/login.html", form=form, status=422)
    return render("auth/login.html", form=form, status=422 if form.errors else 200)


@bp.post("/logout")
@requires(Can.FIELD_WORK)
def logout():
    """Sign out (a POST, so that a link on another site cannot sign anyone out)."""
    logout_user()
    return redirect(url_for("auth.login"))
