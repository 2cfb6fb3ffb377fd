"""Duplicates: candidate pairs of residents and households in one's subtree, merging them,
remembering pairs that are not, and resolving visits flagged as possible duplicates."""

from flask import Blueprint, Flask

bp = Blueprint("duplicates", __name__, url_prefix="/duplicates")


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401

    app.register_blueprint(bp)
