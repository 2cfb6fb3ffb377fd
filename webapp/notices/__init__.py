from flask import Blueprint, Flask

bp = Blueprint("notices", __name__, url_prefix="/notices")


def init_app(app: Flask) -> None:
    # The routes are imported here, not at the top: the public page imports current_for()
    # from queries without pulling in these views.
    from . import today, views

    app.register_blueprint(bp)
    today.register(app)
    # The grid page offers "Post a notice" to whoever may post there (a leader's position is
    # not a capability that templates can ask the signed-in worker about).
    app.add_template_global(views.may_post_here, "may_post_notices")
