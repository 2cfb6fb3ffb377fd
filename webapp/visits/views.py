"""Logging a household visit (走访): one tap, one round trip, never counted twice."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import scope, undo
from ..clock import now
from ..extensions import db
from ..households.answers import Page, answer, counters_before_commit
from ..models import Visit
from ..permissions import Can, requires
from ..rules import RuleError
from . import bp
from .forms import UndoForm, VisitForm
from .rules import log_visit, undo_visit


@bp.post("/new/<int:household_id>")
@requires(Can.FIELD_WORK)
def new(household_id: int):
    """Log a visit; the same key sent again answers as the first time and adds nothing."""
    household = scope.get_household_or_404(household_id)
    form = VisitForm()
    page = Page.named(form.page.data)
    if not form.validate_on_submit():
        return answer(household, page, status=422, errors=form.error_messages())
    try:
        visit = log_visit(
            household,
            current_user.id,
            visited_at=form.visited_at.data or now(),
            method=form.method.data,
            key=form.key.data,
            persons_seen=form.persons_seen.data,
            not_at_home=form.not_at_home.data,
            note=form.note.data,
            temperatures=form.temperatures.data,
        )
        counters = counters_before_commit(household, page)
        db.session.commit()
    except IntegrityError:
        # The unique key: this submission arrived before (a retry, or two copies at once), and
        # the first copy's row stands. Answer as it did, with the household as it is now.
        db.session.rollback()
        db.session.refresh(household)
        return answer(household, page)
    return answer(household, page, made=visit, counters=counters)


@bp.post("/<int:household_id>/undo", endpoint="undo")
@requires(Can.FIELD_WORK)
def undo_visit_view(household_id: int):
    """Take back a visit logged by mistake (its author, for UNDO_MINUTES): the household's row
    or card as it now stands, without that visit."""
    household = scope.get_household_or_404(household_id)
    form = UndoForm()
    page = Page.named(form.page.data)
    visit = db.session.get(Visit, form.visit.data) if form.validate_on_submit() else None
    if visit is None or visit.household_id != household.id:
        # Already undone (a resend), or not this household's: nothing to take back.
        return answer(household, page, status=422, errors=[_("This visit is not there any more.")])
    entry = f"visit-{visit.id}"
    try:
        undo_visit(visit, current_user.id, now(), undo.window())
    except RuleError as error:
        db.session.rollback()
        return answer(household, page, status=422, errors=[str(error)])
    counters = counters_before_commit(household, page)
    db.session.commit()
    return answer(household, page, counters=counters, removed=entry)
