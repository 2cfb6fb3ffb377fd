"""Gridwork (微网格): the web app of a community grid-management office."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, render_template, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import assets, catalogs
from .config import ROOT, Config, instance_path
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration from the environment, overridden by `config`."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(instance_path()),
    )
    app.config.from_mapping(Config().as_dict())
    if config:
        app.config.from_mapping(config)

    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    catalogs.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    assets.init_app(app)

    from .auth import bp as auth_bp
    from .cards import bp as cards_bp
    from .errands import bp as errands_bp
    from .grids import bp as grids_bp
    from .households import bp as households_bp
    from .main import bp as main_bp
    from .observations import bp as observations_bp
    from .progress import bp as progress_bp
    from .reports import bp as reports_bp
    from .residents import bp as residents_bp
    from .search import bp as search_bp
    from .statuses import bp as statuses_bp
    from .today import bp as today_bp
    from .visits import bp as visits_bp
    from .workers import bp as workers_bp

    blueprints = (
        main_bp,
        auth_bp,
        today_bp,
        grids_bp,
        households_bp,
        residents_bp,
        workers_bp,
        visits_bp,
        statuses_bp,
        observations_bp,
        errands_bp,
        search_bp,
        progress_bp,
        cards_bp,
        reports_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)

    from . import cli

    cli.init_app(app)
    _register_guards(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    return app


def _register_template_helpers(app: Flask) -> None:
    from .idempotency import form_key
    from .identity import mask_id_number, mask_name, mask_phone
    from .models import SLOTS, STATUSES, VISIT_METHODS

    app.jinja_env.globals.update(
        languages=app.config["LANGUAGES"],
        statuses=STATUSES,
        visit_methods=VISIT_METHODS,
        slot_labels=SLOTS,
        current_language=_select_locale,
        form_key=form_key,
        job_titles=JOB_TITLES,
    )
    app.jinja_env.filters.update(mask_id=mask_id_number, mask_phone=mask_phone, mask_name=mask_name)


JOB_TITLES = {"cards": _l("Work ID cards"), "report": _l("Daily report")}


def _select_locale() -> str:
    # Chinese unless the user chose English: the office's users read Chinese first.
    return session.get("lang", "zh")


@login_manager.user_loader
def _load_user(user_id: str):
    from .auth.signed_in import load_signed_in

    return load_signed_in(int(user_id))


def public(view):
    """Mark a view as reachable without signing in; every other view requires a sign-in."""
    view.is_public = True
    return view


def _register_guards(app: Flask) -> None:
    @app.before_request
    def require_sign_in():
        view = app.view_functions.get(request.endpoint or "")
        if view is None or request.endpoint == "static" or getattr(view, "is_public", False):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None


def _register_error_pages(app: Flask) -> None:
    def page(status: int, message: str):
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, _("This form has expired. Go back, reload the page and try again."))

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("This page is not part of your role."))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Not found, or not in your area."))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("The upload is too large."))

    @app.errorhandler(429)
    def too_many(error):
        return page(429, _("Too many attempts. Wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        logging.getLogger(__name__).exception("unhandled error")
        return page(500, _("Something went wrong on our side. Your data was not changed."))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL lets readers and one writer work at once; SQLite leaves foreign keys off by default."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
