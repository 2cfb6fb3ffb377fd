"""The end of a write in a view: a rule was called; commit once, or say why not.

A view loads in scope, validates its form, calls one rule function and then answers through
one of these, so that a refused rule always reaches the user the same way: beside the form
field it concerns, or as a message on the page it came from, with nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from .extensions import db
from .htmx import redirect_after_write
from .rules import RuleError


def form_error(form: FlaskForm, error: RuleError) -> None:
    """Show a refused rule on the form: by its field when the form has one, else on top."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def apply_and_redirect(
    change: Callable[[], object], done: str, back: str, back_if_refused: str | None = None
) -> Response:
    """Run `change` (a rule behind a one-button post: deactivate, activate), then commit, flash
    `done` and go to `back`; or, when the rule refuses, roll back, flash its reason and go to
    `back_if_refused` (`back` by default)."""
    try:
        change()
    except RuleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect_after_write(back_if_refused or back)
    db.session.commit()
    flash(done, "success")
    return redirect_after_write(back)
