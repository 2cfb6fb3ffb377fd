"""Errands' part of the today list, and the open errands per area for supervisors."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..today.sections import AreaColumn, Moment, Section, add_area_column, add_section
from .queries import open_errands, open_per_child


def errands(moment: Moment) -> dict:
    return {"errands": open_errands()}


def register(app: Flask) -> None:
    add_section(app, Section(30, "errands/_today.html", errands))
    add_area_column(app, AreaColumn(30, _l("Open errands"), lambda m: open_per_child(m.node)))
