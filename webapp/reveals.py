"""Reveals of a full ID number or phone: counted on the audit trail, limited per worker.

A reveal is a read, but of the district's most sensitive data: each one is an audit entry, a
worker may make at most REVEALS_PER_HOUR in an hour (a scraper stops there, a worker at the door
never gets near it), and the supervisors' today list shows who made REVEAL_BURST or more in the
last day. The counts come from the audit trail itself, so every app server sees the same ones.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import func

from . import scope
from .audit import trail
from .clock import now
from .extensions import db
from .models import AuditEntry, Worker


def too_many(worker_id: int) -> bool:
    """Whether the worker has used up this hour's reveals."""
    since = now() - timedelta(hours=1)
    return trail.count_since(worker_id, "reveal", since) >= current_app.config["REVEALS_PER_HOUR"]


def ask(worker_id: int, target: tuple[str, int], grid_id: int) -> None:
    """Record a reveal of `target` by the worker, or, past the hourly limit, its refusal
    (committed) and a 429 that says why. The caller commits a reveal with its answer."""
    if too_many(worker_id):
        trail.record("reveal_refused", worker_id, target, grid_id)
        db.session.commit()
        abort(
            429,
            description=_(
                "You have shown many full numbers this hour. Wait, or ask your supervisor."
            ),
        )
    trail.record("reveal", worker_id, target, grid_id)


def bursts(hours: int = 24) -> list[tuple[Worker, int]]:
    """Workers of the current worker's subtree who revealed REVEAL_BURST or more numbers in the
    last `hours`, most first."""
    n = func.count(AuditEntry.id).label("n")
    stmt = (
        scope.workers()
        .join(AuditEntry, AuditEntry.actor_id == Worker.id)
        .where(AuditEntry.action == "reveal", AuditEntry.at >= now() - timedelta(hours=hours))
        .group_by(Worker.id)
        .having(n >= current_app.config["REVEAL_BURST"])
        .add_columns(n)
        .order_by(n.desc())
    )
    return [(worker, count) for worker, count in db.session.execute(stmt)]
