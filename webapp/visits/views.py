"""Logging a household visit (走访): one tap, one round trip, never counted twice."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from .. import scope
from ..clock import now
from ..extensions import db
from ..households.fragments import counters_before_commit, household_response
from ..households.queries import visit_text
from ..models import Household, Visit
from . import bp
from .forms import VisitForm
from .queries import insert_visit


@bp.post("/new/<int:household_id>")
def new(household_id: int):
    """Log a visit; the same key sent again answers as the first time and adds nothing."""
    household = scope.get_household_or_404(household_id)
    form = VisitForm()
    done = url_for("households.show", household_id=household.id)
    if not form.validate_on_submit():
        return household_response(household, status=422, form_errors=form.errors)

    visited_at = form.visited_at.data or now()
    visit = Visit(
        household_id=household.id,
        worker_id=current_user.id,
        grid_id=household.grid_id,
        visited_at=visited_at,
        method=form.method.data,
        persons_seen=_persons_seen(form, household),
        not_at_home=form.not_at_home.data,
        note=form.note.data or None,
        temperatures=form.temperatures.data or None,
        client_key=form.key.data,
    )
    try:
        insert_visit(visit)
        counters = counters_before_commit(household)
        db.session.commit()
    except IntegrityError:
        # The unique key: this submission arrived before (a retry, or two copies at once), and
        # the first copy's row stands. Answer as it did, with the household as it is now.
        db.session.rollback()
        db.session.refresh(household)
        return household_response(household, redirect_to=done)
    if household.last_visit_at is None or household.last_visit_at < visited_at:
        set_committed_value(household, "last_visit_at", visited_at)
    return household_response(
        household,
        redirect_to=done,
        new_entry=lambda: {"at": visited_at, "text": visit_text(visit, current_user.name)},
        counters=counters,
    )


def _persons_seen(form: VisitForm, household: Household) -> int:
    """Nobody seen when nobody was at home; else what was entered, or the household's size."""
    if form.not_at_home.data:
        return 0
    if form.persons_seen.data is not None:
        return form.persons_seen.data
    return household.member_count
