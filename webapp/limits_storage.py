"""The rate limits' storage without Redis: counters in a table of the app's own database.

The limits (sign-in, webapp/auth/views.py; the public checks of printed codes, webapp/codes.py)
must hold for the whole server, not per process: with `memory://`, three gunicorn processes let
three times the limit through. Without REDIS_URL the limiter keeps its counters here instead
(scheme `gridwork-db://`, chosen in webapp/config.py). The database rather than a file beside
the app, because:

- it is correct under concurrent processes on both engines by the database's own locking, with
  nothing to get right by hand: one hit is one INSERT ... ON CONFLICT DO UPDATE ... RETURNING,
  which adds to the count and reads it back in one statement (PostgreSQL locks the row, SQLite
  has one writer at a time), so two processes never both take the last free place. A file store
  needs its own locks (fcntl, which network file systems keep badly) and its own clean-up;
- every app server that shares the PostgreSQL database shares the limits too;
- it uses the engine the app already has (SQLite's busy timeout and WAL, the pool).

Its cost is one short write transaction per limited request (a sign-in post, a public check);
no other request reaches the limiter (extensions.RATE_LIMITED_ENDPOINTS).

Fixed windows only, Flask-Limiter's default strategy: one row per key, the window starting at
its first hit. A hit commits on a connection of its own at once, whatever the request's session
does later, so an attempt counts even when its request fails. Time is `time.time()`, as the
`limits` library's own storages count; app servers keep their clocks by NTP. Expired rows are
pruned once a minute per process.
"""

from __future__ import annotations

import hashlib
import logging
import time

from limits.storage import Storage
from sqlalchemy import Delete, Insert, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models.ratelimits import KEY_LENGTH, RateLimitCounter

log = logging.getLogger(__name__)

SCHEME = "gridwork-db"
PRUNE_EVERY = 60.0  # seconds

_TABLE = RateLimitCounter.__table__
# The two engines the app runs on, both with INSERT ... ON CONFLICT and RETURNING.
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _now() -> float:
    return time.time()


def _stored(key: str) -> str:
    """The key as the table keeps it: itself, or its digest when it is too long."""
    if len(key) <= KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _hit(dialect: str, key: str, expiry: int, amount: int, now: float) -> Insert:
    """Add `amount` to `key`'s count, or start a new window when there is none or it expired;
    the statement returns the count."""
    stmt = _INSERT[dialect](_TABLE).values(key=key, hits=amount, expires_at=now + expiry)
    # Both right-hand sides read the row as it was before this statement.
    expired = _TABLE.c.expires_at <= now
    return stmt.on_conflict_do_update(
        index_elements=[_TABLE.c.key],
        set_={
            "hits": case((expired, stmt.excluded.hits), else_=_TABLE.c.hits + stmt.excluded.hits),
            "expires_at": case((expired, stmt.excluded.expires_at), else_=_TABLE.c.expires_at),
        },
    ).returning(_TABLE.c.hits)


class DatabaseStorage(Storage):
    """A `limits` storage on the app's database (the current app's engine: the limiter only
    counts inside requests)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_prune = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = _now()
        with db.engine.begin() as conn:
            hits = conn.execute(_hit(conn.dialect.name, _stored(key), expiry, amount, now))
            count = hits.scalar_one()
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_EVERY
            self._prune(delete(_TABLE).where(_TABLE.c.expires_at <= now))
        return count

    def _prune(self, stmt: Delete) -> None:
        # A transaction of its own, after the hit's: two processes pruning at once may deadlock
        # on PostgreSQL, and a hit must never fail for it. The next prune does what this missed.
        try:
            with db.engine.begin() as conn:
                conn.execute(stmt)
        except SQLAlchemyError:
            log.warning("pruning expired rate-limit counters failed", exc_info=True)

    def get(self, key: str) -> int:
        stmt = select(_TABLE.c.hits).where(
            _TABLE.c.key == _stored(key), _TABLE.c.expires_at > _now()
        )
        with db.engine.connect() as conn:
            return conn.scalar(stmt) or 0

    def get_expiry(self, key: str) -> float:
        now = _now()
        stmt = select(_TABLE.c.expires_at).where(
            _TABLE.c.key == _stored(key), _TABLE.c.expires_at > now
        )
        with db.engine.connect() as conn:
            return conn.scalar(stmt) or now

    def check(self) -> bool:
        try:
            with db.engine.connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(delete(_TABLE)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key == _stored(key)))
