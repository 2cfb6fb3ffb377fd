"""The visit write: two Core statements, built once.

A visit is the most frequent write of the whole app (the seed's district: 94,803 person-times a
month, most of them in the morning rounds), so it skips the ORM's unit of work: the statements
below are compiled once per process and run on the session's connection, inside the request's
transaction. In a profile the ORM's flush of one object and its ORM-enabled UPDATE took more
CPU than the SQL they ran.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, exists, insert, or_, select, update

from ..extensions import db
from ..models import Household, Visit

DUPLICATE_WINDOW = timedelta(minutes=10)

_visit = Visit.__table__
_household = Household.__table__

# Same worker, same household, within 10 minutes either side: kept, but flagged. Worked out in
# the INSERT itself (one statement, and two copies racing see each other's committed rows).
_recent = exists().where(
    _visit.c.worker_id == bindparam("worker_id"),
    _visit.c.household_id == bindparam("household_id"),
    _visit.c.visited_at > bindparam("window_start"),
    _visit.c.visited_at < bindparam("window_end"),
)
_COLUMNS = (
    "household_id",
    "worker_id",
    "grid_id",
    "visited_at",
    "method",
    "persons_seen",
    "not_at_home",
    "note",
    "temperatures",
    "client_key",
)
_INSERT = (
    insert(_visit)
    .from_select(
        [*_COLUMNS, "possible_duplicate"],
        select(*(bindparam(name, type_=_visit.c[name].type) for name in _COLUMNS), _recent),
    )
    .returning(_visit.c.id, _visit.c.possible_duplicate)
)

# A plain UPDATE that never bumps the household's version: a colour change queued on the same
# phone before the visit must not be refused as a conflict. Only ever moves forward, so a visit
# sent late from the outbox does not hide a newer one.
_TOUCH = (
    update(_household)
    .where(
        _household.c.id == bindparam("household_id"),
        or_(
            _household.c.last_visit_at.is_(None),
            _household.c.last_visit_at < bindparam("visited_at"),
        ),
    )
    .values(last_visit_at=bindparam("visited_at"))
)


def insert_visit(visit: Visit) -> None:
    """Write `visit` (a transient object, filled in) and move its household's last visit.

    Sets `visit.id` and `visit.possible_duplicate`. Uncommitted: the caller commits, and a key
    sent before raises IntegrityError there or here.
    """
    values = {name: getattr(visit, name) for name in _COLUMNS}
    row = (
        db.session.connection()
        .execute(
            _INSERT,
            {
                **values,
                "window_start": visit.visited_at - DUPLICATE_WINDOW,
                "window_end": visit.visited_at + DUPLICATE_WINDOW,
            },
        )
        .one()
    )
    visit.id, visit.possible_duplicate = row.id, bool(row.possible_duplicate)
    db.session.connection().execute(
        _TOUCH, {"household_id": visit.household_id, "visited_at": visit.visited_at}
    )
