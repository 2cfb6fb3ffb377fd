"""Translated strings in templates, without Flask-Babel's cost per string.

Flask-Babel finds the catalog anew for every string it translates (three context lookups and
the locale's name, ~13 µs on the bench machine), and a lazy label does so each time it is
shown. The answer to a visit holds a dozen strings: that was a tenth of the instructions of
the whole request. Here a template takes the catalog once per request and language, and the
colour names are translated once per language and process.
"""

from __future__ import annotations

from functools import lru_cache

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import get_locale, get_translations

from .models import STATUSES


def select_locale() -> str:
    """Chinese unless the user chose English: the office's users read Chinese first. Outside
    a request (a job, an import, the CLI) the office's language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return session.get("lang", "zh")


def _catalog() -> NullTranslations:
    # Keyed by the locale object: force_locale() (cards print in Chinese for everyone) swaps it.
    locale = get_locale()
    cached = g.get("_catalog")
    if cached is None or cached[0] is not locale:
        cached = g._catalog = (locale, get_translations())
    return cached[1]


@lru_cache(maxsize=8)
def _colour_names(locale: str) -> dict[str, str]:
    # Called while `locale` is the current one, so str() translates into it.
    return {status: str(name) for status, name in STATUSES.items()}


def init_app(app: Flask) -> None:
    """Replace the gettext functions that Flask-Babel gave Jinja; call after babel.init_app."""
    app.jinja_env.install_gettext_callables(
        lambda message: _catalog().ugettext(message),
        lambda singular, plural, n: _catalog().ungettext(singular, plural, n),
        newstyle=True,
    )

    # Top-level template code sees these plain strings; macros imported without context still
    # see the global `statuses` of lazy strings: the same names, translated on each use.
    @app.context_processor
    def colour_names() -> dict[str, dict[str, str]]:
        return {"statuses": _colour_names(str(get_locale()))}
