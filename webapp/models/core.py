"""Writing rows with Core statements built once, for the busiest writes (visits, colours).

In a profile the ORM's flush of one object cost more CPU than the SQL it ran, so these writes
fill a transient object and insert its values with a prepared statement. One convention for
all of them: an insert writes every column of the table but the primary key and the columns
the statement works out itself, read from the table, so a column added later is written,
never dropped silently.
"""

from __future__ import annotations

from sqlalchemy import Table

from ..extensions import db


def insert_columns(table: Table, computed: tuple[str, ...] = ()) -> list[str]:
    """The columns an insert into `table` writes: all but the primary key and `computed`."""
    return [c.key for c in table.columns if not c.primary_key and c.key not in computed]


def values_of(record: db.Model, columns: list[str]) -> dict[str, object]:
    """`record`'s values for `columns`; a column left unset (None) gets its Python default,
    as the ORM's flush would give it."""
    table = record.__table__
    values = {}
    for name in columns:
        value = getattr(record, name)
        default = table.c[name].default
        if value is None and default is not None:
            value = default.arg(None) if default.is_callable else default.arg
        values[name] = value
    return values
