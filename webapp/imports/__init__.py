from flask import Blueprint, Flask

bp = Blueprint("imports", __name__, url_prefix="/imports")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # pieces without pulling in its views. tasks registers the import job kinds, which RQ
    # workers find by building the app.
    from . import tasks, views  # noqa: F401

    app.register_blueprint(bp)
