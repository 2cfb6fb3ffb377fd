"""The case kind "enterprise": its limits per urgency and category (PROBLEM_LIMIT_HOURS)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..cases.kinds import CaseKind, Limits
from ..cases.kinds import register as register_kind
from ..extensions import db
from ..models import Case, EnterpriseProblem

KIND = "enterprise"
REFUSALS = {
    "not_open": _l("This problem is no longer open."),
    "accepted": _l("This problem has already been accepted."),
    "rate": _l("Only a resolved problem that is not closed yet can be rated."),
    "top": _l("The top level cannot return a problem."),
    "merge": _l("Choose another open problem to merge into."),
}


def limits_for(category: str, urgency: str) -> Limits:
    """A category's own hours apply to its normal problems; an urgent one takes the shorter of
    them and the urgent hours."""
    hours = current_app.config["PROBLEM_LIMIT_HOURS"]
    accept, resolve = hours.get(category, hours["normal"])
    if urgency == "urgent":
        fast = hours["urgent"]
        accept, resolve = min(accept, fast[0]), min(resolve, fast[1])
    return Limits(round(accept * 60), round(resolve * 60))


def limits(case_: Case) -> Limits:
    problem = db.session.get(EnterpriseProblem, case_.id) if case_.id else None
    return limits_for(case_.category, problem.urgency if problem else "normal")


def register() -> None:
    register_kind(
        CaseKind(
            KIND, limits, lambda: current_app.config["PROBLEM_AUTO_CLOSE_DAYS"], dict(REFUSALS)
        )
    )
