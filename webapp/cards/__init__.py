from flask import Blueprint

# No URL prefix: besides /cards/... it serves the printed public contract /v/<serial>.
bp = Blueprint("cards", __name__)

from . import views  # noqa: E402,F401
