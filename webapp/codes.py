"""Codes printed on paper and checked by anyone who holds the paper: a card's serial (/v/<serial>)
and whatever else a resident or a checkpoint reads off a sheet or scans.

Every such code has one shape: LENGTH characters of Crockford's base 32, drawn at random, so
that a code read out over the phone is unambiguous and no code can be guessed or walked. A
person types them in lower case, with dashes or spaces, with O for 0 and I or L for 1: all of
that reads as the same code. Codes are printed in groups of GROUP characters.

A public check tells nothing about codes it will not vouch for: an unknown code and one whose
record is revoked (or in any state the page does not name) get the same answer, so that the
page reveals which codes once existed to nobody. check() is that rule; rate_limited() puts a
check's view behind the public checks' limit per address.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import current_app

from .extensions import limiter

# Crockford's base 32: no I, L, O or U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# 12 characters of 32: 60 bits. With a million codes in use, a guess finds one with a chance of
# one in a trillion, and the public checks are rate limited.
LENGTH = 12
GROUP = 4
# What a public page answers for a code it will not vouch for.
INVALID = "invalid"
# Text that cannot be a code is shown back as it came, cut to this many characters.
SHOWN_AT_MOST = 20

_SHAPE = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

T = TypeVar("T")
F = TypeVar("F", bound=Callable)


def new_code() -> str:
    """A new random code (from `secrets`, not `random`: codes are proof of a paper's origin)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str | None:
    """'k7q2-m9xd-3fab' → 'K7Q2M9XD3FAB'; None when the text cannot be a code."""
    code = re.sub(r"[\s-]", "", text).upper().translate(_LOOKALIKES)
    return code if _SHAPE.match(code) else None


def display(code: str) -> str:
    """K7Q2M9XD3FAB → K7Q2-M9XD-3FAB, as printed."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


@dataclass(frozen=True)
class Answer(Generic[T]):
    """What a public page may say about a typed or scanned code."""

    state: str  # one of the states the page names, or INVALID
    shown: str  # the code as the page prints it back
    record: T | None  # only when the state is named: an invalid answer holds nothing


def check(
    text: str,
    find: Callable[[str], T | None],
    state_of: Callable[[T], str],
    named: Collection[str],
) -> Answer[T]:
    """Read `text` as a code, find its record and answer with the record's state when the page
    names it (`named`); anything else, unknown codes included, answers INVALID alike."""
    code = normalize(text)
    record = find(code) if code else None
    # Both kinds of invalid answer print the code the same way: grouped when it reads as one.
    shown = display(code) if code else text[:SHOWN_AT_MOST]
    state = state_of(record) if record is not None else None
    if state not in named:
        return Answer(INVALID, shown, None)
    return Answer(state, shown, record)


def _check_limit() -> str:
    return current_app.config["RATELIMIT_VERIFY"]


def rate_limited(view: F) -> F:
    """Limit a public check's view to RATELIMIT_VERIFY per address (its endpoint must be listed
    in extensions.RATE_LIMITED_ENDPOINTS, which is all that the limiter looks at)."""
    return limiter.limit(_check_limit)(view)
