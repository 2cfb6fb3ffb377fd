"""Households: the household page with its residents, and the forms that manage them."""

from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from .. import activation, scope
from ..extensions import db
from ..forms import keep_stored_phone
from ..grids.queries import households_of
from ..htmx import render
from ..models import Grid, Household
from ..permissions import Can, requires
from ..rules import RuleError
from ..writes import REFUSED, done, form_error, save
from . import bp, rules
from .forms import HouseholdForm, MoveForm
from .page import household_page


@bp.get("/<int:household_id>")
@requires(Can.FIELD_WORK)
def show(household_id: int):
    """One household: its colour, address and residents (ID numbers and phones masked)."""
    household = scope.get_household_or_404(household_id)
    return render("households/show.html", **household_page(household))


def _form_page(form: HouseholdForm, grid: Grid, household: Household | None, status: int):
    return render("households/form.html", form=form, grid=grid, household=household, status=status)


@bp.route("/new/<int:grid_id>", methods=["GET", "POST"])
@requires(Can.ADD_HOUSEHOLDS)
def new(grid_id: int):
    """Add a household to a micro-grid of one's area (a worker finds a family in an empty flat;
    correcting and deactivating it is a supervisor's)."""
    grid = scope.get_grid_or_404(grid_id)
    form = HouseholdForm()
    del form.grid_code, form.remove_phone
    if form.validate_on_submit():
        household = save(form, lambda: rules.create(grid, form.address.data, form.phone.data))
        if household is not REFUSED:
            back = url_for("households.show", household_id=household.id)
            return done(_("The household was added."), back)
    elif not form.is_submitted():
        try:
            rules.check_can_hold_households(grid)
        except RuleError as error:
            form_error(form, error)
    status = 422 if form.errors or form.form_errors else 200
    return _form_page(form, grid, None, status)


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@requires(Can.MANAGE_HOUSEHOLDS)
def edit(household_id: int):
    """Change a household's address or phone, or move it to another micro-grid."""
    household = scope.get_household_or_404(household_id)
    form = _masked(HouseholdForm(obj=household), household)
    if form.is_submitted() and form.version.data != str(household.version):
        return _conflict(household)
    if form.validate_on_submit():
        try:
            saved = save(form, lambda: _apply_edit(household, form))
        except StaleDataError:
            db.session.rollback()
            return _conflict(db.session.get(Household, household_id))
        if saved is not REFUSED:
            back = url_for("households.show", household_id=household.id)
            return done(_("The household was saved."), back)
    if not form.is_submitted():
        form.grid_code.data = household.grid.code
    return _form_page(form, household.grid, household, 422 if form.errors else 200)


def _apply_edit(household: Household, form: HouseholdForm) -> None:
    code = form.grid_code.data
    if code and code != household.grid.code:
        rules.move(household, _target(code), current_user.id)
    # The form shows the stored phone masked: empty keeps it, "no phone any more" removes it.
    removed = form.remove_phone is not None and form.remove_phone.data  # not offered: no phone
    phone = None if removed else (form.phone.data or household.phone)
    rules.correct(household, form.address.data, phone)


def _target(code: str) -> Grid:
    """The node of `code` in the worker's area, or a refusal by the code's field (the rule
    then says whether it can hold households)."""
    target = scope.grid_by_code(code)
    if target is None:
        raise RuleError(
            _("No micro-grid with the code %(code)s in your area.", code=code),
            field="grid_code",
        )
    return target


@bp.route("/move/<int:grid_id>", methods=["GET", "POST"])
@requires(Can.MANAGE_HOUSEHOLDS)
def move(grid_id: int):
    """Move all or some households of a micro-grid to another one (a stairwell group split):
    one rule call, one commit."""
    grid = scope.get_grid_or_404(grid_id)
    if not grid.is_micro:
        abort(404)
    households = households_of(grid)
    form = MoveForm()
    if form.validate_on_submit():
        chosen = set(form.households.data or [])
        moving = [h for h in households if form.everyone.data or h.id in chosen]

        def change() -> tuple[Grid, list]:
            target = _target(form.grid_code.data)
            return target, rules.move_all(moving, target, current_user.id)

        saved = save(form, change)
        if saved is not REFUSED:
            target, moved = saved
            message = _("Households moved to %(name)s: %(n)d.", name=target.name, n=len(moved))
            return done(message, url_for("grids.show", grid_id=grid.id))
    return render(
        "households/move.html",
        form=form,
        grid=grid,
        households=households,
        crumbs=[*scope.ancestors_in_scope(grid), grid],
        status=422 if form.errors or form.form_errors else 200,
    )


def _masked(form: HouseholdForm, household: Household) -> HouseholdForm:
    """The edit form without the full phone: a full number is shown only through a reveal."""
    keep_stored_phone(form, household.phone)
    return form


def _conflict(household: Household):
    """Someone saved first: show what the household holds now, ready to re-apply the change."""
    form = _masked(HouseholdForm(obj=household, formdata=None), household)
    form.phone.data = None
    form.grid_code.data = household.grid.code
    form.form_errors.append(
        _(
            "Someone else changed this household while you were editing. Here is what it holds "
            "now; make your change again."
        )
    )
    return _form_page(form, household.grid, household, 409)


# Deactivate and activate; a deactivated household leaves its micro-grid's list: back there.
activation.add_routes(
    bp,
    "household_id",
    Can.MANAGE_HOUSEHOLDS,
    scope.get_household_or_404,
    rules,
    lambda household: household.address,
    back_after_deactivating=lambda household: url_for("grids.show", grid_id=household.grid_id),
)
