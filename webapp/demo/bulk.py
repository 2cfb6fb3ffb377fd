"""How the demo writes its rows: plain dicts with explicit ids, in Core executemany batches.

ORM objects for half a million residents would take many minutes and gigabytes. Ids chosen by
the demo let a row point at another before either is written.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db

BATCH = 10_000

# Every table the demo writes with explicit ids (PostgreSQL's sequences are set past them).
TABLES = (
    "grid",
    "worker",
    "household",
    "resident",
    "visit",
    "status_change",
    "observation",
    "observation_event",
    "follow_up",
    "errand",
    "sweep",
    "screening",
)


def insert(model: type[db.Model], rows: list[dict]) -> None:
    """Write `rows` into `model`'s table, BATCH at a time, and commit."""
    # The Table, not the mapped class: plain Core executemany skips the ORM bulk machinery.
    table: sa.Table = model.__table__
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start : start + BATCH])
    db.session.commit()


def next_id(model: type[db.Model]) -> int:
    """The first id after those in `model`'s table."""
    return (db.session.execute(sa.select(sa.func.max(model.id))).scalar() or 0) + 1


def reset_sequences() -> None:
    """Set PostgreSQL's serial sequences past the demo's ids."""
    # Explicit ids leave the sequences at 1: the app's next insert would collide.
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )
    db.session.commit()
