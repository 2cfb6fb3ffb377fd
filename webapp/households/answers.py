"""One answer for every write on a household (a visit, a colour): shaped for the page it came
from, which the write's form says (`page`).

- `row`: the household's row on its micro-grid's page. htmx gets the row back, with the
  micro-grid's counters out of band: one round trip, a few hundred bytes.
- `today`: the household's row on today's list, which has no counters.
- `household`: the household's own page. htmx gets the card's head, fresh keys and the new
  history line.

A plain form post (no JavaScript) is redirected to that page after success, and gets the
household page with the message after a failure.
"""

from __future__ import annotations

from enum import Enum

from flask import make_response, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..clock import now
from ..grids.queries import MicroSummary, counters_in_transaction, micro_summary
from ..htmx import is_partial
from ..models import Household, StatusChange, Visit
from ..places import set_page_node
from ..visits.queries import due_count
from .page import household_page
from .queries import entry_for, timeline


class Page(Enum):
    """Where a write on a household was made."""

    ROW = "row"
    TODAY = "today"
    HOUSEHOLD = "household"

    @classmethod
    def named(cls, value: str | None) -> Page:
        """The page a form names (its `page` field); the household page when it names none."""
        try:
            return cls(value)
        except ValueError:
            return cls.HOUSEHOLD


def counters_before_commit(household: Household, page: Page) -> MicroSummary | None:
    """The counters a row's answer carries, read in the write's transaction where that is the
    cheaper way (grids/queries.counters_in_transaction); call just before the commit."""
    return counters_in_transaction(household.grid_id) if page is Page.ROW else None


def answer(
    household: Household,
    page: Page,
    status: int = 200,
    message: str | None = None,
    errors: list[str] | None = None,
    made: Visit | StatusChange | None = None,
    counters: MicroSummary | None = None,
    removed: str | None = None,
    history: bool = False,
) -> Response:
    """Answer a write on `household` made from `page`.

    `made`: the visit or colour change the write recorded (its history line goes to the
    household page; a visit's row offers its undo); `counters`: from counters_before_commit,
    else read here for a row; `removed`: the id of a history line to take away (an undone
    visit); `history`: redraw the whole history (after a conflict, to show what changed).
    """
    errors = errors or []
    if not is_partial():
        if status < 400:
            return redirect(_url_of(household, page), code=303)
        body = render_template(
            "households/show.html", message=message, errors=errors, **household_page(household)
        )
        return make_response(body, status)
    if page is Page.HOUSEHOLD:
        body = render_template(
            "households/_card_update.html",
            household=household,
            message=message,
            errors=errors,
            new_entry=entry_for(made, current_user.name) if made is not None else None,
            removed=removed,
            timeline=timeline(household) if history else None,
            oob=True,
        )
    else:
        if page is Page.ROW:
            # The row stands on its micro-grid's page: its address is said below that node.
            set_page_node(household.grid)
            if counters is None:
                counters = micro_summary(household.grid_id)
        body = render_template(
            "grids/_row.html",
            household=household,
            row_page=page.value,
            message=message,
            errors=errors,
            summary=counters,
            made=made if isinstance(made, Visit) else None,
            # Today's list counts the households still due: a visit takes one off.
            due_total=due_count(now()) if page is Page.TODAY else None,
            oob=True,
        )
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def _url_of(household: Household, page: Page) -> str:
    if page is Page.ROW:
        return url_for("grids.show", grid_id=household.grid_id)
    if page is Page.TODAY:
        return url_for("today.index")
    return url_for("households.show", household_id=household.id)
