"""Exports (导出): the households, residents and workers of a subtree, its field work of a
period and its today lists, as XLSX or CSV files, masked unless asked for in full."""

from flask import Blueprint, Flask

bp = Blueprint("exports", __name__, url_prefix="/exports")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # layouts without pulling in its views. job registers the "export" job kind, which RQ
    # workers find by building the app.
    from . import job, views  # noqa: F401

    app.register_blueprint(bp)
