"""The door every request passes: public views are open, every other view needs a signed-in
worker whose role has the view's capability (webapp/permissions.py), in a session that has not
outlived its limits, and who has replaced a password someone else set."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user, user_loaded_from_cookie

from ..extensions import login_manager
from ..permissions import required_capability

F = TypeVar("F", bound=Callable)
# Where a worker who must choose a new password may still go.
WHILE_CHANGING_PASSWORD = frozenset({"account.password", "auth.logout"})


def public(view: F) -> F:
    """Mark a view as reachable without signing in (the printed contracts, the sign-in page)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def start_session() -> None:
    """A session starts (a sign-in, or a phone kept signed in coming back): from now it lasts
    SESSION_IDLE_HOURS without a request (the permanent cookie's lifetime, checked on the
    server by Flask) and SESSION_MAX_HOURS in all."""
    session.permanent = True
    session["since"] = int(time.time())


def _too_old() -> bool:
    since = session.get("since")
    if not isinstance(since, int):
        # Every sign-in sets it; a session made another way (a test's, a benchmark's) starts
        # its clock now.
        session["since"] = since = int(time.time())
    return time.time() - since > current_app.config["SESSION_MAX_HOURS"] * 3600


def init_app(app: Flask) -> None:
    user_loaded_from_cookie.connect(lambda sender, user: start_session(), app)

    @app.before_request
    def check_the_door():
        view = app.view_functions.get(request.endpoint or "")
        if view is None or request.endpoint == "static" or getattr(view, "is_public", False):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if _too_old():
            logout_user()
            session.clear()
            return login_manager.unauthorized()
        if current_user.must_change_password and request.endpoint not in WHILE_CHANGING_PASSWORD:
            return redirect(url_for("account.password"))
        capability = required_capability(view)
        # A view that declares nothing is refused: forgetting the declaration must not open it.
        if capability is None or not current_user.can(capability):
            abort(403)
        return None
