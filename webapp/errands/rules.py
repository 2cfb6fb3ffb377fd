"""Errands' rules: one is opened (supplies asked for at a follow-up) and marked done once."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from ..audit import trail
from ..clock import now
from ..extensions import db
from ..models import Errand, FollowUp, Household
from ..rules import RuleError


def open_errand(
    household: Household, description: str, worker_id: int, follow_up: FollowUp | None = None
) -> Errand:
    """A new errand for the household's micro-grid (its workers see it on their today list)."""
    errand = Errand(
        household=household,
        grid_id=household.grid_id,
        follow_up=follow_up,
        description=description,
        created_by_id=worker_id,
    )
    db.session.add(errand)
    return errand


def mark_done(errand: Errand, worker_id: int) -> None:
    """Mark the errand done; a second time changes nothing (the first worker and time stay)."""
    if errand.done_at is None:
        errand.done_at = now()
        errand.done_by_id = worker_id


def can_undo(errand: Errand, worker_id: int, at: datetime, window: timedelta) -> bool:
    """Whether `worker_id` may still reopen `errand`: they marked it done, less than `window`
    ago."""
    return (
        errand.done_at is not None
        and errand.done_by_id == worker_id
        and at - errand.done_at <= window
    )


def undo_done(errand: Errand, worker_id: int, at: datetime, window: timedelta) -> None:
    """Reopen an errand marked done by mistake: it counts as open again, and the audit trail
    keeps who had marked it done and when. Only that worker, within `window` (UNDO_MINUTES)."""
    if not can_undo(errand, worker_id, at, window):
        raise RuleError(
            _("Only whoever marked the errand done can undo it, and only for a few minutes.")
        )
    trail.record(
        "errand_undone",
        worker_id,
        ("errand", errand.id),
        errand.grid_id,
        done_at=errand.done_at.isoformat(timespec="minutes"),
    )
    errand.done_at = None
    errand.done_by_id = None
