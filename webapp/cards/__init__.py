from flask import Blueprint, Flask

# No URL prefix: besides /cards/... it serves the printed public contract /v/<serial>.
bp = Blueprint("cards", __name__)


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # forms or rules without pulling in its views (and everything they import). batch
    # registers the "cards" job kind, which RQ workers find by building the app.
    from . import batch, views  # noqa: F401

    app.register_blueprint(bp)
