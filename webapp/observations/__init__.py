from flask import Blueprint

bp = Blueprint("observations", __name__, url_prefix="/observations")

from . import views  # noqa: E402,F401
