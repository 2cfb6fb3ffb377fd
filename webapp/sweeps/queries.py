"""Sweeps' reads: the open sweeps over a node, coverage per child node, a micro-grid's doors.

Coverage is counted in a fixed number of grouped statements, whatever the node and however
many sweeps are asked at once (the grid browser and the daily report ask for every open one):
the screenings by the micro-grid where they were made, and the households not screened yet by
the micro-grid where they live now. A household screened and then moved counts once, where it
was screened; one not screened yet is due where it lives. Households added after a sweep's end
are not due in it, so a closed sweep's figures stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, false, func, select, text, true
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.elements import ColumnElement

from .. import scope
from ..clock import day_start, now
from ..extensions import db
from ..grids.queries import Homes, child_key, children_of
from ..models import Grid, Household, HouseholdMove, Screening, Sweep, in_subtree
from ..models.grid import segment
from ..models.sweeps import FINDINGS
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
# Households whose screenings are looked up by id at a time (see _gone_and_moved).
_CHUNK = 500
# A figure's place in a micro-grid's tally (the fields of Coverage, in order).
_DUE, _SCREENED, _NO_CONTACT, _RETURNEES, _FEVERS, _KEY_PERSONS, _ELDERLY = range(7)


def _contact_before(until: datetime) -> ColumnElement[bool]:
    return and_(Screening.contact.is_(True), Screening.screened_at < until)


def _window_end(sweep: Sweep) -> datetime:
    return day_start(sweep.ends_on + timedelta(days=1))


def _before(screened_at: ColumnElement, until: datetime | None) -> ColumnElement[bool]:
    """Made before `until`; by default (None) before the end of its sweep's window, which
    every screening is: screen() refuses a tap on a day outside the window. Not asking spares
    the zone's statements a comparison per screening, and the look-up of a later screening
    its read of the row."""
    return true() if until is None else screened_at < until


def closed_cutoffs(sweeps: list[Sweep]) -> list[datetime]:
    """The ends of the windows of those of `sweeps` already closed, in order: each counts as
    due only the households registered before its end (a column of its own)."""
    return sorted({_window_end(s) for s in sweeps if _window_end(s) <= now()})


def _tallies(
    sweeps: list[Sweep],
    node: Grid,
    until: datetime | None,
    key: ColumnElement | None = None,
    homes: Homes | None = None,
) -> tuple[dict[int, object], dict[int, dict[int, list[int]]]]:
    """The figures of `sweeps` under `node`, per sweep and micro-grid, from a fixed number of
    grouped statements whatever the number of sweeps: (the value of `key` of every grid
    counted, per sweep id its tallies by grid id, each a list in the order of Coverage's
    fields). A sweep is counted in its area under `node` only (see viewed_node).

    Every statement reads only the grids of the areas (one range of the tree's index), so a
    micro-grid's figures (a door's answer) read that micro-grid and no more. Screenings are
    read from the covering index of a sweep's screenings; households from the index of the
    active ones per micro-grid, once for all the sweeps (a closed sweep counts only those
    added before its end, as a column of its own). With `homes` (the page's own read of the
    households under `node`, grids.queries.homes_under) the households and the grids' paths
    are taken from it, and not read again.
    """
    areas: dict[int, Grid] = {}
    for sweep in sweeps:
        area = viewed_node(sweep, node)
        if node.contains(area):  # only what lies both under `node` and in the sweep's area
            areas[sweep.id] = area
    tallies: dict[int, dict[int, list[int]]] = {sweep_id: {} for sweep_id in areas}
    if not areas:
        return {}, tallies
    distinct = {area.path: area for area in areas.values()}
    under = next(iter(distinct.values())) if len(distinct) == 1 else node
    closed = {s.id: _window_end(s) for s in sweeps if s.id in areas and _window_end(s) <= now()}
    cutoffs = sorted(set(closed.values()))
    if homes is not None and (
        key is not None or homes.node.id != node.id or not set(cutoffs) <= set(homes.cutoffs)
    ):
        homes = None  # read for another node or other sweeps: not this one's figures
    paths, keys = {}, {}
    if homes is not None:
        # A superset of the grids under `under` (it lies in `node`): whatever lies outside
        # an area is matched by path below and counted nowhere.
        paths = keys = homes.paths
    else:
        for grid_id, path, value in _read(
            select(Grid.id, Grid.path, Grid.path if key is None else key).where(_in(under))
        ):
            paths[grid_id], keys[grid_id] = path, value
    ids = list(areas)
    grids = select(Grid.id).where(_in(under)).scalar_subquery()

    def row(sweep_id: int, grid_id: int) -> list[int]:
        tally = tallies[sweep_id].get(grid_id)
        if tally is None:
            tally = tallies[sweep_id][grid_id] = [0] * 7
        return tally

    # Screened, where the screening was made (a household has one such screening at most):
    # a bare COUNT(*) from ix_screening_coverage; the findings apart, from the partial index
    # of the screenings with one (models.sweeps.FINDINGS). Counted in one statement, the
    # zone's 200,000 screenings had each of their four flags read: 0.11 s against 0.08 s.
    screened = (
        select(Screening.sweep_id, Screening.grid_id, func.count())
        .where(
            Screening.sweep_id.in_(ids),
            Screening.contact.is_(True),
            Screening.grid_id.in_(grids),
            _before(Screening.screened_at, until),
        )
        .group_by(Screening.sweep_id, Screening.grid_id)
    )
    for sweep_id, grid_id, n in _read(screened):
        row(sweep_id, grid_id)[_SCREENED] += n
    found = (
        select(
            Screening.sweep_id,
            Screening.grid_id,
            func.count().filter(Screening.returnee),
            func.count().filter(Screening.fever),
            func.count().filter(Screening.key_person),
            func.count().filter(Screening.elderly_alone),
        )
        .where(
            Screening.sweep_id.in_(ids),
            text(FINDINGS),  # word for word the partial index's condition
            Screening.grid_id.in_(grids),
            _before(Screening.screened_at, until),
        )
        .group_by(Screening.sweep_id, Screening.grid_id)
    )
    for sweep_id, grid_id, returnees, fevers, key_persons, elderly in _read(found):
        tally = row(sweep_id, grid_id)
        tally[_RETURNEES] += returnees
        tally[_FEVERS] += fevers
        tally[_KEY_PERSONS] += key_persons
        tally[_ELDERLY] += elderly
    # Due: those screened where they were screened, and those not screened yet where they
    # live now. Per micro-grid that is its active households, plus those screened there that
    # have since been deactivated or moved away, less those screened elsewhere that live there
    # now (see _gone_and_moved). A closed sweep counts only the households added before its
    # end; while it is open none can have been added after it.
    if homes is not None:
        column = {sweep_id: 1 + homes.cutoffs.index(end) for sweep_id, end in closed.items()}
        per_grid = ((grid_id, *tally) for grid_id, tally in homes.due().items())
    else:
        column = {sweep_id: 1 + cutoffs.index(end) for sweep_id, end in closed.items()}
        per_grid = _read(
            select(
                Household.grid_id,
                func.count(),
                *[count_if(Household.created_at < cutoff) for cutoff in cutoffs],
            )
            .where(Household.active, Household.grid_id.in_(grids))
            .group_by(Household.grid_id)
        )
    for grid_id, *households in per_grid:
        path = paths.get(grid_id, "")
        for sweep_id, area in areas.items():
            if path.startswith(area.path):
                row(sweep_id, grid_id)[_DUE] += households[column.get(sweep_id, 0)]
    for sweep_id, grid_id, change in _gone_and_moved(ids, until):
        row(sweep_id, grid_id)[_DUE] += change
    # Tried without contact and not screened since, where it was tried. The later screening's
    # contact is asked for bare, as the partial unique index of screenings with contact is
    # declared, so that SQLite looks it up there by sweep and household: asked as "contact IS
    # 1" for several sweeps, it read the sweep's every screening for each attempt.
    tried = (
        select(
            Screening.sweep_id,
            Screening.grid_id,
            func.count(func.distinct(Screening.household_id)),
        )
        .where(
            Screening.sweep_id.in_(ids),
            Screening.contact.is_(False),
            Screening.grid_id.in_(grids),
            _before(Screening.screened_at, until),
            ~exists().where(
                _screenings.c.sweep_id == Screening.sweep_id,
                _screenings.c.household_id == Screening.household_id,
                text("later.contact"),
                _before(_screenings.c.screened_at, until),
            ),
        )
        .group_by(Screening.sweep_id, Screening.grid_id)
    )
    for sweep_id, grid_id, households in _read(tried):
        row(sweep_id, grid_id)[_NO_CONTACT] += households
    # What was moved to a grid outside the sweep's area counts nowhere.
    for sweep_id, per_grid in tallies.items():
        inside = areas[sweep_id].path
        for grid_id in [g for g in per_grid if not paths.get(g, "").startswith(inside)]:
            del per_grid[grid_id]
    return keys, tallies


def _gone_and_moved(sweep_ids: list[int], until: datetime | None) -> list[tuple[int, int, int]]:
    """The corrections to the households due, as (sweep id, grid id, change): a household
    screened and since deactivated stays due where it was screened; one screened and since
    moved is due where it was screened, not where it lives now.

    Such households are few (a partial index holds the deactivated ones, and moves are
    rare), so their ids are read first and their screenings looked up by household: none, and
    nothing more is read. Asking the database to join them to the sweep's screenings instead
    had SQLite read all of those (200,000 in the zone) for none found.
    """
    # In id order, so that SQLite reads the partial index of the deactivated (not every row).
    inactive = select(Household.id).where(Household.active == false()).order_by(Household.id)
    gone = set(db.session.scalars(inactive))
    moved = set(db.session.scalars(select(HouseholdMove.household_id).distinct()))
    changes = []
    households = sorted(gone | moved)
    for start in range(0, len(households), _CHUNK):
        chunk = households[start : start + _CHUNK]
        rows = db.session.execute(
            select(
                Screening.sweep_id,
                Screening.household_id,
                Screening.grid_id,
                Screening.screened_at,
                Household.grid_id,
            )
            .join(Household, Household.id == Screening.household_id)
            .where(
                Screening.sweep_id.in_(sweep_ids),
                Screening.household_id.in_(chunk),
                text("screening.contact"),  # bare: the partial unique index serves it
            )
        )
        for sweep_id, household_id, screened_in, at, lives_in in rows:
            if until is not None and at >= until:
                continue
            if household_id in gone:
                changes.append((sweep_id, screened_in, 1))
            elif lives_in != screened_in:
                changes.append((sweep_id, screened_in, 1))
                changes.append((sweep_id, lives_in, -1))
    return changes


def _read(stmt):
    """The rows of a Core statement, without the ORM's processing of each row (a tenth of the
    zone's browser in CPU, over its thousands of per-grid rows); pending changes flushed first,
    as the session's own execute would."""
    db.session.flush()
    return db.session.connection().execute(stmt)


