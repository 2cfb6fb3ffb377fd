from flask import Blueprint, Flask

# `flask --app wsgi audit prune`: the retention command, beside the pages.
bp = Blueprint("audit", __name__, url_prefix="/audit", cli_group="audit")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: the rules of every feature import the
    # trail (trail.py) without pulling in these views.
    from . import views  # noqa: F401

    app.register_blueprint(bp)
