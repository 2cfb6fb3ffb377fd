"""Gridwork (微网格): the web app of a community grid-management office."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    account,
    assets,
    audit,
    auth,
    cards,
    catalogs,
    checkpoints,
    cli,
    compression,
    converters,
    database,
    duplicates,
    enterprises,
    errands,
    errors,
    exports,
    filings,
    greenchannel,
    grids,
    headers,
    households,
    imports,
    limits_storage,  # noqa: F401  (registers gridwork-db://, the limits' storage)
    main,
    notices,
    observations,
    offline,
    posters,
    problems,
    progress,
    reports,
    requests,
    residents,
    search,
    selfreports,
    statuses,
    sweeps,
    templating,
    today,
    visits,
    workers,
)
from .config import ROOT, Config, instance_path
from .extensions import babel, csrf, limiter, login_manager

# The features, one package each. A feature registers its blueprint and whatever it adds to the
# today list and the daily report in its own init_app; a new feature is one more name here.
FEATURES = (
    main,
    auth,
    account,
    today,
    grids,
    households,
    residents,
    workers,
    visits,
    statuses,
    observations,
    errands,
    notices,
    requests,
    search,
    progress,
    cards,
    posters,
    reports,
    audit,
    imports,
    exports,
    sweeps,
    selfreports,
    checkpoints,
    enterprises,
    filings,
    greenchannel,
    problems,
    duplicates,
    offline,
)


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
    converters.init_app(app)
    database.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=catalogs.select_locale)
    catalogs.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    compression.init_app(app)  # first: it runs last, on the answer as it leaves
    assets.init_app(app)
    headers.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    cli.init_app(app)
    return app
