"""Whether the signed-in worker may still undo a visit or an errand they marked done (the
rules are the features' own: visits/rules.can_undo, errands/rules.can_undo)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_login import current_user

from .clock import now
from .errands import rules as errands
from .models import Errand, Visit
from .visits import rules as visits


def window() -> timedelta:
    """How long after the act an undo is offered (UNDO_MINUTES)."""
    return timedelta(minutes=current_app.config["UNDO_MINUTES"])


def undoable(record: Visit | Errand | None) -> bool:
    """For the templates: offer the undo button on this record."""
    if record is None or not current_user.is_authenticated:
        return False
    rules = visits if isinstance(record, Visit) else errands
    return rules.can_undo(record, current_user.id, now(), window())
