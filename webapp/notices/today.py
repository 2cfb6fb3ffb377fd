"""Notices' part of the today list: what the office has told the worker's micro-grids."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ..extensions import db
from ..models import Worker
from ..today.sections import SECTIONS, Moment, Section
from .queries import for_today
from .rules import withdrawable


def notices(moment: Moment) -> dict | None:
    found = for_today(moment.node)
    if not found:
        return None
    # The worker record (positions) only when there is something to withdraw.
    worker = db.session.get(Worker, current_user.id)
    return {"notices": found, "withdrawable": withdrawable(worker, found) if worker else set()}


def register(app: Flask) -> None:
    # First on the list: a notice is what the office wants every worker to read today.
    SECTIONS.add(app, Section(5, "notices/_today.html", notices))
