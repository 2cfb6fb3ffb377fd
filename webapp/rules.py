"""What the domain's rule functions share.

Every domain write (registering a resident, starting an observation, logging a visit, moving a
household, ...) is a plain function in its feature's `rules.py`. A view, an import, a merge and
a dispatch call the same function and get the same invariants: the function checks, writes
through the session and flushes when it needs ids, and never commits; its caller commits once.
When a rule refuses, it raises RuleError with a sentence for the user.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import current_app
from flask_babel import force_locale


class RuleError(ValueError):
    """A write the rules refuse. The message is for the user; `field` names the input it is
    about (a form field, an import column), when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(RuleError):
    """Someone else did it first (the slot was recorded, the record changed meanwhile)."""


def office_language() -> AbstractContextManager:
    """Texts the app writes into records (a rule's reason for a colour, an errand) are data that
    every worker of the grid reads: they are written in the office's language, whoever's
    request made them."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])
