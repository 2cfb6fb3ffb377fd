"""Households: the household page with its residents, and the forms that manage them."""

from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from .. import scope
from ..extensions import db
from ..htmx import redirect_after_write, render
from ..models import Household
from . import bp
from .forms import HouseholdForm
from .queries import current_observations, timeline


@bp.get("/<int:household_id>")
def show(household_id: int):
    """One household: its colour, address and residents (ID numbers and phones masked)."""
    household = scope.get_household_or_404(household_id)
    return render("households/show.html", **page_context(household))


def page_context(household: Household, revealed_id: int | None = None) -> dict:
    """What the household page shows; `revealed_id` is the resident shown unmasked."""
    return {
        "household": household,
        "residents": [r for r in household.residents if r.active],
        "crumbs": [*scope.ancestors_in_scope(household.grid), household.grid],
        "revealed_id": revealed_id,
        "timeline": timeline(household),
        "observations": current_observations(household),
    }


@bp.route("/new/<int:grid_id>", methods=["GET", "POST"])
@scope.require_manager
def new(grid_id: int):
    """Add a household to a micro-grid."""
    grid = scope.get_grid_or_404(grid_id)
    form = HouseholdForm()
    del form.grid_code
    if grid.is_micro and form.validate_on_submit():
        household = Household(grid=grid, address=form.address.data, phone=form.phone.data or None)
        db.session.add(household)
        db.session.commit()
        flash(_("The household was added."), "success")
        return redirect_after_write(url_for("households.show", household_id=household.id))
    if not grid.is_micro:
        form.form_errors.append(_("Households belong to a micro-grid. Open a micro-grid first."))
    return render(
        "households/form.html",
        form=form,
        grid=grid,
        household=None,
        status=422 if form.errors or form.form_errors else 200,
    )


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@scope.require_manager
def edit(household_id: int):
    """Change a household's address or phone, or move it to another micro-grid."""
    household = scope.get_household_or_404(household_id)
    form = HouseholdForm(obj=household)
    if form.is_submitted() and form.version.data != str(household.version):
        return _conflict(household)
    if form.validate_on_submit():
        target = household.grid
        if form.grid_code.data and form.grid_code.data != household.grid.code:
            target = scope.grid_by_code(form.grid_code.data)
            if target is None or not target.is_micro:
                form.grid_code.errors.append(
                    _(
                        "No micro-grid with the code %(code)s in your area.",
                        code=form.grid_code.data,
                    )
                )
        if not form.grid_code.errors:
            household.grid = target
            household.address = form.address.data
            household.phone = form.phone.data or None
            try:
                db.session.commit()
            except StaleDataError:
                db.session.rollback()
                return _conflict(db.session.get(Household, household_id))
            flash(_("The household was saved."), "success")
            return redirect_after_write(url_for("households.show", household_id=household.id))
    if not form.is_submitted():
        form.grid_code.data = household.grid.code
    return render(
        "households/form.html",
        form=form,
        grid=household.grid,
        household=household,
        status=422 if form.errors else 200,
    )


def _conflict(household: Household):
    """Someone saved first: show what the household holds now, ready to re-apply the change."""
    form = HouseholdForm(obj=household, formdata=None)
    form.grid_code.data = household.grid.code
    form.form_errors.append(
        _(
            "Someone else changed this household while you were editing. Here is what it holds "
            "now; make your change again."
        )
    )
    return render(
        "households/form.html", form=form, grid=household.grid, household=household, status=409
    )


@bp.post("/<int:household_id>/deactivate")
@scope.require_manager
def deactivate(household_id: int):
    """Take a household out of the lists (moved away); its history stays."""
    household = scope.get_household_or_404(household_id)
    household.active = False
    db.session.commit()
    flash(_("The household was deactivated."), "success")
    return redirect_after_write(url_for("grids.show", grid_id=household.grid_id))


@bp.post("/<int:household_id>/activate")
@scope.require_manager
def activate(household_id: int):
    """Bring a deactivated household back."""
    household = scope.get_household_or_404(household_id)
    household.active = True
    db.session.commit()
    flash(_("The household was activated."), "success")
    return redirect_after_write(url_for("households.show", household_id=household.id))