def _in(node: Grid) -> ColumnElement[bool]:
    return in_subtree(Grid.path, node.path)


def _add(total: list[int], tally: list[int]) -> None:
    for i, n in enumerate(tally):
        total[i] += n


def coverages_per_child(
    sweeps: list[Sweep], node: Grid, key: ColumnElement, until: datetime | None = None
) -> dict[int, dict[str, Coverage]]:
    """Each of `sweeps`' coverage under `node`, per value of `key` (a GROUP BY over
    Grid.path, such as grids.queries.child_key), keyed by sweep id, counting what was done
    before `until` (the end of a report's day; by default the end of each sweep's window).

    The statements are grouped by micro-grid id, which SQLite and PostgreSQL answer from the
    screenings of the sweeps and an index of the households, without touching the tree; the
    micro-grids are then summed into `key`'s groups (read with the area's paths). Grouped by
    the tree's paths directly, the zone took seconds: every row had to be joined to its grid
    first. Their number does not depend on how many sweeps are asked.
    """
    keys, tallies = _tallies(sweeps, node, until, key)
    figures: dict[int, dict[str, Coverage]] = {sweep.id: {} for sweep in sweeps}
    for sweep_id, per_grid in tallies.items():
        groups: dict[str, list[int]] = {}
        for grid_id, tally in per_grid.items():
            _add(groups.setdefault(keys[grid_id], [0] * 7), tally)
        figures[sweep_id] = {prefix: Coverage(*t) for prefix, t in groups.items()}
    return figures


