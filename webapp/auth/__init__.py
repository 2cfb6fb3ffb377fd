from flask import Blueprint, Flask

from ..extensions import login_manager
from . import guard
from .signed_in import load_session

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # forms or rules without pulling in its views (and everything they import).
    from . import views  # noqa: F401

    app.register_blueprint(bp)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(load_session)
    guard.init_app(app)
