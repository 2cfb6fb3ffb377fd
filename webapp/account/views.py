"""One's own account: what it is, a new password, and signing out on every phone at once."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..audit import trail
from ..extensions import db
from ..htmx import redirect_after_write, render
from ..models import Worker
from ..permissions import Can, requires
from ..workers import rules
from ..writes import REFUSED, done, save
from . import bp
from .forms import PasswordForm


def _me() -> Worker:
    return db.session.get(Worker, current_user.id)


@bp.get("/")
@requires(Can.OWN_ACCOUNT)
def show():
    """The signed-in worker's own account."""
    return render("account/show.html", worker=_me())


@bp.route("/password", methods=["GET", "POST"])
@requires(Can.OWN_ACCOUNT)
def password():
    """Choose a new password, proving the current one (a password set by a manager must be
    replaced before anything else)."""
    worker = _me()
    form = PasswordForm()
    if form.validate_on_submit():
        change = lambda: rules.change_own_password(  # noqa: E731
            worker, form.current.data, form.password.data
        )
        if save(form, change) is not REFUSED:
            # The new password ended every session, this one too: sign in with it.
            logout_user()
            return done(_("Your password was changed. Sign in with it."), url_for("auth.login"))
    status = 422 if form.errors or form.form_errors else 200
    return render("account/password.html", form=form, worker=worker, status=status)


@bp.post("/sign-out-everywhere")
@requires(Can.OWN_ACCOUNT)
def sign_out_everywhere():
    """End this worker's sessions on every phone and desk (a lost phone, a shared one)."""
    worker = _me()
    rules.end_sessions(worker)
    trail.record("sign_out_everywhere", worker.id, ("worker", worker.id), worker.scope_id)
    db.session.commit()
    logout_user()
    return redirect_after_write(url_for("auth.login"))
