from flask import Blueprint

bp = Blueprint("errands", __name__, url_prefix="/errands")

from . import views  # noqa: E402,F401
