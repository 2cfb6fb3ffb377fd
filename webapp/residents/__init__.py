from flask import Blueprint, Flask

bp = Blueprint("residents", __name__, url_prefix="/residents")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # forms or rules without pulling in its views (and everything they import).
    from . import report, today, views  # noqa: F401

    app.register_blueprint(bp)
    today.register(app)
    report.register(app)
