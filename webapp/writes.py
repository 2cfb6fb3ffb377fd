"""The end of a write in a view: a rule was called; commit once, or say why not.

A view loads in scope, validates its form, calls one rule function and then answers through
one of these, so that a refused rule always reaches the user the same way: beside the form
field it concerns, or as a message on the page it came from, with nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from .extensions import db
from .htmx import redirect_after_write
from .rules import RuleError

T = TypeVar("T")


class Refused:
    """What save() returns when the rule refused (its reason is on the form)."""


REFUSED = Refused()


def form_error(form: FlaskForm, error: RuleError) -> None:
    """Show a refused rule on the form: by its field when the form has one, else on top."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def save(form: FlaskForm, change: Callable[[], T]) -> T | Refused:
    """Run `change` (one rule call) and commit; its result. When the rule refuses: roll back,
    show the reason on `form` (form_error) and return REFUSED, for the view to draw the form
    again."""
    try:
        result = change()
    except RuleError as error:
        db.session.rollback()
        form_error(form, error)
        return REFUSED
    db.session.commit()
    return result


def done(message: str, url: str) -> Response:
    """After a saved write: say so, and go on to `url`."""
    flash(message, "success")
    return redirect_after_write(url)


def apply_and_redirect(
    change: Callable[[], object], message: str, back: str, back_if_refused: str | None = None
) -> Response:
    """Run `change` (a rule behind a one-button post: deactivate, activate), then commit, flash
    `message` and go to `back`; or, when the rule refuses, roll back, flash its reason and go
    to `back_if_refused` (`back` by default)."""
    try:
        change()
    except RuleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect_after_write(back_if_refused or back)
    db.session.commit()
    return done(message, back)
