"""Home page, language switch and health check."""

from __future__ import annotations

from flask import abort, current_app, redirect, session, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..auth.guard import public
from ..extensions import db
from ..permissions import Can, requires
from ..urls import next_path
from . import bp


@bp.get("/")
@requires(Can.FIELD_WORK)
def index():
    """The start page is today's list."""
    return redirect(url_for("today.index"))


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
