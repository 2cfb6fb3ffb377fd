"""Household search: active with htmx (debounced), a plain GET form without JavaScript."""

from __future__ import annotations

from flask import request

from ..converters import plain_text
from ..htmx import render
from ..permissions import Can, requires
from . import bp
from .queries import find_households, matching_residents


@bp.get("/")
@requires(Can.FIELD_WORK)
def index():
    """Households in scope matching the query."""
    q = plain_text(request.args.get("q") or "")[:40]
    results = find_households(q)
    return render(
        "search/index.html",
        "search/_results.html",
        q=q,
        results=results,
        found=matching_residents(results, q),
    )
