"""Errands' part of the today list, and the open errands per area for supervisors."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import undo
from ..today.sections import AREA_COLUMNS, SECTIONS, AreaColumn, Moment, Section
from .queries import done_since, open_count, open_errands, open_per_child


def errands(moment: Moment) -> dict:
    just_done = done_since(current_user.id, moment.at - undo.window())
    return {"errands": just_done + open_errands(), "total": open_count()}


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(30, "errands/_today.html", errands))
    AREA_COLUMNS.add(app, AreaColumn(30, _l("Open errands"), lambda m: open_per_child(m.node)))
