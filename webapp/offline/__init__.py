"""Pages that open without signal: the service worker (/sw.js) and what the server tells it.

The server, not the script, decides which pages a phone may keep: a page a field worker opened
(today, a micro-grid, a household, an observation, the forms that register a resident or
start an observation) answers with
`Gridwork-Keep: <worker id>`, and the service worker keeps its last copy for that worker only;
the sign-in page answers `Gridwork-Keep: clear`, and the copies go. Supervisors' desk pages,
fragments and everything else carry no such header and are never kept.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request
from flask_login import current_user

from ..clock import now
from ..htmx import is_partial
from ..permissions import Can

bp = Blueprint("offline", __name__)

KEEP_HEADER = "Gridwork-Keep"
# The field worker's own pages. Each is drawn from their scope, so a copy holds only what they
# were shown; the sign-in page is where a phone changes hands.
KEPT_PAGES = frozenset(
    {
        "today.index",
        "grids.index",
        "grids.show",
        "households.show",
        "observations.show",
        "observations.new",
        "residents.new",
    }
)
SIGN_IN_PAGE = "auth.login"


def keeps_page() -> bool:
    """Whether this request's page may be kept on the phone (also read by base.html, which
    then carries the hidden offline banner the service worker shows on a kept copy)."""
    return (
        request.endpoint in KEPT_PAGES
        and request.method == "GET"
        and not is_partial()
        and current_user.is_authenticated
        # A supervisor's pages are desk work: nothing of theirs stays on a phone.
        and not current_user.can(Can.SUPERVISE)
    )


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401

    app.register_blueprint(bp)
    app.jinja_env.globals["keeps_page"] = keeps_page
    app.jinja_env.globals["page_time"] = lambda: now().strftime("%H:%M")

    @app.after_request
    def mark_page(response: Response) -> Response:
        if response.status_code != 200 or response.mimetype != "text/html":
            return response
        if request.endpoint == SIGN_IN_PAGE:
            response.headers[KEEP_HEADER] = "clear"
        elif keeps_page():
            response.headers[KEEP_HEADER] = str(current_user.id)
        return response
