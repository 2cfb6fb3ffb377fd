from flask import Blueprint, Flask

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")
# The industry departments' list and pages (a reviewer's home): a blueprint of their own, so
# that their switches (webapp/activation.py) go back to a department's page.
departments_bp = Blueprint("departments", __name__, url_prefix="/departments")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: another feature may import this one's
    # rules, queries or sections without pulling in its views.
    from . import today, views  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(departments_bp)
    today.register(app)
