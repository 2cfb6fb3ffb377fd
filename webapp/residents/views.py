"""Residents of a household: add, edit, deactivate, and reveal a full ID number on request."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import reveals, scope
from ..extensions import db
from ..forms import keep_stored_phone
from ..households.page import household_page
from ..htmx import render
from ..idempotency import KEY_SHAPE
from ..identity import mask_id_number, mask_name
from ..models import Household, Resident
from ..pdf import warn_unprintable
from ..permissions import Can, requires
from ..rules import RuleError
from ..writes import REFUSED, apply_and_redirect, done, form_error, save
from . import bp, rules
from .forms import CheckForm, MoveForm, ResidentForm
from .queries import get_check_or_404, move_targets, open_checks


def _details(form: ResidentForm, resident: Resident | None = None) -> rules.Details:
    """What the form says; on the edit page an empty ID number or phone keeps the stored one
    (the form shows them masked), and "no phone any more" removes the phone."""
    id_number, phone = form.id_number.data, form.phone.data
    if resident is not None:
        id_number = id_number or resident.id_number
        removed = form.remove_phone is not None and form.remove_phone.data  # not offered: no phone
        phone = None if removed else (phone or resident.phone)
    return rules.Details(
        name=form.name.data,
        id_number=id_number,
        phone=phone,
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


def _already_registered(form: ResidentForm, household: Household, error) -> None:
    """Say where the number is registered when the worker may see it; otherwise keep the
    registration for a supervisor to check and say only that (no oracle of who lives where)."""
    existing = scope.find_resident(error.existing.id)
    if existing is not None:
        form.id_number.errors = [
            _(
                "This ID number is registered to %(name)s at %(address)s.",
                name=mask_name(existing.name),
                address=existing.household.address,
            )
        ]
        return
    rules.file_check(household, _details(form), error.existing, current_user.id)
    db.session.commit()
    form.id_number.errors = [
        _(
            "This ID number cannot be registered here before a check: your supervisor has "
            "been asked to look at it."
        )
    ]


def _sent_before(existing: Resident, household: Household, form: ResidentForm) -> bool:
    return (
        existing.active
        and existing.household_id == household.id
        and existing.name == form.name.data
    )


def _sending_key() -> str | None:
    """The key the registration form carries (the outbox's copy sent twice is one resident);
    a form without one (an old page) registers as before."""
    key = request.form.get("key", "")
    return key if KEY_SHAPE.match(key) else None


@bp.route("/new/<int:household_id>", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def new(household_id: int):
    """Register a resident in a household (door-to-door registration is field work).

    A returnee starts light yellow, and the household with them.
    """
    household = scope.get_household_or_404(household_id)
    form = ResidentForm()
    del form.remove_phone
    if form.validate_on_submit():
        try:
            resident = rules.register(household, _details(form), _sending_key())
            db.session.commit()
        except rules.AlreadyRegistered as error:
            db.session.rollback()
            _already_registered(form, household, error)
        except RuleError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            back = url_for("households.show", household_id=household.id)
            warn_unprintable({form.name.label.text: resident.name})
            return done(_("%(name)s was added.", name=resident.name), back)
    return _form_page(form, household, None)


@bp.route("/<int:resident_id>/edit", methods=["GET", "POST"])
@requires(Can.MANAGE_HOUSEHOLDS)
def edit(resident_id: int):
    """Correct a resident's details (the ID number and phone shown masked)."""
    resident = scope.get_resident_or_404(resident_id)
    form = ResidentForm(obj=resident)
    form.id_number.description = _(
        "Now %(number)s. Type the whole number to correct it; leave empty to keep it.",
        number=mask_id_number(resident.id_number),
    )
    keep_stored_phone(form, resident.phone)
    if not form.is_submitted():
        form.id_number.data = None  # shown masked above, never in full
    correct = lambda: rules.correct(resident, _details(form, resident))  # noqa: E731
    if form.validate_on_submit() and save(form, correct) is not REFUSED:
        back = url_for("households.show", household_id=resident.household_id)
        warn_unprintable({form.name.label.text: resident.name})
        return done(_("%(name)s was saved.", name=resident.name), back)
    return _form_page(form, resident.household, resident)


@bp.route("/<int:resident_id>/move", methods=["GET", "POST"])
@requires(Can.MANAGE_HOUSEHOLDS)
def move(resident_id: int):
    """Move a resident to another household of the area: find it by address, name or number
    (`q`), then choose it among the results. Their current observation goes with them."""
    resident = scope.get_resident_or_404(resident_id)
    form = MoveForm()
    if form.validate_on_submit():
        target = scope.get_household_or_404(form.household_id.data)
        moving = lambda: rules.move_to(resident, target, current_user.id)  # noqa: E731
        if save(form, moving) is not REFUSED:
            message = _(
                "%(name)s moved to %(address)s.", name=resident.name, address=target.address
            )
            return done(message, url_for("households.show", household_id=target.id))
    q = (request.values.get("q") or "")[:40]
    return render(
        "residents/move.html",
        "residents/_move_results.html",
        resident=resident,
        form=form,
        q=q,
        results=move_targets(q, resident),
        status=422 if form.errors or form.form_errors else 200,
    )


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
    """Show one resident's full ID number and phone, on the audit trail; at most
    REVEALS_PER_HOUR a worker (a burst shows on their supervisors' today list)."""
    resident = scope.get_resident_or_404(resident_id)
    reveals.ask(current_user.id, ("resident", resident.id), resident.household.grid_id)
    db.session.commit()
    response = render(
        "households/show.html",
        "residents/_row.html",
        resident=resident,
        **household_page(resident.household, revealed_id=resident.id),
    )
    # The full numbers must not stay in any cache, the browser's included.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/checks")
@requires(Can.MANAGE_HOUSEHOLDS)
def checks():
    """Registrations whose ID number is another resident's, waiting for a supervisor."""
    found = db.session.scalars(open_checks().limit(200)).all()
    visible = {c.id: scope.find_resident(c.existing_id) is not None for c in found}
    return render("residents/checks.html", checks=found, visible=visible, form=CheckForm())


@bp.post("/checks/<int:check_id>/resolve")
@requires(Can.MANAGE_HOUSEHOLDS)
def resolve(check_id: int):
    """Close a check with what was found."""
    check = get_check_or_404(check_id)
    form = CheckForm()
    if not form.validate_on_submit():
        found = db.session.scalars(open_checks().limit(200)).all()
        visible = {c.id: scope.find_resident(c.existing_id) is not None for c in found}
        return render("residents/checks.html", checks=found, visible=visible, form=form, status=422)
    rules.resolve_check(check, form.resolution.data, current_user.id)
    db.session.commit()
    return done(_("The check was closed."), url_for("residents.checks"))
