"""Logging a visit: one insert and one update, built once.

A visit is the most frequent write of the whole app (the seed's district: 94,803 person-times a
month, most of them in the morning rounds), so it skips the ORM's unit of work (see
webapp/models/core.py): the statements below are compiled once per process and run on the
session's connection, inside the caller's transaction.

The rules: a visit is kept with the micro-grid the household was in at the time (reports stay
right after a move); the same worker at the same household within 10 minutes is kept but
flagged as a possible duplicate; the household's last visit only moves forward (a visit sent
late from a phone's outbox does not hide a newer one); nobody is seen when nobody is at home.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, insert, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..audit import trail
from ..extensions import db
from ..models import Household, Visit
from ..models.core import insert_columns, values_of
from ..rules import RuleError

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
_COLUMNS = insert_columns(_visit, computed=("possible_duplicate",))
_INSERT = (
    insert(_visit)
    .from_select(
        [*_COLUMNS, "possible_duplicate"],
        select(*(bindparam(name, type_=_visit.c[name].type) for name in _COLUMNS), _recent),
    )
    .returning(_visit.c.id, _visit.c.possible_duplicate)
)

# A plain UPDATE that never bumps the household's version: a colour change queued on the same
# phone before the visit must not be refused as a conflict.
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


def log_visit(
    household: Household,
    worker_id: int,
    visited_at: datetime,
    method: str,
    key: str,
    persons_seen: int | None = None,
    not_at_home: bool = False,
    note: str | None = None,
    temperatures: str | None = None,
) -> Visit:
    """Record a visit to `household`; `persons_seen` None counts the whole household. `key`
    names this one visit (a phone's sending key, an import's row): the same key twice is one
    visit.

    Uncommitted: the caller commits, and a key sent before raises IntegrityError here or there.
    """
    if not_at_home:
        persons_seen = 0
    elif persons_seen is None:
        persons_seen = household.member_count
    visit = Visit(
        household_id=household.id,
        worker_id=worker_id,
        grid_id=household.grid_id,
        visited_at=visited_at,
        method=method,
        persons_seen=persons_seen,
        not_at_home=not_at_home,
        note=note or None,
        temperatures=temperatures or None,
        client_key=key,
    )
    connection = db.session.connection()
    row = connection.execute(
        _INSERT,
        {
            **values_of(visit, _COLUMNS),
            "window_start": visited_at - DUPLICATE_WINDOW,
            "window_end": visited_at + DUPLICATE_WINDOW,
        },
    ).one()
    visit.id, visit.possible_duplicate = row.id, bool(row.possible_duplicate)
    connection.execute(_TOUCH, {"household_id": household.id, "visited_at": visited_at})
    # The loaded household follows, as the database now holds it.
    if household.last_visit_at is None or household.last_visit_at < visited_at:
        set_committed_value(household, "last_visit_at", visited_at)
    return visit


def can_undo(visit: Visit, worker_id: int, at: datetime, window: timedelta) -> bool:
    """Whether `worker_id` may still take `visit` back: their own, made less than `window` ago."""
    return visit.worker_id == worker_id and at - visit.visited_at <= window


def undo_visit(visit: Visit, worker_id: int, at: datetime, window: timedelta) -> None:
    """Take back a visit logged by mistake: it leaves every count (the row goes), the audit
    trail keeps what it was, and the household's last visit falls back to the one before.

    Only its author, and only within `window` of the visit (UNDO_MINUTES)."""
    if not can_undo(visit, worker_id, at, window):
        raise RuleError(_("Only its author can undo a visit, and only for a few minutes."))
    household = visit.household
    trail.record(
        "visit_undone",
        worker_id,
        ("household", household.id),
        visit.grid_id,
        visited_at=visit.visited_at.isoformat(timespec="minutes"),
        method=visit.method,
        persons_seen=visit.persons_seen,
    )
    db.session.delete(visit)
    db.session.flush()
    household.last_visit_at = db.session.scalar(
        select(func.max(Visit.visited_at)).where(Visit.household_id == household.id)
    )
