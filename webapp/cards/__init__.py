from flask import Blueprint

# No URL prefix: besides /cards/... it serves the printed public contract /v/<serial>.
bp = Blueprint("cards", __name__)

# batch registers the "cards" job kind, which RQ workers find by importing the app.
from . import batch, views  # noqa: E402,F401
