"""What arrives from outside, made into values the database can hold: ids in URLs, integers
in query strings, and typed text without control characters.

Each of these once reached the database driver as it came and answered 500: an id past what
an id column holds (OverflowError from SQLite, "integer out of range" from PostgreSQL), a NUL
(PostgreSQL refuses it in text), a line break in a name (which later went into a download's
file name, a header).
"""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# Ids are INTEGER columns: PostgreSQL's integer ends here (SQLite's goes further).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` that matches only ids an id column can hold: a larger one is a 404 (no such
    page) before any view runs."""

    regex = r"[0-9]+"  # ASCII digits only: "٣" is no id either

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def init_app(app: Flask) -> None:
    """Make every `<int:…>` rule of the app bounded (before the blueprints add their rules)."""
    app.url_map.converters["int"] = IdConverter


def query_int(value: str) -> int:
    """A positive integer in a query string, for `request.args.get(name, default,
    type=query_int)`: anything else (too large, negative, not ASCII digits) raises ValueError,
    so that get() answers its default."""
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise ValueError(value)
    return int(value)


# Characters no typed text needs: C0 and C1 controls and DEL (NUL, ESC, CR, LF, ...), the line
# and paragraph separators, and the bidi embeddings, overrides and isolates, which make a name
# or an address read backwards on screen and on paper.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Of those, the ones that separate words: a space takes their place.
_BREAKS = re.compile("[\t\n\v\f\r\x85\u2028\u2029]+")


def has_control_characters(value: str) -> bool:
    return _CONTROL.search(value) is not None


def plain_text(value: str | None) -> str | None:
    """`value` without control characters: tabs and line breaks become a space, the others
    are dropped (non-text values pass through, as form filters must let them)."""
    if not isinstance(value, str) or not has_control_characters(value):
        return value
    return _CONTROL.sub("", _BREAKS.sub(" ", value))


# Characters a downloaded file's name must not hold: folder separators and what Windows refuses.
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|]+')


def file_name(value: str) -> str:
    """`value` as the name of a downloaded file: plain text (a line break in a header would fail
    the response) without folder separators, so a worker's or a grid's name never breaks it."""
    return _NOT_IN_FILE_NAMES.sub("_", plain_text(value)).strip() or "download"
