"""The grid browser's selects: children of a node with their counts, in one grouped query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, bindparam, func, select

from ..clock import day_start, today
from ..extensions import db
from ..models import STATUSES, Grid, Household, Visit, in_subtree
from ..reports.parts import count_if


@dataclass
class Counts:
    households: int = 0
    residents: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def add(self, status: str, households: int, residents: int) -> None:
        self.households += households
        self.residents += residents
        self.by_status[status] += households


def households_by_colour(node: Grid, key: ColumnElement, *conditions) -> Select:
    """Active households and their residents under `node`, per `key` and colour: rows of (key,
    status, households, residents). `key` is a path prefix of Grid (a child's subtree per
    group, or the node's own path for one total); `conditions` narrow the households.

    Two steps: count per micro-grid first (an index-only scan of ix_household_grid_counts),
    then add those few thousand rows up per key; grouping 200,000 joined households by a path
    substring directly made the database sort them all, three to four times slower on the zone.
    """
    per_grid = (
        select(
            Household.grid_id,
            Household.status,
            func.count().label("households"),
            func.sum(Household.member_count).label("residents"),
        )
        .where(
            Household.active,
            Household.grid_id.in_(select(Grid.id).where(in_subtree(Grid.path, node.path))),
            *conditions,
        )
        .group_by(Household.grid_id, Household.status)
        .subquery()
    )
    return (
        select(
            key,
            per_grid.c.status,
            func.sum(per_grid.c.households),
            func.coalesce(func.sum(per_grid.c.residents), 0),
        )
        .select_from(per_grid)
        .join(Grid, Grid.id == per_grid.c.grid_id)
        .group_by(key, per_grid.c.status)
    )


def child_key(node: Grid) -> ColumnElement[str]:
    """The path prefix that tells the children of `node` apart (a GROUP BY key)."""
    return func.substr(Grid.path, 1, node.child_prefix_length()).label("child")


def count_per_child(node: Grid, model: type, *conditions) -> dict[str, int]:
    """Rows of `model` (anything with a `grid_id`) under `node`, counted per child of `node` by
    the child's path, in one grouped statement."""
    key = child_key(node)
    stmt = (
        select(key, func.count())
        .select_from(model)
        .join(Grid, Grid.id == model.grid_id)
        .where(in_subtree(Grid.path, node.path), *conditions)
        .group_by(key)
    )
    return {prefix: n for prefix, n in db.session.execute(stmt)}


def children_of(node: Grid) -> list[Grid]:
    """The active children of `node`, in code order."""
    return list(
        db.session.scalars(
            select(Grid).where(Grid.parent_id == node.id, Grid.active).order_by(Grid.code)
        )
    )


@dataclass
class Homes:
    """The active households under a node, per micro-grid and colour, from one pass over them:
    the grid browser's colour counts and its open sweeps' households due (sweeps.queries) are
    both added up from it, where each used to read the zone's 200,000 households again.

    `rows` are (grid id, status, households, residents, then for each of `cutoffs` those
    registered before it); `paths` holds the path of every grid under the node.
    """

    node: Grid
    cutoffs: list[datetime]
    rows: list[tuple]
    paths: dict[int, str]

    def due(self) -> dict[int, list[int]]:
        """Per grid id: its active households, then those registered before each cutoff."""
        per_grid: dict[int, list[int]] = {}
        for grid_id, _status, households, _residents, *before in self.rows:
            tally = per_grid.get(grid_id)
            if tally is None:
                per_grid[grid_id] = [households, *before]
            else:
                tally[0] += households
                for i, n in enumerate(before, 1):
                    tally[i] += n
        return per_grid


def homes_under(node: Grid, cutoffs: Sequence[datetime] = ()) -> Homes:
    """The active households under `node` per micro-grid and colour (see Homes), in one
    grouped statement over ix_household_grid_counts (its index holds every column asked)."""
    cutoffs = sorted(set(cutoffs))
    grids = select(Grid.id).where(in_subtree(Grid.path, node.path))
    stmt = (
        select(
            Household.grid_id,
            Household.status,
            func.count(),
            func.coalesce(func.sum(Household.member_count), 0),
            *[count_if(Household.created_at < cutoff) for cutoff in cutoffs],
        )
        .where(Household.active, Household.grid_id.in_(grids.scalar_subquery()))
        .group_by(Household.grid_id, Household.status)
    )
    db.session.flush()  # read as the Core statements they are: no ORM work per row
    connection = db.session.connection()
    rows = connection.execute(stmt).all()
    paths = {
        grid_id: path
        for grid_id, path in connection.execute(
            select(Grid.id, Grid.path).where(in_subtree(Grid.path, node.path))
        )
    }
    return Homes(node, cutoffs, rows, paths)


def children_with_counts(
    node: Grid, homes: Homes | None = None
) -> tuple[list[tuple[Grid, Counts]], Counts]:
    """The active children of `node`, each with its subtree's counts, and their total; added
    up from `homes` when the page has read them (homes_under(node)), else in one statement."""
    children = children_of(node)
    counts: dict[str, Counts] = {}
    if children and homes is not None:
        length = node.child_prefix_length()
        prefixes = {grid_id: path[:length] for grid_id, path in homes.paths.items()}
        for grid_id, status, households, residents, *_before in homes.rows:
            prefix = prefixes[grid_id]
            c = counts.get(prefix)
            if c is None:
                c = counts[prefix] = Counts()
            c.add(status, households, int(residents))
    elif children:
        for prefix, status, households, residents in db.session.execute(
            households_by_colour(node, child_key(node))
        ):
            counts.setdefault(prefix, Counts()).add(status, int(households), int(residents))
    rows = [(child, counts.get(child.path, Counts())) for child in children]
    total = Counts()
    for _child, c in rows:
        for status, n in c.by_status.items():
            total.by_status[status] += n
        total.households += c.households
        total.residents += c.residents
    return rows, total


@dataclass
class MicroSummary:
    """The counters at the top of a micro-grid page."""

    counts: Counts
    visited_today: int


# Built once: it answers every visit and colour change from a micro-grid list, the most
# frequent request of the app, so it skips the statement's construction and the ORM.
_household = Household.__table__
_visit = Visit.__table__
_MICRO_SUMMARY = (
    select(
        _household.c.status,
        func.count(),
        func.coalesce(func.sum(_household.c.member_count), 0),
        select(func.count(func.distinct(_visit.c.household_id)))
        .where(
            _visit.c.grid_id == bindparam("grid_id"),
            _visit.c.visited_at >= bindparam("day_start"),
        )
        .scalar_subquery(),
    )
    .where(_household.c.grid_id == bindparam("grid_id"), _household.c.active)
    .group_by(_household.c.status)
)


def counters_in_transaction(micro_grid_id: int) -> MicroSummary | None:
    """A micro-grid's counters for the answer to a write, read inside the write's transaction
    just before its commit (so they include the write) where that is cheaper; None where they
    had better be read after the commit.

    PostgreSQL locks rows: read inside, the counters save a transaction of their own (BEGIN
    and ROLLBACK round trips; its CPU a visit went from 3.4 to 2.1 ms). SQLite has one writer
    at a time: holding its lock through the read cost writes (wrk, alternate runs: 314, 295,
    258 visits/s against 337, 353, 311 when read after the commit).
    """
    if db.session.connection().dialect.name == "sqlite":
        return None
    db.session.flush()  # a change left to the ORM (a returnee's member count) counts too
    return micro_summary(micro_grid_id)


def micro_summary(micro_grid_id: int) -> MicroSummary:
    """Households, residents and colours of one micro-grid, and how many were visited today."""
    rows = (
        db.session.connection()
        .execute(_MICRO_SUMMARY, {"grid_id": micro_grid_id, "day_start": day_start(today())})
        .all()
    )
    counts = Counts()
    for status, households, residents, _visited in rows:
        counts.add(status, households, int(residents))
    return MicroSummary(counts, rows[0][3] if rows else 0)


def households_of(micro_grid: Grid) -> list[Household]:
    """The active households of one micro-grid, in address order."""
    return list(
        db.session.scalars(
            select(Household)
            .where(Household.grid_id == micro_grid.id, Household.active)
            .order_by(Household.address, Household.id)
        )
    )
