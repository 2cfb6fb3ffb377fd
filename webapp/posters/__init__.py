from flask import Blueprint, Flask

bp = Blueprint("posters", __name__, url_prefix="/posters")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # printing without pulling in its views. batch registers the "posters" job kind, which RQ
    # workers find by building the app.
    from . import batch, views  # noqa: F401

    app.register_blueprint(bp)
