"""Green passes (绿色通行证) at /p/<code>."""

from flask import Blueprint, Flask

# No URL prefix: besides /passes/... it serves the printed public contract /p/<code>.
bp = Blueprint("passes", __name__)


def init_app(app: Flask) -> None:
    # Imported here: the filings import this package's rules without pulling in its views.
    from . import public, views  # noqa: F401

    app.register_blueprint(bp)
