"""Marking a household, or one resident, red / orange / yellow / light yellow / green."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import idempotency, scope
from ..extensions import db
from ..households.fragments import counters_before_commit, household_response
from ..households.queries import change_text
from ..models import Household, StatusChange
from . import bp
from .forms import StatusForm
from .rules import set_household_status, set_resident_status


def _conflict(household_id: int):
    db.session.rollback()
    household = db.session.get(Household, household_id)
    return household_response(
        household,
        status=409,
        message=_(
            "Someone else changed this household a moment ago: it is now %(status)s. "
            "Check and apply your change again if it is still right.",
            status=household.status_label,
        ),
    )


def _save(household: Household, form: StatusForm, apply):
    """Validate, check the version, apply the change, commit once, answer."""
    if not form.validate_on_submit():
        return household_response(household, status=422, form_errors=form.errors)
    if form.version.data and form.version.data != str(household.version):
        # A copy of a change that went through bumped the version itself: answer as the
        # first copy did. Asked only here: otherwise a repeat finds the colour already set
        # (nothing to write), or meets the unique key below.
        if idempotency.existing(StatusChange, form.key.data):
            return household_response(
                household, redirect_to=url_for("households.show", household_id=household.id)
            )
        return _conflict(household.id)
    try:
        change = apply()
        counters = counters_before_commit(household)
        db.session.commit()
    except StaleDataError:
        return _conflict(household.id)
    except IntegrityError:  # the same key arrived twice at once: the other copy won
        db.session.rollback()
        household, change, counters = db.session.get(Household, household.id), None, None
        db.session.refresh(household)
    return household_response(
        household,
        redirect_to=url_for("households.show", household_id=household.id),
        new_entry=(
            lambda: {"at": change.changed_at, "text": change_text(change, current_user.name)}
        )
        if change
        else None,
        counters=counters,
    )


@bp.post("/household/<int:household_id>")
def household(household_id: int):
    """Change a household's colour, with a reason."""
    target = scope.get_household_or_404(household_id)
    form = StatusForm()

    def apply():
        return set_household_status(
            target, form.status.data, form.reason.data, current_user.id, form.key.data
        )

    return _save(target, form, apply)


@bp.post("/resident/<int:resident_id>")
def resident(resident_id: int):
    """Change one resident's colour; the household rises with it if that is more serious."""
    person = scope.get_resident_or_404(resident_id)
    form = StatusForm()

    def apply():
        return set_resident_status(
            person, form.status.data, form.reason.data, current_user.id, form.key.data
        )

    return _save(person.household, form, apply)
