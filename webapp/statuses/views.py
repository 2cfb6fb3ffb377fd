"""Marking a household, or one resident, red / orange / yellow / light yellow / green."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import idempotency, scope
from ..extensions import db
from ..households.answers import Page, answer, counters_before_commit
from ..models import Household, Resident, StatusChange
from ..permissions import Can, requires
from . import bp
from .forms import StatusForm
from .queries import latest_change
from .rules import set_household_status, set_resident_status


@bp.post("/household/<int:household_id>")
@requires(Can.FIELD_WORK)
def household(household_id: int):
    """Change a household's colour, with a reason."""
    return _save(scope.get_household_or_404(household_id), None, StatusForm())


@bp.post("/resident/<int:resident_id>")
@requires(Can.FIELD_WORK)
def resident(resident_id: int):
    """Change one resident's colour; the household rises with it if that is more serious."""
    person = scope.get_resident_or_404(resident_id)
    return _save(person.household, person, StatusForm())


def _save(household: Household, person: Resident | None, form: StatusForm):
    """Validate, check the version, apply the change, commit once, answer."""
    page = Page.named(form.page.data)
    if not form.validate_on_submit():
        return answer(household, page, status=422, errors=form.error_messages())
    if form.version.data and form.version.data != str(household.version):
        # A copy of a change that went through bumped the version itself: answer as the
        # first copy did. Asked only here: otherwise a repeat finds the colour already set
        # (nothing to write), or meets the unique key below.
        if idempotency.existing(StatusChange, form.key.data):
            return answer(household, page)
        return _conflict(household.id, page)
    try:
        if person is None:
            change = set_household_status(
                household, form.status.data, form.reason.data, current_user.id, form.key.data
            )
        else:
            change = set_resident_status(
                person, form.status.data, form.reason.data, current_user.id, form.key.data
            )
        counters = counters_before_commit(household, page)
        db.session.commit()
    except StaleDataError:
        # Copies of one submission sent together load the same version; the first to write
        # bumps it and the others land here. A copy is answered as the first one was; only a
        # change of someone else's is a conflict.
        db.session.rollback()
        if idempotency.existing(StatusChange, form.key.data):
            return _answer_as_before(household.id, page)
        return _conflict(household.id, page)
    except IntegrityError:  # the same key arrived twice at once: the other copy won
        db.session.rollback()
        return _answer_as_before(household.id, page)
    return answer(household, page, made=change, counters=counters)


def _answer_as_before(household_id: int, page: Page):
    """The answer to a copy whose first copy went through: the household as it is now."""
    household = db.session.get(Household, household_id)
    db.session.refresh(household)
    return answer(household, page)


def _conflict(household_id: int, page: Page):
    """Someone else changed the household meanwhile: say who, when and why, and redraw the
    history (on the household page) so the worker sees it without reloading."""
    db.session.rollback()
    household = db.session.get(Household, household_id)
    last = latest_change(household)
    if last is None:
        message = _(
            "Someone else changed this household a moment ago: it is now %(status)s. "
            "Check and apply your change again if it is still right.",
            status=household.status_label,
        )
    else:
        message = _(
            "%(worker)s changed this household at %(time)s: it is now %(status)s (%(reason)s). "
            "Check and apply your change again if it is still right.",
            worker=last.worker.name if last.worker else _("The app"),
            time=last.changed_at.strftime("%m-%d %H:%M"),
            status=household.status_label,
            reason=last.reason,
        )
    return answer(household, page, status=409, message=message, history=True)
