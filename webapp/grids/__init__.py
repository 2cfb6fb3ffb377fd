from flask import Blueprint

bp = Blueprint("grids", __name__, url_prefix="/grids")

from . import views  # noqa: E402,F401
