"""The grid browser, from the worker's scope node down to one micro-grid, and tree editing."""

from __future__ import annotations

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.validators import InputRequired

from .. import activation, places, scope
from ..clock import today
from ..htmx import render
from ..models import MICRO_LEVEL, Grid
from ..pdf import warn_unprintable
from ..permissions import Can, requires
from ..rules import RuleError
from ..sweeps.queries import closed_cutoffs, open_sweeps, open_with_coverage
from ..writes import REFUSED, done, save
from . import bp, rules
from .forms import GridForm
from .queries import children_with_counts, homes_under, households_of, micro_summary


@bp.get("/")
@requires(Can.FIELD_WORK)
def index():
    """Start the browser at the worker's own scope node."""
    return redirect(url_for("grids.show", grid_id=current_user.scope_id))


@bp.get("/<int:grid_id>")
@requires(Can.FIELD_WORK)
def show(grid_id: int):
    """A node: its children with counts, or, for a micro-grid, its households."""
    grid = scope.get_grid_or_404(grid_id)
    context = {"grid": grid, "crumbs": scope.ancestors_in_scope(grid)}
    if grid.is_micro:
        context["sweeps"] = open_with_coverage(grid, today())
        places.set_page_node(grid)  # its rows' addresses are said below the micro-grid
        return render(
            "grids/show.html",
            "grids/_households.html",
            households=households_of(grid),
            summary=micro_summary(grid.id),
            **context,
        )
    # One pass over the households under the node for the children's colours and the open
    # sweeps' households due (on the zone, 200,000 read once instead of twice).
    sweeps = open_sweeps(grid, today())
    homes = homes_under(grid, closed_cutoffs(sweeps))
    context["sweeps"] = open_with_coverage(grid, today(), sweeps, homes)
    rows, totals = children_with_counts(grid, homes)
    return render("grids/show.html", "grids/_children.html", rows=rows, totals=totals, **context)


def _fit_to_level(form: GridForm, level: int) -> None:
    """Only a micro-grid has a kind, and it must have one: the form checks it with the other
    fields, so that a missing kind is said under the kind at the same time as a wrong code is
    said under the code (the rules still refuse a micro-grid without a kind)."""
    if level != MICRO_LEVEL:
        del form.kind
    else:
        form.kind.validators = [InputRequired(_("Choose the kind of micro-grid."))]


def _form_page(form: GridForm, grid: Grid | None, parent: Grid, status: int = 200):
    return render("grids/form.html", form=form, grid=grid, parent=parent, status=status)


@bp.route("/<int:grid_id>/new", methods=["GET", "POST"])
@requires(Can.EDIT_TREE)
def new(grid_id: int):
    """Add a child node under this one."""
    parent = scope.get_grid_or_404(grid_id)
    form = GridForm()
    del form.parent_code
    _fit_to_level(form, parent.level + 1)
    if form.validate_on_submit():
        kind = (form.kind.data or None) if form.kind else None
        node = save(form, lambda: rules.add_child(parent, form.name.data, form.code.data, kind))
        if node is not REFUSED:
            warn_unprintable({form.name.label.text: node.name})
            return done(
                _("%(name)s was added.", name=node.name), url_for("grids.show", grid_id=parent.id)
            )
    return _form_page(form, None, parent, status=422 if form.errors else 200)


@bp.route("/<int:grid_id>/edit", methods=["GET", "POST"])
@requires(Can.EDIT_TREE)
def edit(grid_id: int):
    """Rename a node, change its code or kind, or move it under another parent."""
    grid = scope.get_grid_or_404(grid_id)
    form = GridForm(obj=grid)
    _fit_to_level(form, grid.level)
    if grid.level == 0:
        del form.parent_code
    elif not form.is_submitted():
        form.parent_code.data = grid.parent.code
    if form.validate_on_submit() and save(form, lambda: _apply_edit(grid, form)) is not REFUSED:
        warn_unprintable({form.name.label.text: grid.name})
        return done(
            _("%(name)s was saved.", name=grid.name), url_for("grids.show", grid_id=grid.id)
        )
    return _form_page(form, grid, grid.parent or grid, status=422 if form.errors else 200)


def _apply_edit(grid: Grid, form: GridForm) -> None:
    kind = (form.kind.data or None) if form.kind else None
    rules.rename(grid, form.name.data, form.code.data, kind)
    new_code = form.parent_code.data if form.parent_code else None
    if new_code and grid.parent is not None and new_code != grid.parent.code:
        new_parent = scope.grid_by_code(new_code)
        if new_parent is None:
            raise RuleError(
                _("No node with the code %(code)s in your area.", code=new_code),
                field="parent_code",
            )
        rules.move(grid, new_parent)


# Deactivate and activate; a deactivated node leaves its parent's list: back to the parent.
activation.add_routes(
    bp,
    "grid_id",
    Can.EDIT_TREE,
    scope.get_grid_or_404,
    rules,
    lambda grid: grid.name,
    back_after_deactivating=lambda grid: url_for("grids.show", grid_id=grid.parent_id or grid.id),
)
