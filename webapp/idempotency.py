"""Writes that survive a bad network: every write form carries a key, and the same key twice
makes one record.

A phone in a stairwell often sends a form, loses the answer, and sends it again; a thumb taps
twice. The key names one intention: the page renders one (random per page view, so the form
works without JavaScript) and static/js/outbox.js makes a fresh one on the phone whenever the
form's content changes. The record stores its key under a unique constraint, so even two copies
racing in parallel leave one row: the loser finds the winner's row and answers as it did.
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from typing import TypeVar

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from wtforms import Field, HiddenField
from wtforms.validators import ValidationError

from .extensions import db

KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
T = TypeVar("T")


def _valid_key(form, field: Field) -> None:
    if not field.data or not KEY_SHAPE.match(field.data):
        raise ValidationError(_l("This form is missing its sending key. Reload the page."))


def key_field() -> HiddenField:
    return HiddenField(validators=[_valid_key])


def form_key(name: str) -> str:
    """A key for one form on this page view: a per-request nonce plus the form's own name."""
    if "key_nonce" not in g:
        g.key_nonce = secrets.token_urlsafe(9)
    return f"{g.key_nonce}-{name}"[:40]


@cache
def _by_key(model: type) -> Select:
    # Built once per model: every colour change and follow-up asks before writing.
    return select(model).where(model.client_key == bindparam("key"))


def existing(model: type[T], key: str) -> T | None:
    """The record a previous copy of this submission made, if any."""
    return db.session.scalar(_by_key(model), {"key": key})
