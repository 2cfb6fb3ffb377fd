"""The one place that limits what the signed-in worker can see and change.

Every worker has a scope: one node of the grid tree. They see that node's subtree and nothing
else. An object outside the scope answers 404, never 403, so that its existence is not revealed.
Views load objects through the get_*_or_404 helpers here and build lists from the selects here;
a view never filters by grid by hand. tests/test_scope.py walks every route to prove it.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.sql.elements import ColumnElement

from .extensions import db
from .models import (
    Case,
    Enterprise,
    EnterpriseProblem,
    Errand,
    Grid,
    Household,
    Observation,
    Resident,
    Sweep,
    Visit,
    Worker,
    in_subtree,
    subtree_bounds,
)
from .permissions import Can, manageable_roles


def scope_path() -> str:
    """The path prefix of the current worker's subtree ('' for an admin: the whole tree)."""
    if current_user.can(Can.SEE_WHOLE_TREE):
        return ""
    return current_user.scope_path


def within(path_column: ColumnElement) -> ColumnElement[bool]:
    """A WHERE clause keeping rows whose grid path lies in the current worker's subtree."""
    return in_subtree(path_column, scope_path())


def grids() -> Select:
    """Active grid nodes in scope."""
    return select(Grid).where(within(Grid.path), Grid.active)


def households() -> Select:
    """Active households in scope (joined to their micro-grid)."""
    return select(Household).join(Household.grid).where(within(Grid.path), Household.active)


def field_work(model: type) -> Select:
    """Rows of `model` made in scope: field work that keeps the micro-grid where it was done
    (`grid_id`: visits, colour changes, follow-ups, errands)."""
    return select(model).join(Grid, Grid.id == model.grid_id).where(within(Grid.path))


def workers() -> Select:
    """The workers the current worker manages: their own scope inside the current worker's,
    and a role below theirs (webapp/permissions.manageable_roles): a supervisor never reaches
    a fellow supervisor, an administrator or themselves through these pages."""
    return (
        select(Worker)
        .join(Worker.scope)
        .where(within(Grid.path), Worker.role.in_(manageable_roles(current_user.role)))
    )


def _visible(obj_active: bool) -> bool:
    # Managers can still open a deactivated record (to see it or bring it back); field workers
    # only work with what is active.
    return obj_active or current_user.can(Can.SEE_DEACTIVATED)


def _household_bound(model, object_id: int):
    """One row of a model that belongs to a household (via `model.household`), in scope."""
    return db.session.scalar(
        select(model)
        .join(model.household)
        .join(Household.grid)
        .where(model.id == object_id, within(Grid.path))
    )


def _found(obj, active: bool = True):
    if obj is None or not _visible(active):
        abort(404)
    return obj


def get_grid_or_404(grid_id: int) -> Grid:
    grid = db.session.scalar(select(Grid).where(Grid.id == grid_id, within(Grid.path)))
    return _found(grid, grid is not None and grid.active)


# Every write from a micro-grid row loads its household this way, so the statement is built
# once, with the subtree's bounds as parameters (building it per request cost as much CPU as
# running it).
_HOUSEHOLD_IN_SCOPE = (
    select(Household)
    .join(Household.grid)
    .where(
        Household.id == bindparam("household_id"),
        Grid.path >= bindparam("subtree_start"),
        Grid.path < bindparam("subtree_end"),
    )
)


def get_household_or_404(household_id: int) -> Household:
    start, end = subtree_bounds(scope_path())
    household = db.session.scalar(
        _HOUSEHOLD_IN_SCOPE,
        {"household_id": household_id, "subtree_start": start, "subtree_end": end},
    )
    return _found(household, household is not None and household.active)


def find_resident(resident_id: int) -> Resident | None:
    """The resident if they are in scope, else None: for telling a user only what they may
    know (where an ID number is registered)."""
    return _household_bound(Resident, resident_id)


def get_resident_or_404(resident_id: int) -> Resident:
    resident = _household_bound(Resident, resident_id)
    return _found(resident, resident is not None and resident.active and resident.household.active)


