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

from sqlalchemy import and_, exists, false, func, select
from sqlalchemy.sql.elements import ColumnElement

from .. import scope
from ..clock import day_start, now
from ..extensions import db
from ..grids.queries import child_key, children_of
from ..models import Grid, Household, HouseholdMove, Screening, Sweep, in_subtree
from ..models.grid import segment
from ..reports.parts import count_if


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


# The screenings again, to ask of one screening's household whether it has another.
_screenings = Screening.__table__.alias("later")


def _of_sweep(sweep: Sweep, household_id: ColumnElement) -> ColumnElement[bool]:
    return and_(Screening.household_id == household_id, Screening.sweep_id == sweep.id)


def _contact_before(until: datetime) -> ColumnElement[bool]:
    return and_(Screening.contact.is_(True), Screening.screened_at < until)


def coverage_per_child(
    sweep: Sweep, node: Grid, key: ColumnElement, until: datetime | None = None
) -> dict[str, Coverage]:
    """`sweep`'s coverage under `node`, per value of `key` (a GROUP BY over Grid.path, such as
    grids.queries.child_key), counting what was done before `until` (the end of a report's
    day; by default the end of the window).

    Each figure is one statement grouped by micro-grid id, which SQLite and PostgreSQL answer
    from the screenings of one sweep and an index of the households, without touching the
    tree; the micro-grids are then summed into `key`'s groups (one more statement reads the
    area's paths). Grouped by the tree's paths directly, the zone took seconds: every row had
    to be joined to its grid first.
    """
    until = until or day_start(sweep.ends_on + timedelta(days=1))
    figures: dict[str, Coverage] = {}
    # Only what lies both under `node` and in the sweep's area is counted.
    area = viewed_node(sweep, node)
    if not node.contains(area):
        return figures
    group_of = dict(
        db.session.execute(select(Grid.id, key).where(in_subtree(Grid.path, area.path))).all()
    )
    per_grid: dict[int, Coverage] = {}

    def row(grid_id: int) -> Coverage:
        return per_grid.setdefault(grid_id, Coverage())

    contact = _contact_before(until)
    # Screened, where the screening was made (a household has one such screening at most).
    # A covering index answers it without reading the screenings themselves.
    found = (
        select(
            Screening.grid_id,
            func.count(),
            count_if(Screening.returnee),
            count_if(Screening.fever),
            count_if(Screening.key_person),
            count_if(Screening.elderly_alone),
        )
        .where(Screening.sweep_id == sweep.id, contact)
        .group_by(Screening.grid_id)
    )
    for grid_id, screened, returnees, fevers, key_persons, elderly in db.session.execute(found):
        c = row(grid_id)
        c.screened += screened
        c.returnees, c.fevers = int(returnees), int(fevers)
        c.key_persons, c.elderly_alone = int(key_persons), int(elderly)
    # Due: those screened where they were screened, and those not screened yet where they
    # live now. Per micro-grid that is its active households, plus those screened there that
    # have since been deactivated or moved away, less those screened elsewhere that live there
    # now. Moves and deactivations are few, so only they are looked up: joining 200,000
    # screenings to their households took seconds.
    homes = select(Household.grid_id, func.count()).where(Household.active)
    end = day_start(sweep.ends_on + timedelta(days=1))
    if end <= now():
        # Closed: households added since are not due in it. (While it is open none can be.)
        homes = homes.where(Household.created_at < end)
    for grid_id, households in db.session.execute(homes.group_by(Household.grid_id)):
        row(grid_id).due += households
    # From the deactivated households (a partial index holds them), not from the screenings.
    gone_ids = select(Household.id).where(Household.active == false()).subquery()
    gone = (
        select(Screening.grid_id, func.count())
        .select_from(gone_ids)
        .join(Screening, _of_sweep(sweep, gone_ids.c.id))
        .where(contact)
        .group_by(Screening.grid_id)
    )
    for grid_id, households in db.session.execute(gone):
        row(grid_id).due += households
    moved_ids = select(HouseholdMove.household_id).distinct().subquery()
    moved = (
        select(Screening.grid_id, Household.grid_id, func.count())
        .select_from(moved_ids)
        .join(Screening, _of_sweep(sweep, moved_ids.c.household_id))
        .join(Household, Household.id == Screening.household_id)
        .where(contact, Household.active, Household.grid_id != Screening.grid_id)
        .group_by(Screening.grid_id, Household.grid_id)
    )
    for screened_in, lives_in, households in db.session.execute(moved):
        row(screened_in).due += households
        row(lives_in).due -= households
    # Tried without contact and not screened since, where it was tried.
    tried = (
        select(Screening.grid_id, func.count(func.distinct(Screening.household_id)))
        .where(
            Screening.sweep_id == sweep.id,
            Screening.contact.is_(False),
            Screening.screened_at < until,
            ~exists().where(
                _screenings.c.sweep_id == sweep.id,
                _screenings.c.household_id == Screening.household_id,
                _screenings.c.contact.is_(True),
                _screenings.c.screened_at < until,
            ),
        )
        .group_by(Screening.grid_id)
    )
    for grid_id, households in db.session.execute(tried):
        row(grid_id).no_contact += households
    for grid_id, c in per_grid.items():
        prefix = group_of.get(grid_id)
        if prefix is not None:
            figures.setdefault(prefix, Coverage()).add(c)
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
