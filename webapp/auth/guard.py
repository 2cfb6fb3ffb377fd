"""The door every request passes: public views are open, every other view needs a signed-in
worker whose role has the view's capability (webapp/permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, request
from flask_login import current_user

from ..extensions import login_manager
from ..permissions import required_capability

F = TypeVar("F", bound=Callable)


def public(view: F) -> F:
    """Mark a view as reachable without signing in (the printed contracts, the sign-in page)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    @app.before_request
    def check_the_door():
        view = app.view_functions.get(request.endpoint or "")
        if view is None or request.endpoint == "static" or getattr(view, "is_public", False):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        capability = required_capability(view)
        # A view that declares nothing is refused: forgetting the declaration must not open it.
        if capability is None or not current_user.can(capability):
            abort(403)
        return None
