"""The service worker's script, and a fresh CSRF token for the outbox."""

from __future__ import annotations

from flask import current_app, jsonify, send_from_directory
from flask_wtf.csrf import generate_csrf

from ..auth.guard import public
from ..permissions import Can, requires
from . import bp


@bp.get("/sw.js")
@public
def service_worker():
    """The service worker, served from the root so that its scope is the whole app (a script
    under /static/ could control /static/ only). Public: it holds no data, and the sign-in
    page registers it too, so that the first page after signing in is kept already."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/outbox/token")
@requires(Can.OWN_ACCOUNT)
def token():
    """The session's CSRF token now. A page opened from the phone's copy carries the token of
    the session it was drawn in; after a new sign-in that one is refused, so the outbox asks
    here before sending (a signed-out phone is sent to the sign-in page: nothing is sent)."""
    return jsonify(token=generate_csrf())
