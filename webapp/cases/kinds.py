"""The kinds of case and their time limits, as the feature that owns each kind declares them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Minutes to accept a case and, once accepted, to resolve it: past either, the case rises
    one level, and again after as long, up to the root."""

    accept: int
    resolve: int


@dataclass(frozen=True)
class CaseKind:
    name: str
    # The limits of a category, read when a clock starts (so a changed setting applies to the
    # clocks started after it).
    limits: Callable[[str], Limits]
    # A resolved case nobody rated closes by itself after this many days.
    auto_close_days: Callable[[], int]


KINDS: dict[str, CaseKind] = {}


def register(kind: CaseKind) -> None:
    KINDS[kind.name] = kind
