"""Colours' part of the today list: the households that turned red or orange today."""

from __future__ import annotations

from flask import Flask

from ..clock import day_start
from ..today.sections import SECTIONS, Moment, Section
from .queries import raised_today


def raised(moment: Moment) -> dict | None:
    found = raised_today(day_start(moment.day))
    return {"raised": found} if found else None


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(40, "statuses/_today_raised.html", raised))
