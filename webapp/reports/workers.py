"""The daily report's worker list: each worker's visits of the day under the node, sortable.

A worker is listed when their scope lies under the node, they were active and already
registered by the end of the day (with no visit: 0), or when they made a visit under the node
that day (a worker of a node above, or one deactivated since: their visits count). Visits
count where they were made (their own grid), as everywhere in the report, so the list's sums
equal the report's visits and person-times; the households are distinct per worker (two
workers at one household count it once each). Where a worker's scope is shown, it is named
below the report's node. A node with more than WORKERS_SHOWN workers (a township, the zone)
lists none: its sub-areas' reports list theirs, and a PDF of thousands of rows would help
nobody.

One statement: the day's visits grouped by worker, joined to the workers. Sorting is done on
those rows in Python (at most WORKERS_SHOWN).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ..clock import day_start
from ..extensions import db
from ..models import Grid, Visit, Worker, in_subtree
from .parts import between, count_if
from .privacy import places_below

WORKERS_SHOWN = 300


@dataclass
class WorkerRow:
    worker_id: int
    name: str
    active: bool
    path: str  # the scope's path, for the area order
    place: str  # the scope named below the report's node
    visits: int = 0
    households: int = 0
    person_times: int = 0
    not_at_home: int = 0


# Sort keys: (what the link says, the row's key); figures largest first, then by area.
SORTS = {
    "area": lambda r: (r.path, r.name, r.worker_id),
    "name": lambda r: (r.name, r.path, r.worker_id),
    "visits": lambda r: (-r.visits, r.path, r.name, r.worker_id),
    "households": lambda r: (-r.households, r.path, r.name, r.worker_id),
    "person_times": lambda r: (-r.person_times, r.path, r.name, r.worker_id),
    "not_at_home": lambda r: (-r.not_at_home, r.path, r.name, r.worker_id),
}
DEFAULT_SORT = "area"


@dataclass
class WorkerList:
    rows: list[WorkerRow]
    sort: str
    too_many: bool  # more than WORKERS_SHOWN under the node: none listed

    @property
    def shown(self) -> int:
        return WORKERS_SHOWN

    @property
    def with_visits(self) -> int:
        return sum(1 for r in self.rows if r.visits)


def sort_of(typed: str | None) -> str:
    """The sort asked for in the query string; the default for anything else (it is a link the
    page makes, not something typed)."""
    return typed if typed in SORTS else DEFAULT_SORT


def worker_list(node: Grid, day: date, sort: str = DEFAULT_SORT) -> WorkerList:
    """Each worker's visits on `day` under `node`, sorted by `sort` (a key of SORTS)."""
    end = day_start(day + timedelta(days=1))
    per_worker = (
        select(
            Visit.worker_id.label("worker_id"),
            func.count().label("visits"),
            func.count(func.distinct(Visit.household_id)).label("households"),
            func.coalesce(func.sum(Visit.persons_seen), 0).label("person_times"),
            count_if(Visit.not_at_home).label("not_at_home"),
        )
        .join(Grid, Grid.id == Visit.grid_id)
        .where(in_subtree(Grid.path, node.path), between(Visit.visited_at, day, day))
        .group_by(Visit.worker_id)
        .subquery()
    )
    scope = aliased(Grid)
    stmt = (
        select(
            Worker.id,
            Worker.name,
            Worker.active,
            scope.path,
            per_worker.c.visits,
            per_worker.c.households,
            per_worker.c.person_times,
            per_worker.c.not_at_home,
        )
        .join(scope, scope.id == Worker.scope_id)
        .outerjoin(per_worker, per_worker.c.worker_id == Worker.id)
        .where(
            or_(
                and_(Worker.active, Worker.created_at < end, in_subtree(scope.path, node.path)),
                per_worker.c.worker_id.is_not(None),
            )
        )
        .order_by(scope.path, Worker.name, Worker.id)
        .limit(WORKERS_SHOWN + 1)
    )
    found = db.session.execute(stmt).all()
    if len(found) > WORKERS_SHOWN:
        return WorkerList([], sort, True)
    places = places_below(node, [row.path for row in found])
    rows = [
        WorkerRow(
            worker_id,
            name,
            active,
            path,
            places.get(int(path.rstrip(".").split(".")[-1]), ""),
            int(visits or 0),
            int(households or 0),
            int(persons or 0),
            int(away or 0),
        )
        for worker_id, name, active, path, visits, households, persons, away in found
    ]
    rows.sort(key=SORTS[sort])
    return WorkerList(rows, sort, False)
