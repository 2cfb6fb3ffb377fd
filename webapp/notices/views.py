"""Notices (微网格群喊话): posting one to a node of one's area, and withdrawing it.

Anyone signed in reaches these routes (Can.FIELD_WORK); who may post where is the rule's
(rules.may_post: supervisors anywhere in their subtree, micro-grid and grid leaders in their
own area), checked after the node is loaded in scope, so that another branch's node stays a 404.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import scope
from ..clock import today
from ..extensions import db
from ..htmx import render
from ..models import Grid, Worker
from ..permissions import Can, requires
from ..urls import next_path
from ..writes import REFUSED, apply_and_redirect, done, save
from . import bp, rules
from .forms import NoticeForm
from .queries import for_today, get_notice_or_404

# What the form offers as the last day: a week of notice.
DEFAULT_DAYS = 7


def _me() -> Worker:
    worker = db.session.get(Worker, current_user.id)
    if worker is None:  # deactivated between the sign-in guard and here
        abort(404)
    return worker


def may_post_here(grid: Grid) -> bool:
    """Whether the signed-in worker may post notices to `grid` (for the grid page's link)."""
    worker = db.session.get(Worker, current_user.id)
    return worker is not None and rules.may_post(worker, grid)


def _page(grid: Grid, worker: Worker, form: NoticeForm, status: int = 200):
    notices = for_today(grid)
    return render(
        "notices/new.html",
        grid=grid,
        form=form,
        notices=notices,
        withdrawable=rules.withdrawable(worker, notices),
        crumbs=scope.ancestors_in_scope(grid),
        status=status,
    )


@bp.route("/grids/<int:grid_id>/new", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def new(grid_id: int):
    """Post a notice to this node: every micro-grid under it shows it until its last day."""
    grid = scope.get_grid_or_404(grid_id)
    worker = _me()
    if not rules.may_post(worker, grid):
        abort(403)
    form = NoticeForm()
    if not form.is_submitted():
        form.last_day.data = today() + timedelta(days=DEFAULT_DAYS)
    if form.validate_on_submit():
        notice = save(
            form,
            lambda: rules.post(
                grid, form.title.data, form.text.data, form.last_day.data, worker, form.key.data
            ),
        )
        if notice is not REFUSED:
            return done(
                _("The notice was posted to %(name)s.", name=grid.name),
                url_for("notices.new", grid_id=grid.id),
            )
    return _page(grid, worker, form, 422 if form.errors or form.form_errors else 200)


@bp.post("/<int:notice_id>/withdraw")
@requires(Can.FIELD_WORK)
def withdraw(notice_id: int):
    """Take a notice off the public pages and the today lists at once."""
    notice = get_notice_or_404(notice_id)
    worker = _me()
    back = next_path(url_for("today.index"))
    return apply_and_redirect(
        lambda: rules.withdraw(notice, worker),
        _("The notice “%(title)s” was withdrawn.", title=notice.title),
        back,
    )
