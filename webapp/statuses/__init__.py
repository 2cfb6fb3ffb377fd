from flask import Blueprint

bp = Blueprint("statuses", __name__, url_prefix="/statuses")

from . import views  # noqa: E402,F401
