"""Resident requests (微易报 / 民意代办 / 矛盾纠纷): the micro-grid's public page and form
(/r/<grid code>), the tracking page (/r/track/<code>), and the workers' and supervisors' work on
them. The states, clocks and timeline are the case machinery's (webapp/cases); this package is
the residents' front door to it: categories and their limits, the form, mediation of disputes,
epidemic leads, requests entered on a resident's behalf."""

from flask import Blueprint, Flask

bp = Blueprint("requests", __name__)


def init_app(app: Flask) -> None:
    from . import categories, export, public, today, views  # noqa: F401

    categories.register()
    app.register_blueprint(bp)
    today.register(app)