def coverage_per_child(
    sweep: Sweep, node: Grid, key: ColumnElement, until: datetime | None = None
) -> dict[str, Coverage]:
    """`sweep`'s coverage under `node`, per value of `key` (see coverages_per_child)."""
    return coverages_per_child([sweep], node, key, until)[sweep.id]


def coverages_at(
    sweeps: list[Sweep], node: Grid, until: datetime | None = None, homes: Homes | None = None
) -> dict[int, Coverage]:
    """Each of `sweeps`' coverage of the whole of `node` (of its area, when that lies inside
    `node`), keyed by sweep id, from as many statements as one sweep's (one fewer with the
    page's `homes`, see _tallies)."""
    _keys, tallies = _tallies(sweeps, node, until, homes=homes)
    totals = {sweep.id: Coverage() for sweep in sweeps}
    for sweep_id, per_grid in tallies.items():
        total = [0] * 7
        for tally in per_grid.values():
            _add(total, tally)
        totals[sweep_id] = Coverage(*total)
    return totals


def coverage_at(sweep: Sweep, node: Grid, until: datetime | None = None) -> Coverage:
    """`sweep`'s coverage of the whole of `node`."""
    return coverages_at([sweep], node, until)[sweep.id]


def children_coverage(sweep: Sweep, node: Grid) -> list[tuple[Grid, Coverage]]:
    """The active children of `node`, each with its coverage, worst first."""
    return children_and_total(sweep, node)[0]


