from flask import Blueprint, Flask

bp = Blueprint("checkpoints", __name__, url_prefix="/checkpoints")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # rules or queries without pulling in its views.
    from . import kind, report, today, views  # noqa: F401

    kind.register()

    app.register_blueprint(bp)
    today.register(app)
    report.register(app)
