"""Writing to the audit trail (webapp/models/audit.py).

`record()` adds an entry to the session of the write it describes, so that the two commit
together or not at all: an action is on the trail exactly when it happened. The address is the
request's (behind a proxy, the resident's or worker's own: PROXY_COUNT); outside a request (an
import job, the CLI) there is none.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import delete, func, insert, select

from ..clock import now
from ..extensions import db
from ..models.audit import ACTIONS, AuditEntry


def record(
    action: str,
    actor_id: int | None,
    target: tuple[str, int | None] | None = None,
    grid_id: int | None = None,
    /,
    **details,
) -> AuditEntry:
    """Add an entry: `action` (a key of ACTIONS) by `actor_id` on `target` (type, id) in the
    node `grid_id`, with `details` (never a password, never a full ID number or phone)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    object_type, object_id = target or (None, None)
    entry = AuditEntry(
        at=now(),
        actor_id=actor_id,
        address=request.remote_addr if has_request_context() else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        grid_id=grid_id,
        details=details,
    )
    db.session.add(entry)
    return entry


def record_all(
    action: str, actor_id: int | None, targets: list[tuple[str, int, int | None, dict]]
) -> None:
    """Many entries of one action at once (a batch of cards): one (type, id, grid_id, details)
    each, written with one Core statement."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if not targets:
        return
    at = now()
    address = request.remote_addr if has_request_context() else None
    rows = [
        {
            "at": at,
            "actor_id": actor_id,
            "address": address,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "grid_id": grid_id,
            "details": details,
        }
        for object_type, object_id, grid_id, details in targets
    ]
    db.session.execute(insert(AuditEntry.__table__), rows)


def count_since(actor_id: int, action: str, since: datetime) -> int:
    """How many times `actor_id` did `action` since `since` (the index on actor, action, at)."""
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.actor_id == actor_id,
            AuditEntry.action == action,
            AuditEntry.at >= since,
        )
    )


def prune(days: int) -> int:
    """Remove the entries older than `days` (the retention period); how many. The one way
    entries leave the trail: a Core DELETE, which the ORM's append-only guard does not see."""
    cutoff = now() - timedelta(days=days)
    removed = db.session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff)).rowcount
    db.session.commit()
    return removed
