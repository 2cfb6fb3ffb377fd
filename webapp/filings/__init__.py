"""Employees' return filings (两报备): an enterprise files a list of its returning employees, the
industry department and each employee's destination community approve them, and the approved
ones are on the whitelist with a green pass."""

from flask import Blueprint, Flask

bp = Blueprint("filings", __name__, url_prefix="/filings")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: the demo and other features import this
    # one's rules without pulling in its views.
    from . import parts, today, views  # noqa: F401

    app.register_blueprint(bp)
    today.register(app)
    parts.register(app)