def children_and_total(sweep: Sweep, node: Grid) -> tuple[list[tuple[Grid, Coverage]], Coverage]:
    """The active children of `node` with their coverage, worst first, and the coverage of
    the whole of `node` (what coverage_at says), from one reading of the figures: the total
    is the sum of every child's, those of inactive children too."""
    figures = coverage_per_child(sweep, node, child_key(node))
    total = Coverage()
    for c in figures.values():
        total.add(c)
    rows = [(child, figures.get(child.path, Coverage())) for child in children_of(node)]
    rows.sort(key=lambda row: (row[1].percent, row[0].code))
    return rows, total


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
        .options(contains_eager(Sweep.grid))  # their areas, without a statement per sweep
        .where(Sweep.starts_on <= day, Sweep.ends_on >= day, overlapping(node))
        .order_by(Sweep.starts_on.desc(), Sweep.id.desc())
    )
    return list(db.session.scalars(stmt))


def open_with_coverage(
    node: Grid, day: date, sweeps: list[Sweep] | None = None, homes: Homes | None = None
) -> list[tuple[Sweep, Grid, Coverage]]:
    """The sweeps open on `day` over `node` or part of it (`sweeps`, when already read), each
    with the node it is seen from (see viewed_node) and its coverage there."""
    if sweeps is None:
        sweeps = open_sweeps(node, day)
    totals = coverages_at(sweeps, node, homes=homes)
    return [(sweep, viewed_node(sweep, node), totals[sweep.id]) for sweep in sweeps]


def sweeps_of(node: Grid, limit: int = 50) -> list[Sweep]:
    """Every sweep, open or closed, whose area holds `node` or part of it, newest first."""
    stmt = (
        select(Sweep)
        .join(Sweep.grid)
        .options(contains_eager(Sweep.grid))
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
