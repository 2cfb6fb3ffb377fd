"""A handover as a kind of case: not received within HANDOVER_LIMIT_HOURS, it rises one level,
and again after as long, up the tree (webapp/cases/clock.py), like a resident's request.

A handover is never "accepted": receiving the arrival is the whole of the work, so both stages
share the one limit and receiving closes the case (rules.receive_*)."""

from __future__ import annotations

from flask import current_app

from ..cases.kinds import CaseKind, Limits
from ..cases.kinds import register as register_kind

KIND = "handover"
CATEGORY = "arrival"


def limit_minutes() -> int:
    return max(1, round(current_app.config["HANDOVER_LIMIT_HOURS"] * 60))


def limits(_category: str) -> Limits:
    minutes = limit_minutes()
    return Limits(minutes, minutes)


def register() -> None:
    # A handover case closes when received; nothing is left to close by itself.
    register_kind(CaseKind(KIND, limits, lambda: 0))
