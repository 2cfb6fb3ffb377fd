"""The kinds of case and their time limits, as the feature that owns each kind declares them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from ..models import Case


@dataclass(frozen=True)
class Limits:
    """Minutes to accept a case and, once accepted, to resolve it: past either, the case rises
    one level, and again after as long, up to the root."""

    accept: int
    resolve: int


# What the shared writes say when they refuse, in the words of a resident's request; a kind
# names its own cases in its own sentences (an enterprise's problem is not a request).
REFUSALS = {
    "not_open": _l("This request is no longer open."),
    "accepted": _l("This request has already been accepted."),
    "rate": _l("Only a resolved request that is not closed yet can be rated."),
    "top": _l("The top level cannot return a request."),
    "merge": _l("Choose another open request to merge into."),
}


@dataclass(frozen=True)
class CaseKind:
    name: str
    # The limits of a case, read when a clock starts (so a changed setting applies to the
    # clocks started after it): from its category, or from what the kind adds to the case (an
    # enterprise problem's urgency).
    limits: Callable[[Case], Limits]
    # A resolved case nobody rated closes by itself after this many days.
    auto_close_days: Callable[[], int]
    refusals: dict = field(default_factory=lambda: dict(REFUSALS))


KINDS: dict[str, CaseKind] = {}


def register(kind: CaseKind) -> None:
    KINDS[kind.name] = kind


def limits_of(case_: Case) -> Limits:
    """The limits of the case's kind for this case."""
    return KINDS[case_.kind].limits(case_)


def refusal(case_: Case, what: str) -> str:
    """What a shared write says when it refuses `what` for this case's kind."""
    return str(KINDS[case_.kind].refusals.get(what, REFUSALS[what]))
