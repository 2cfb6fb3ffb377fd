from flask import Blueprint, Flask

bp = Blueprint("today", __name__, url_prefix="/today")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # forms or rules without pulling in its views (and everything they import).
    from . import areas, views  # noqa: F401

    app.register_blueprint(bp)
    areas.register(app)
