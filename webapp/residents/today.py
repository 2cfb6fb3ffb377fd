"""Residents' parts of the supervisors' today list: ID numbers waiting for a check, and the
workers who revealed many full ID numbers lately."""

from __future__ import annotations

from flask import Flask

from .. import reveals
from ..permissions import Can
from ..today.sections import SECTIONS, Moment, Section
from .queries import count_open_checks


def checks(moment: Moment) -> dict | None:
    n = count_open_checks()
    return {"n": n} if n else None


def reveal_bursts(moment: Moment) -> dict | None:
    found = reveals.bursts()
    return {"workers": found} if found else None


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(45, "residents/_today_checks.html", checks, Can.MANAGE_HOUSEHOLDS))
    SECTIONS.add(app, Section(50, "residents/_today_reveals.html", reveal_bursts, Can.SUPERVISE))
