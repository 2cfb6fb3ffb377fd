from flask import Blueprint

bp = Blueprint("residents", __name__, url_prefix="/residents")

from . import views  # noqa: E402,F401
