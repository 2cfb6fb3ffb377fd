"""Enterprise problems (企业难题): what an enterprise needs solved (staffing, housing, supplies,
logistics, ...), logged by its liaison officer (驻企指导员), its own account or a supervisor,
held by the enterprise's grid node and followed by its industry department. A problem is a
case of kind "enterprise": the states, clocks, escalation, dispatch, timeline and rating are
the case machinery's (webapp/cases); this package is the enterprises' front door to it."""

from flask import Blueprint, Flask

bp = Blueprint("problems", __name__, url_prefix="/problems")


def init_app(app: Flask) -> None:
    from . import kind, parts, today, views  # noqa: F401

    kind.register()
    app.register_blueprint(bp)
    today.register(app)
    parts.register(app)
