"""What a new password must be, wherever it is set.

At least MIN_LENGTH characters; none of the common ones (webapp/data/common-passwords.txt, read
in lower case), no date alone, nothing of fewer than four different characters; and not holding
the worker's own phone number, the first thing anyone who knows them would try. weakness() is
the one rule: the password fields (webapp/forms.py), the workers' rules for an appointment and
for one's own change (webapp/workers/rules.py) and `flask create-admin` all call it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON = Path(__file__).parent / "data" / "common-passwords.txt"

LENGTH = _l("Between %(min)d and %(max)d characters.", min=MIN_LENGTH, max=MAX_LENGTH)
GUESSABLE = _l("This password is too easy to guess. Choose another.")
HOLDS_PHONE = _l("A password must not contain the phone number.")

# 1990-01-01, 1990/1/1, 1990年1月1日, 01.01.1990: a birthday is the second thing people try.
_DATE = re.compile(r"^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})$")
FEWEST_CHARACTERS = 4


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list, read once per process."""
    lines = COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def weakness(password: str, phone: str | None = None) -> LazyString | None:
    """Why `password` may not be chosen (a sentence in the user's language), or None when it
    may; `phone` is the number of the worker it is for, when known."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return LENGTH
    lower = password.lower()
    if lower in common_passwords() or _DATE.match(password) or len(set(lower)) < FEWEST_CHARACTERS:
        return GUESSABLE
    if phone and phone in password:
        return HOLDS_PHONE
    return None
