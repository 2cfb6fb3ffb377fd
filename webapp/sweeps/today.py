"""Sweeps' parts of the today list: the open sweeps with the households still due in the
worker's area and the days left, and the fevers found at doors today."""

from __future__ import annotations

from flask import Flask

from ..today.sections import SECTIONS, Moment, Section
from .queries import fevers_found, open_with_coverage


def sweeps(moment: Moment) -> dict | None:
    rows = open_with_coverage(moment.node, moment.day)
    return {"rows": rows, "day": moment.day} if rows else None


def fevers(moment: Moment) -> dict | None:
    found = fevers_found(moment.day)
    return {"screenings": found} if found else None


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(22, "sweeps/_today_fevers.html", fevers))
    SECTIONS.add(app, Section(75, "sweeps/_today.html", sweeps))
