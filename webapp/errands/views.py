"""Errands (帮忙购置生活必需品 and the like): marking one done."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from .. import scope
from ..clock import now
from ..extensions import db
from ..htmx import is_partial, redirect_after_write, render
from . import bp


@bp.post("/<int:errand_id>/done")
def done(errand_id: int):
    """Mark an errand done (a second tap changes nothing)."""
    errand = scope.get_errand_or_404(errand_id)
    if errand.done_at is None:
        errand.done_at = now()
        errand.done_by_id = current_user.id
        db.session.commit()
    if is_partial():
        return render("today/_errand.html", "today/_errand.html", errand=errand)
    return redirect_after_write(url_for("today.index"))
