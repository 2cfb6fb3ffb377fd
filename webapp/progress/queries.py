"""The background jobs' selects, for the pages that start jobs and list them."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Job


def recent_jobs(user_id: int, kind: str, limit: int = 5) -> list[Job]:
    """The user's latest jobs of a kind, to find a batch again after leaving its page."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.created_by_id == user_id, Job.kind == kind)
            .order_by(Job.created_at.desc())
            .limit(limit)
        )
    )
