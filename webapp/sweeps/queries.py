"""Sweeps' reads: the open sweeps over a node, coverage per child node, a micro-grid's doors.

Coverage is counted in two grouped statements, whatever the node: the screenings by the
micro-grid where they were made, and the households not screened yet by the micro-grid where
they live now. A household screened and then moved counts once, where it was screened; one
not screened yet is due where it lives. Households added after a sweep's end are not due in
it, so a closed sweep's figures stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.sql.elements import ColumnElement

from .. import scope
from ..clock import day_start
from ..extensions import db
from ..grids.queries import child_key, children_of
from ..models import Grid, Household, Screening, Sweep, in_subtree
from ..models.grid import segment


@dataclass
class Coverage:
    """One node's figures in one sweep."""

    due: int = 0
    screened: int = 0
    # Households tried without finding anybody, and not screened since.
    no_contact: int = 0
    returnees: int = 0
    fevers: int = 0
    key_persons: int = 0
    elderly_alone: int = 0

    @property
    def findings(self) -> int:
        return self.returnees + self.fevers + self.key_persons + self.elderly_alone

    @property
    def left(self) -> int:
        return self.due - self.screened

    @property
    def percent(self) -> int:
        """Screened of due, in whole per cent, rounded down (99 % is not everybody)."""
        return self.screened * 100 // self.due if self.due else 100

    def add(self, other: Coverage) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _sum_if(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _contact_before(until: datetime) -> ColumnElement[bool]:
    return and_(Screening.contact.is_(True), Screening.screened_at < until)


def coverage_per_child(
    sweep: Sweep, node: Grid, key: ColumnElement, until: datetime | None = None
) -> dict[str, Coverage]:
    """`sweep`'s coverage under `node`, per value of `key` (a GROUP BY over Grid.path, such as
    grids.queries.child_key), counting what was done before `until` (the end of a report's
    day; by default the end of the window)."""
    until = until or day_start(sweep.ends_on + timedelta(days=1))
    figures: dict[str, Coverage] = {}
    # Only what lies both under `node` and in the sweep's area is counted.
    area = viewed_node(sweep, node)
    if not node.contains(area):
        return figures
    contact = _contact_before(until)
    found = (
        select(
            key,
            func.count(func.distinct(case((contact, Screening.household_id)))),
            _sum_if(and_(contact, Screening.returnee)),
            _sum_if(and_(contact, Screening.fever)),
            _sum_if(and_(contact, Screening.key_person)),
            _sum_if(and_(contact, Screening.elderly_alone)),
        )
        .select_from(Screening)
        .join(Grid, Grid.id == Screening.grid_id)
        .where(Screening.sweep_id == sweep.id, in_subtree(Grid.path, node.path), contact)
        .group_by(key)
    )
    for prefix, screened, returnees, fevers, key_persons, elderly in db.session.execute(found):
        figures[prefix] = Coverage(
            due=screened,
            screened=screened,
            returnees=int(returnees),
            fevers=int(fevers),
            key_persons=int(key_persons),
            elderly_alone=int(elderly),
        )
    screened_before = exists().where(
        Screening.sweep_id == sweep.id, Screening.household_id == Household.id, contact
    )
    tried_before = exists().where(
        Screening.sweep_id == sweep.id,
        Screening.household_id == Household.id,
        Screening.contact.is_(False),
        Screening.screened_at < until,
    )
    left = (
        select(key, func.count(), _sum_if(tried_before))
        .select_from(Household)
        .join(Grid, Grid.id == Household.grid_id)
        .where(
            in_subtree(Grid.path, area.path),
            Household.active,
            Household.created_at < day_start(sweep.ends_on + timedelta(days=1)),
            ~screened_before,
        )
        .group_by(key)
    )
    for prefix, households, tried in db.session.execute(left):
        row = figures.setdefault(prefix, Coverage())
        row.due += households
        row.no_contact += int(tried)
    return figures


def coverage_at(sweep: Sweep, node: Grid, until: datetime | None = None) -> Coverage:
    """`sweep`'s coverage of the whole of `node`."""
    total = Coverage()
    for row in coverage_per_child(sweep, node, child_key(node), until).values():
        total.add(row)
    return total


def children_coverage(sweep: Sweep, node: Grid) -> list[tuple[Grid, Coverage]]:
    """The active children of `node`, each with its coverage, worst first."""
    figures = coverage_per_child(sweep, node, child_key(node))
    rows = [(child, figures.get(child.path, Coverage())) for child in children_of(node)]
    rows.sort(key=lambda row: (row[1].percent, row[0].code))
    return rows


def overlapping(node: Grid) -> ColumnElement[bool]:
    """Sweeps whose area holds `node` (over it or one of its ancestors) or lies inside it."""
    ancestors, path = [], ""
    for grid_id in node.ancestor_ids:
        path += segment(grid_id)
        ancestors.append(path)
    return Grid.path.in_(ancestors) | in_subtree(Grid.path, node.path)


def open_sweeps(node: Grid, day: date) -> list[Sweep]:
    """Sweeps open on `day` whose area holds `node` or part of it, newest first."""
    stmt = (
        select(Sweep)
        .join(Sweep.grid)
        .where(Sweep.starts_on <= day, Sweep.ends_on >= day, overlapping(node))
        .order_by(Sweep.starts_on.desc(), Sweep.id.desc())
    )
    return list(db.session.scalars(stmt))


def open_with_coverage(node: Grid, day: date) -> list[tuple[Sweep, Grid, Coverage]]:
    """The sweeps open on `day` over `node` or part of it, each with the node it is seen from
    (see viewed_node) and its coverage there."""
    rows = []
    for sweep in open_sweeps(node, day):
        seen_from = viewed_node(sweep, node)
        rows.append((sweep, seen_from, coverage_at(sweep, seen_from)))
    return rows


def sweeps_of(node: Grid, limit: int = 50) -> list[Sweep]:
    """Every sweep, open or closed, whose area holds `node` or part of it, newest first."""
    stmt = (
        select(Sweep)
        .join(Sweep.grid)
        .where(overlapping(node))
        .order_by(Sweep.ends_on.desc(), Sweep.id.desc())
    )
    return list(db.session.scalars(stmt.limit(limit)))


def viewed_node(sweep: Sweep, node: Grid) -> Grid:
    """Where a worker of `node` looks at `sweep` from: the deeper of the two areas."""
    return node if sweep.grid.contains(node) else sweep.grid


@dataclass
class Door:
    """A household of a micro-grid in a sweep: screened (when, by whom), or its attempts."""

    household: Household
    screening: Screening | None
    attempts: list[Screening]

    @property
    def last_attempt(self) -> Screening | None:
        return self.attempts[-1] if self.attempts else None


def doors(sweep: Sweep, micro_grid: Grid) -> list[Door]:
    """The micro-grid's households in `sweep`, those not screened yet first (in address order),
    then the screened ones; each with what was done at its door."""
    households = list(
        db.session.scalars(
            select(Household)
            .where(Household.grid_id == micro_grid.id, Household.active)
            .order_by(Household.address, Household.id)
        )
    )
    done = _screenings_of(sweep, [h.id for h in households])
    rows = [
        Door(
            h,
            next((s for s in done.get(h.id, []) if s.contact), None),
            [s for s in done.get(h.id, []) if not s.contact],
        )
        for h in households
    ]
    rows.sort(key=lambda door: door.screening is not None)  # stable: address order stays
    return rows


def door(sweep: Sweep, household: Household) -> Door:
    """One household's door in `sweep`."""
    done = _screenings_of(sweep, [household.id]).get(household.id, [])
    return Door(
        household,
        next((s for s in done if s.contact), None),
        [s for s in done if not s.contact],
    )


def doors_of_household(household: Household, day: date) -> list[tuple[Sweep, Door]]:
    """The sweeps open on `day` over `household`'s micro-grid, each with its door."""
    return [(sweep, door(sweep, household)) for sweep in open_sweeps(household.grid, day)]


def _screenings_of(sweep: Sweep, household_ids: list[int]) -> dict[int, list[Screening]]:
    by_household: dict[int, list[Screening]] = {}
    if not household_ids:
        return by_household
    for screening in db.session.scalars(
        select(Screening)
        .where(Screening.sweep_id == sweep.id, Screening.household_id.in_(household_ids))
        .order_by(Screening.screened_at, Screening.id)
    ):
        by_household.setdefault(screening.household_id, []).append(screening)
    return by_household


def never_reached(sweep: Sweep, node: Grid) -> list[Household]:
    """Households under `node` due in `sweep` and not screened, by micro-grid and address."""
    until = day_start(sweep.ends_on + timedelta(days=1))
    return list(
        db.session.scalars(
            select(Household)
            .join(Grid, Grid.id == Household.grid_id)
            .where(
                in_subtree(Grid.path, node.path),
                Household.active,
                Household.created_at < until,
                ~exists().where(
                    Screening.sweep_id == sweep.id,
                    Screening.household_id == Household.id,
                    _contact_before(until),
                ),
            )
            .order_by(Grid.path, Household.address, Household.id)
        )
    )


def fevers_found(day: date, limit: int = 50) -> list[Screening]:
    """Today's screenings in scope that found a fever (for the alert list)."""
    stmt = (
        select(Screening)
        .join(Grid, Grid.id == Screening.grid_id)
        .where(
            scope.within(Grid.path),
            Screening.fever.is_(True),
            Screening.screened_at >= day_start(day),
            Screening.screened_at < day_start(day + timedelta(days=1)),
        )
        .order_by(Screening.screened_at.desc())
    )
    return list(db.session.scalars(stmt.limit(limit)))
