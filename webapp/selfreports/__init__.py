"""Self-reports (自报): a resident under home observation reports their own temperature through
a personal link that their grid worker hands them (/s/<code>, shown as a QR on the worker's
phone or printed)."""

from flask import Blueprint, Flask

bp = Blueprint("selfreports", __name__)


def init_app(app: Flask) -> None:
    from . import report, views  # noqa: F401

    app.register_blueprint(bp)
    report.register(app)
