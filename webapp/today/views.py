"""Today (今日任务): the worker's home screen, and the supervisor's view of their subtree.

The page is the sections that the features contribute (webapp/today/sections.py), in order.
"""

from __future__ import annotations

from flask_login import current_user

from ..clock import now
from ..htmx import render
from ..permissions import Can, requires
from . import bp
from .sections import SECTIONS, Moment


@bp.get("/")
@requires(Can.FIELD_WORK)
def index():
    """Follow-ups due and overdue, errands, visits due by colour, colours raised today, ..."""
    at = now()
    moment = Moment(at, at.date(), current_user.scope)
    parts = []
    for section in SECTIONS():
        if current_user.can(section.capability):
            loaded = section.load(moment)
            if loaded is not None:
                parts.append((section.template, loaded))
    return render("today/index.html", parts=parts)
