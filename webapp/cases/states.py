"""A case's states and the kinds of step its timeline shows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATES = {
    "new": _l("New"),
    "accepted": _l("Accepted"),
    "in_progress": _l("In progress"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
    "returned": _l("Returned"),
    "merged": _l("Merged"),
    "reopened": _l("Reopened"),
}
# Waiting for somebody to take it: the accept clock runs.
ACCEPT_STAGE = frozenset({"new", "returned"})
# Taken, not resolved yet: the resolve clock runs.
RESOLVE_STAGE = frozenset({"accepted", "in_progress", "reopened"})
OPEN = ACCEPT_STAGE | RESOLVE_STAGE
DONE = frozenset({"resolved", "closed", "merged"})

EVENTS = {
    "submitted": _l("Sent"),
    "accepted": _l("Accepted"),
    "progress": _l("Being handled"),
    "dispatched": _l("Dispatched"),
    "urged": _l("Urged"),
    "escalated": _l("Time limit passed: rose one level"),
    "returned": _l("Returned one level up"),
    "merged": _l("Merged into another request"),
    "merged_in": _l("A duplicate was merged into this one"),
    "resolved": _l("Resolved"),
    "rated": _l("Rated"),
    "reopened": _l("Reopened"),
    "closed": _l("Closed"),
    # A checkpoint's handover: the destination received the arrival.
    "received": _l("Received"),
    "message": _l("Message"),
    "note": _l("Note"),
    "comment": _l("Comment"),
    "mediation": _l("Mediation recorded"),
    "linked": _l("Linked to a household"),
    "colour": _l("Household raised to light yellow"),
}
# What the public tracking page shows of a timeline (no internal notes).
PUBLIC_EVENTS = frozenset(
    {
        "submitted",
        "accepted",
        "progress",
        "dispatched",
        "escalated",
        "returned",
        "merged",
        "resolved",
        "rated",
        "reopened",
        "closed",
        "message",
        "mediation",
        "comment",
    }
)

RATINGS = {
    "satisfied": _l("Satisfied"),
    "mostly": _l("Mostly satisfied"),
    "unsatisfied": _l("Unsatisfied"),
}
SATISFIED = frozenset({"satisfied", "mostly"})
