from flask import Blueprint, Flask

bp = Blueprint("account", __name__, url_prefix="/account")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # forms or rules without pulling in its views (and everything they import).
    from . import views  # noqa: F401

    app.register_blueprint(bp)
