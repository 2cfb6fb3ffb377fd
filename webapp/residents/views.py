"""Residents of a household: add, edit, deactivate, and reveal a full ID number on request."""

from __future__ import annotations

import logging

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import scope
from ..households.page import household_page
from ..htmx import render
from ..models import Household, Resident
from ..permissions import Can, requires
from ..writes import REFUSED, apply_and_redirect, done, save
from . import bp, rules
from .forms import ResidentForm

audit = logging.getLogger("gridwork.audit")


def _details(form: ResidentForm) -> rules.Details:
    return rules.Details(
        name=form.name.data,
        id_number=form.id_number.data,
        phone=form.phone.data,
        tags=list(form.tags.data or []),
        origin=form.origin.data,
        return_date=form.return_date.data,
    )


def _form_page(form: ResidentForm, household: Household, resident: Resident | None):
    return render(
        "residents/form.html",
        form=form,
        household=household,
        resident=resident,
        status=422 if form.errors or form.form_errors else 200,
    )


@bp.route("/new/<int:household_id>", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def new(household_id: int):
    """Register a resident in a household (door-to-door registration is field work).

    A returnee starts light yellow, and the household with them.
    """
    household = scope.get_household_or_404(household_id)
    form = ResidentForm()
    if form.validate_on_submit():
        resident = save(form, lambda: rules.register(household, _details(form)))
        if resident is not REFUSED:
            back = url_for("households.show", household_id=household.id)
            return done(_("%(name)s was added.", name=resident.name), back)
    return _form_page(form, household, None)


@bp.route("/<int:resident_id>/edit", methods=["GET", "POST"])
@requires(Can.MANAGE_HOUSEHOLDS)
def edit(resident_id: int):
    """Correct a resident's details."""
    resident = scope.get_resident_or_404(resident_id)
    form = ResidentForm(obj=resident)
    if (
        form.validate_on_submit()
        and save(form, lambda: rules.correct(resident, _details(form))) is not REFUSED
    ):
        back = url_for("households.show", household_id=resident.household_id)
        return done(_("%(name)s was saved.", name=resident.name), back)
    return _form_page(form, resident.household, resident)


@bp.post("/<int:resident_id>/deactivate")
@requires(Can.MANAGE_HOUSEHOLDS)
def deactivate(resident_id: int):
    """Take a resident off the household (moved out, deceased); the record stays."""
    resident = scope.get_resident_or_404(resident_id)
    return apply_and_redirect(
        lambda: rules.remove(resident),
        _("%(name)s was removed from the household.", name=resident.name),
        url_for("households.show", household_id=resident.household_id),
    )


@bp.post("/<int:resident_id>/reveal")
@requires(Can.REVEAL_IDENTITY)
def reveal(resident_id: int):
    """Show one resident's full ID number and phone, and note who looked."""
    resident = scope.get_resident_or_404(resident_id)
    audit.info("worker %s revealed resident %s", current_user.id, resident.id)
    return render(
        "households/show.html",
        "residents/_row.html",
        resident=resident,
        **household_page(resident.household, revealed_id=resident.id),
    )
