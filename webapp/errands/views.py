"""Errands (帮忙购置生活必需品 and the like): marking one done, and undoing that by mistake."""

from __future__ import annotations

from flask import flash, url_for
from flask_login import current_user

from .. import scope, undo
from ..clock import now
from ..extensions import db
from ..htmx import is_partial, redirect_after_write, render
from ..permissions import Can, requires
from ..rules import RuleError
from . import bp
from .queries import open_count
from .rules import mark_done, undo_done


def _answer(errand, status: int = 200, errors: list[str] | None = None):
    """The errand's row again, with the open errands' count out of band; a plain post goes
    back to the today list."""
    if is_partial():
        return render(
            "errands/_row.html",
            "errands/_row.html",
            status=status,
            errand=errand,
            errors=errors,
            open_count=open_count(),
        )
    return redirect_after_write(url_for("today.index"))


@bp.post("/<int:errand_id>/done")
@requires(Can.FIELD_WORK)
def done(errand_id: int):
    """Mark an errand done (a second tap changes nothing)."""
    errand = scope.get_errand_or_404(errand_id)
    mark_done(errand, current_user.id)
    db.session.commit()
    return _answer(errand)


@bp.post("/<int:errand_id>/undo", endpoint="undo")
@requires(Can.FIELD_WORK)
def undo_errand(errand_id: int):
    """Reopen an errand marked done by mistake: whoever marked it, for UNDO_MINUTES."""
    errand = scope.get_errand_or_404(errand_id)
    try:
        undo_done(errand, current_user.id, now(), undo.window())
    except RuleError as error:
        db.session.rollback()
        if not is_partial():
            flash(str(error), "error")
        return _answer(errand, status=422, errors=[str(error)])
    db.session.commit()
    return _answer(errand)
