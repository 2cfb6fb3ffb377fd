from flask import Blueprint

bp = Blueprint("households", __name__, url_prefix="/households")

from . import views  # noqa: E402,F401
