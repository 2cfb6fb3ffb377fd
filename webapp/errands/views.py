"""Errands (帮忙购置生活必需品 and the like): marking one done."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from .. import scope
from ..extensions import db
from ..htmx import is_partial, redirect_after_write, render
from ..permissions import Can, requires
from . import bp
from .rules import mark_done


@bp.post("/<int:errand_id>/done")
@requires(Can.FIELD_WORK)
def done(errand_id: int):
    """Mark an errand done (a second tap changes nothing)."""
    errand = scope.get_errand_or_404(errand_id)
    mark_done(errand, current_user.id)
    db.session.commit()
    if is_partial():
        return render("errands/_row.html", "errands/_row.html", errand=errand)
    return redirect_after_write(url_for("today.index"))
