"""Home page, language switch and health check."""

from __future__ import annotations

from flask import abort, current_app, redirect, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..auth.guard import public
from ..extensions import db
from ..permissions import Can, requires
from ..urls import next_path
from . import bp


def home_url() -> str:
    """Where the signed-in user starts: an enterprise account on its enterprise's page, a
    department reviewer on their department's, everybody of the tree on today's list."""
    if current_user.enterprise_id is not None:
        return url_for("enterprises.show", enterprise_id=current_user.enterprise_id)
    if current_user.department_id is not None:
        return url_for("departments.show", department_id=current_user.department_id)
    return url_for("today.index")


@bp.get("/")
@requires(Can.OWN_ACCOUNT)
def index():
    """The start page: today's list, or the home of a role outside the tree."""
    return redirect(home_url())


@bp.get("/lang/<code>")
@public
def set_language(code: str):
    """Switch between Chinese and English; back to the page the user was on."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    back = next_path(url_for("main.index"))  # a bad `next` changes nothing
    session["lang"] = code
    return redirect(back)


@bp.get("/healthz")
@public
def healthz():
    """200 'ok' when the database answers, 503 otherwise (for the load balancer)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return "database unavailable", 503, {"Content-Type": "text/plain"}
    return "ok", 200, {"Content-Type": "text/plain"}
