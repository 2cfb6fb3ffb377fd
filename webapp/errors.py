"""Error pages: a sentence in the user's language, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from .extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    def page(status: int, message: str):
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, _("This form has expired. Go back, reload the page and try again."))

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("This page is not part of your role."))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Not found, or not in your area."))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("The upload is too large."))

    @app.errorhandler(429)
    def too_many(error):
        # A limit of the app's own says why (abort(429, description=...)); the limiter's (whose
        # description is the limit itself, "10 per 1 minute") says "too many attempts".
        own = not isinstance(error, RateLimitExceeded)
        said = (
            error.description if own and error.description != TooManyRequests.description else None
        )
        return page(429, said or _("Too many attempts. Wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        log.exception("unhandled error")
        return page(500, _("Something went wrong on our side. Your data was not changed."))
