"""Residents of a household: add, edit, deactivate, and reveal a full ID number on request."""

from __future__ import annotations

import logging

from flask import current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import scope
from ..extensions import db
from ..households.views import page_context
from ..htmx import redirect_after_write, render
from ..identity import birth_year_of, gender_of
from ..models import Household, Resident
from ..statuses.rules import raise_at_least
from . import bp
from .forms import ResidentForm

audit = logging.getLogger("gridwork.audit")


def _id_number_taken(id_number: str, except_id: int | None) -> bool:
    stmt = select(Resident.id).where(Resident.id_number == id_number)
    if except_id is not None:
        stmt = stmt.where(Resident.id != except_id)
    return db.session.scalar(stmt) is not None


def _fill(resident: Resident, form: ResidentForm) -> None:
    resident.name = form.name.data
    resident.id_number = form.id_number.data
    resident.gender = gender_of(form.id_number.data)
    resident.birth_year = birth_year_of(form.id_number.data)
    resident.phone = form.phone.data or None
    resident.tags = list(form.tags.data or [])
    returnee = "returnee" in resident.tags
    resident.origin = form.origin.data if returnee else None
    resident.return_date = form.return_date.data if returnee else None


def _validate(form: ResidentForm, resident_id: int | None) -> bool:
    if not form.validate_on_submit():
        return False
    if _id_number_taken(form.id_number.data, resident_id):
        form.id_number.errors.append(_("This ID number is already registered."))
        return False
    return True


def _form_page(form: ResidentForm, household: Household, resident: Resident | None):
    return render(
        "residents/form.html",
        form=form,
        household=household,
        resident=resident,
        status=422 if form.errors else 200,
    )


@bp.route("/new/<int:household_id>", methods=["GET", "POST"])
def new(household_id: int):
    """Register a resident in a household (door-to-door registration is field work).

    A returnee starts light yellow, and the household with them (DESIGN.md "Workflows").
    """
    household = scope.get_household_or_404(household_id)
    form = ResidentForm()
    if _validate(form, None):
        resident = Resident(household=household)
        _fill(resident, form)
        db.session.add(resident)
        household.member_count += 1
        if "returnee" in resident.tags:
            resident.status = current_app.config["RETURNEE_STATUS"]
            raise_at_least(
                household,
                resident.status,
                _("%(name)s returned from %(place)s", name=resident.name, place=resident.origin),
            )
        db.session.commit()
        flash(_("%(name)s was added.", name=resident.name), "success")
        return redirect_after_write(url_for("households.show", household_id=household.id))
    return _form_page(form, household, None)


@bp.route("/<int:resident_id>/edit", methods=["GET", "POST"])
@scope.require_manager
def edit(resident_id: int):
    """Correct a resident's details."""
    resident = scope.get_resident_or_404(resident_id)
    form = ResidentForm(obj=resident)
    if _validate(form, resident.id):
        _fill(resident, form)
        db.session.commit()
        flash(_("%(name)s was saved.", name=resident.name), "success")
        return redirect_after_write(url_for("households.show", household_id=resident.household_id))
    return _form_page(form, resident.household, resident)


@bp.post("/<int:resident_id>/deactivate")
@scope.require_manager
def deactivate(resident_id: int):
    """Take a resident off the household (moved out, deceased); the record stays."""
    resident = scope.get_resident_or_404(resident_id)
    if resident.active:
        resident.active = False
        resident.household.member_count -= 1
        db.session.commit()
        flash(_("%(name)s was removed from the household.", name=resident.name), "success")
    return redirect_after_write(url_for("households.show", household_id=resident.household_id))


@bp.post("/<int:resident_id>/reveal")
@scope.require_manager
def reveal(resident_id: int):
    """Show one resident's full ID number and phone, and note who looked."""
    resident = scope.get_resident_or_404(resident_id)
    audit.info("worker %s revealed resident %s", current_user.id, resident.id)
    return render(
        "households/show.html",
        "residents/_row.html",
        resident=resident,
        **page_context(resident.household, revealed_id=resident.id),
    )