def find_household(household_id: int) -> Household | None:
    """The household if it is in scope (active or not), else None."""
    return db.session.scalar(
        select(Household)
        .join(Household.grid)
        .where(Household.id == household_id, within(Grid.path))
    )


def get_visit_or_404(visit_id: int) -> Visit:
    """A visit made in scope (by the micro-grid it was made in)."""
    return _found(db.session.scalar(field_work(Visit).where(Visit.id == visit_id)))


def get_observation_or_404(observation_id: int) -> Observation:
    return _found(_household_bound(Observation, observation_id))


def get_errand_or_404(errand_id: int) -> Errand:
    return _found(_household_bound(Errand, errand_id))


def cases(kind: str) -> Select:
    """Cases of `kind` that belong to a node in scope (joined to that node as Grid)."""
    return (
        select(Case).join(Grid, Grid.id == Case.grid_id).where(within(Grid.path), Case.kind == kind)
    )


def get_case_or_404(case_id: int, kind: str) -> Case:
    case = db.session.scalar(cases(kind).where(Case.id == case_id))
    return _found(case)


def enterprises() -> Select:
    """Enterprises the current user acts for (joined to their grid node as Grid): an enterprise
    account its own only, a department reviewer its department's (anywhere in the zone), the
    tree's roles those whose node lies in their subtree."""
    query = select(Enterprise).join(Grid, Grid.id == Enterprise.grid_id)
    if current_user.enterprise_id is not None:
        return query.where(Enterprise.id == current_user.enterprise_id)
    if current_user.department_id is not None:
        return query.where(Enterprise.department_id == current_user.department_id)
    return query.where(within(Grid.path))


def get_enterprise_or_404(enterprise_id: int) -> Enterprise:
    enterprise = db.session.scalar(enterprises().where(Enterprise.id == enterprise_id))
    return _found(enterprise, enterprise is not None and enterprise.active)


def problems() -> Select:
    """Enterprise problems the current user may see (joined to their case, and the case's node
    as Grid): an enterprise account its enterprise's, a reviewer its department's, the tree's
    roles those whose node lies in their subtree."""
    query = (
        select(EnterpriseProblem).join(EnterpriseProblem.case).join(Grid, Grid.id == Case.grid_id)
    )
    if current_user.enterprise_id is not None:
        return query.where(EnterpriseProblem.enterprise_id == current_user.enterprise_id)
    if current_user.department_id is not None:
        return query.where(EnterpriseProblem.department_id == current_user.department_id)
    return query.where(within(Grid.path))


def get_problem_or_404(case_id: int) -> EnterpriseProblem:
    return _found(db.session.scalar(problems().where(EnterpriseProblem.case_id == case_id)))


def get_worker_or_404(worker_id: int) -> Worker:
    worker = db.session.scalar(workers().where(Worker.id == worker_id))
    if worker is None:
        abort(404)
    return worker


def get_sweep_or_404(sweep_id: int) -> Sweep:
    """A sweep whose area meets the current worker's subtree: inside it, or above it (a
    township's sweep is also its micro-grids' workers' sweep)."""
    sweep = db.session.get(Sweep, sweep_id)
    if sweep is None:
        abort(404)
    mine = scope_path()
    if not (sweep.grid.path.startswith(mine) or mine.startswith(sweep.grid.path)):
        abort(404)
    return sweep


def grid_by_code(code: str) -> Grid | None:
    """An active grid node in scope by its short code (None for unknown or out-of-scope codes)."""
    return db.session.scalar(grids().where(Grid.code == code.strip().upper()))


def ancestors_in_scope(grid: Grid) -> list[Grid]:
    """The breadcrumb: the nodes from the worker's scope node down to `grid`'s parent."""
    ids = grid.ancestor_ids[:-1]
    if not ids:
        return []
    found = db.session.scalars(select(Grid).where(Grid.id.in_(ids), within(Grid.path))).all()
    return sorted(found, key=lambda g: g.level)
