"""The daily report (日报) of any node, as a page and as a PDF with the same numbers, and the
period summary (from–to) with the seed's four figures.

Who may open them: every signed-in worker, for a node of their own subtree. A report holds
counts only (no name, address or phone), the scope check is the same as the grid browser's,
and grid leaders are not always supervisors: the leader of one micro-grid reports its figures
up the tree every day too (a grid leader may stand at any level). A worker's scope is small,
so their reports are cheap; the heavy zone report is only reachable from the zone's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from flask import Response, redirect, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import scope
from ..clock import now
from ..htmx import render
from ..models import Grid
from ..pdf import page_counter, render_pdf
from ..permissions import Can, requires
from . import bp
from .forms import DayChoice, daily_choice, period_choice
from .queries import daily_report, period_report
from .workers import sort_of, worker_list


@bp.get("/")
@requires(Can.FIELD_WORK)
def index():
    """Today's report of the worker's own scope node."""
    return redirect(url_for("reports.show", grid_id=current_user.scope_id))


def _page_context(grid: Grid, choice: DayChoice, at: datetime) -> dict:
    """What the daily and the period pages both show: the node, the dates asked for, crumbs."""
    return {
        "grid": grid,
        "choice": choice,
        "crumbs": scope.ancestors_in_scope(grid),
        "today": at.date(),
    }


def _daily_context(grid: Grid) -> dict:
    """The day asked for (or what is wrong with it) and, when it is good, its report."""
    at = now()
    choice = daily_choice(request.args, at.date())
    context = _page_context(grid, choice, at)
    if not choice.errors:
        context["report"] = daily_report(grid, choice.first, at)
        context["workers"] = worker_list(grid, choice.first, sort_of(request.args.get("sort")))
    return context


def _period_context(grid: Grid) -> dict:
    at = now()
    choice = period_choice(request.args, at.date())
    context = _page_context(grid, choice, at)
    if not choice.errors:
        context["report"] = period_report(grid, choice.first, choice.last)
    return context


@dataclass(frozen=True)
class Kind:
    """A kind of report: the page (reports/page.html with this fragment) and the PDF of one
    context, so that both show the same numbers."""

    title: str
    fragment: str
    pdf: str


DAILY = Kind(_l("Daily report"), "reports/_daily.html", "daily_report.html")
PERIOD = Kind(_l("Period summary"), "reports/_period.html", "period_report.html")


def _page(kind: Kind, context: dict) -> Response:
    # A bad day answers 422 so that htmx swaps the message in (base.html's responseHandling):
    # a page that says what to fix, never a report of some other day.
    status = 422 if context["choice"].errors else 200
    return render("reports/page.html", kind.fragment, status=status, kind=kind, **context)


@bp.get("/<int:grid_id>")
@requires(Can.FIELD_WORK)
def show(grid_id: int):
    """The daily report of a node as a page; `?date=` picks the day (today by default),
    `?sort=` the order of the worker list."""
    context = _daily_context(scope.get_grid_or_404(grid_id))
    return _page(DAILY, context)


@bp.get("/<int:grid_id>/pdf")
@requires(Can.FIELD_WORK)
def pdf(grid_id: int):
    """The same daily report as an A4 PDF."""
    context = _daily_context(scope.get_grid_or_404(grid_id))
    return _pdf(DAILY, context, lambda r: f"daily-report-{r.node.code}-{r.day.isoformat()}")


@bp.get("/<int:grid_id>/period")
@requires(Can.FIELD_WORK)
def period(grid_id: int):
    """The period summary: households visited, person-times, observation households served
    and follow-up person-times from one day to another."""
    context = _period_context(scope.get_grid_or_404(grid_id))
    return _page(PERIOD, context)


@bp.get("/<int:grid_id>/period/pdf")
@requires(Can.FIELD_WORK)
def period_pdf(grid_id: int):
    """The period summary as an A4 PDF."""
    context = _period_context(scope.get_grid_or_404(grid_id))
    return _pdf(PERIOD, context, lambda r: f"summary-{r.node.code}-{r.first}-{r.last}")


def _pdf(kind: Kind, context: dict, name: Callable) -> Response:
    """The report as a PDF file called `name(report)`.pdf; the page with the message when the
    dates asked for are wrong."""
    if context["choice"].errors:
        return _page(kind, context)
    report = context["report"]
    data = render_pdf(kind.pdf, page_counter=page_counter(), printed_at=now(), **context)
    response = send_file(
        BytesIO(data or b""), mimetype="application/pdf", download_name=f"{name(report)}.pdf"
    )
    # Figures change with every visit: never serve yesterday's copy from a cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
