"""Errands' rules: one is opened (supplies asked for at a follow-up) and marked done once."""

from __future__ import annotations

from ..clock import now
from ..extensions import db
from ..models import Errand, FollowUp, Household


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
