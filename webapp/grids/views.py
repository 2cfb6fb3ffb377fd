"""The grid browser, from the worker's scope node down to one micro-grid, and tree editing."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import scope
from ..extensions import db
from ..htmx import redirect_after_write, render
from ..models import MICRO_LEVEL, Grid
from . import bp
from .forms import GridForm
from .queries import children_with_counts, households_of, micro_summary
from .tree import TreeError, add_child, blockers_to_deactivate, code_taken, move


@bp.get("/")
def index():
    """Start the browser at the worker's own scope node."""
    return redirect(url_for("grids.show", grid_id=current_user.scope_id))


@bp.get("/<int:grid_id>")
def show(grid_id: int):
    """A node: its children with counts, or, for a micro-grid, its households."""
    grid = scope.get_grid_or_404(grid_id)
    context = {"grid": grid, "crumbs": scope.ancestors_in_scope(grid)}
    if grid.is_micro:
        return render(
            "grids/micro.html",
            "grids/_households.html",
            households=households_of(grid),
            summary=micro_summary(grid.id),
            **context,
        )
    rows, totals = children_with_counts(grid)
    return render("grids/show.html", "grids/_children.html", rows=rows, totals=totals, **context)


def _form_page(form: GridForm, grid: Grid | None, parent: Grid, status: int = 200):
    return render(
        "grids/form.html",
        form=form,
        grid=grid,
        parent=parent,
        is_micro=(grid.level if grid else parent.level + 1) == MICRO_LEVEL,
        status=status,
    )


@bp.route("/<int:grid_id>/new", methods=["GET", "POST"])
@scope.require_admin
def new(grid_id: int):
    """Add a child node under this one."""
    parent = scope.get_grid_or_404(grid_id)
    form = GridForm()
    del form.parent_code
    if form.validate_on_submit():
        try:
            node = add_child(parent, form.name.data, form.code.data, form.kind.data or None)
        except TreeError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s was added.", name=node.name), "success")
            return redirect_after_write(url_for("grids.show", grid_id=parent.id))
    return _form_page(form, None, parent, status=422 if form.errors else 200)


@bp.route("/<int:grid_id>/edit", methods=["GET", "POST"])
@scope.require_admin
def edit(grid_id: int):
    """Rename a node, change its code or kind, or move it under another parent."""
    grid = scope.get_grid_or_404(grid_id)
    form = GridForm(obj=grid)
    if grid.level == 0:
        del form.parent_code
    elif not form.is_submitted():
        form.parent_code.data = grid.parent.code
    if form.validate_on_submit():
        error_field, message = _apply_edit(grid, form)
        if message is None:
            db.session.commit()
            flash(_("%(name)s was saved.", name=grid.name), "success")
            return redirect_after_write(url_for("grids.show", grid_id=grid.id))
        db.session.rollback()
        error_field.errors.append(message)
    return _form_page(form, grid, grid.parent or grid, status=422 if form.errors else 200)


def _apply_edit(grid: Grid, form: GridForm):
    if code_taken(form.code.data, except_id=grid.id):
        return form.code, _("The code %(code)s is already used.", code=form.code.data)
    if grid.is_micro and not form.kind.data:
        return form.kind, _("Choose the kind of micro-grid.")
    new_code = getattr(form, "parent_code", None) and form.parent_code.data
    if new_code and grid.parent is not None and new_code != grid.parent.code:
        new_parent = scope.grid_by_code(new_code)
        if new_parent is None:
            return form.parent_code, _(
                "No node with the code %(code)s in your area.", code=new_code
            )
        try:
            move(grid, new_parent)
        except TreeError as error:
            return form.parent_code, str(error)
    grid.name = form.name.data
    grid.code = form.code.data
    grid.kind = form.kind.data if grid.is_micro else None
    return None, None


@bp.post("/<int:grid_id>/deactivate")
@scope.require_admin
def deactivate(grid_id: int):
    """Take an empty node out of use (it stays in the history)."""
    grid = scope.get_grid_or_404(grid_id)
    if grid.level == 0:
        flash(_("The root of the tree cannot be deactivated."), "error")
    elif reason := blockers_to_deactivate(grid):
        flash(
            _("%(name)s cannot be deactivated: %(reason)s", name=grid.name, reason=reason), "error"
        )
    else:
        grid.active = False
        db.session.commit()
        flash(_("%(name)s was deactivated.", name=grid.name), "success")
        return redirect_after_write(url_for("grids.show", grid_id=grid.parent_id))
    return redirect_after_write(url_for("grids.show", grid_id=grid.id))


@bp.post("/<int:grid_id>/activate")
@scope.require_admin
def activate(grid_id: int):
    """Bring a deactivated node back."""
    grid = scope.get_grid_or_404(grid_id)
    if grid.parent is not None and not grid.parent.active:
        flash(_("Activate its parent node first."), "error")
    else:
        grid.active = True
        db.session.commit()
        flash(_("%(name)s was activated.", name=grid.name), "success")
    return redirect_after_write(url_for("grids.show", grid_id=grid.id))
