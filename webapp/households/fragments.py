"""One answer for every write on a household (visit, colour, follow-up).

An htmx request gets back the fragment that its page showed (the household's row in a
micro-grid list, or the household card on its own page) and the micro-grid's counters out of
band: one round trip, a few hundred bytes. A plain form post gets a redirect after success and
the whole page with the message after a failure.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..extensions import db
from ..grids.queries import MicroSummary, micro_summary
from ..htmx import is_partial
from ..models import Household


def safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def answers_row(household: Household) -> bool:
    """Whether the write came from the household's row in a list (htmx)."""
    return is_partial() and request.headers.get("HX-Target") == f"h{household.id}"


def _page_has_counters() -> bool:
    """A row lives on its micro-grid's page, under the counters, unless its form says it was
    on today's list (`next`), which has none."""
    came_from = request.form.get("next")
    return not came_from or not came_from.startswith(url_for("today.index"))


def counters_before_commit(household: Household) -> MicroSummary | None:
    """The micro-grid's counters for a row's answer, read inside the write's transaction just
    before its commit (they include the write) where that is cheaper; None when the answer
    needs none, or when `household_response` had better read them after the commit.

    PostgreSQL locks rows: read inside, the counters save a transaction of their own (BEGIN
    and ROLLBACK round trips; its CPU a visit went from 3.4 to 2.1 ms). SQLite has one writer
    at a time: holding its lock through the read cost writes (wrk, alternate runs: 314, 295,
    258 visits/s against 337, 353, 311 when read after the commit).
    """
    if db.session.connection().dialect.name == "sqlite":
        return None
    if not answers_row(household) or not _page_has_counters():
        return None
    db.session.flush()  # a change left to the ORM (a returnee's member count) counts too
    return micro_summary(household.grid_id)


def household_response(
    household: Household,
    status: int = 200,
    message: str | None = None,
    form_errors: dict | None = None,
    redirect_to: str | None = None,
    new_entry: Callable[[], dict] | None = None,
    counters: MicroSummary | None = None,
) -> Response:
    """Answer a write on `household` in the shape the asking page needs.

    `new_entry` makes the household page's new history line; it is only called for that page.
    `counters`: from `counters_before_commit`; read here when not given.
    """
    errors = [e for field_errors in (form_errors or {}).values() for e in field_errors]
    if not is_partial():
        if status < 400 and redirect_to:
            return redirect(safe_next(redirect_to), code=303)
        from .views import page_context

        body = render_template(
            "households/show.html", message=message, errors=errors, **page_context(household)
        )
        return make_response(body, status)
    in_list = answers_row(household)
    if in_list and counters is None and _page_has_counters():
        counters = micro_summary(household.grid_id)
    body = render_template(
        "grids/_row.html" if in_list else "households/_card_update.html",
        h=household,
        household=household,
        message=message,
        errors=errors,
        summary=counters,
        oob=True,
        new_entry=new_entry() if new_entry and not in_list else None,
    )
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
