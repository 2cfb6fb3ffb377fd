"""Return filings' parts of the today list: a liaison officer's enterprises' filings still
waiting for a decision, and for a community's supervisor the employees coming to its subtree
who wait for its approval."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ..extensions import db
from ..permissions import Can
from ..today.sections import SECTIONS, Moment, Section
from . import queries, rules

SHOWN = 10


def liaison(moment: Moment) -> dict | None:
    stmt = queries.open_filings_of_liaison(current_user.id)
    rows = list(db.session.scalars(stmt.limit(SHOWN)))
    if not rows:
        return None
    tallies = queries.tallies([f.id for f in rows])
    return {
        "total": queries.count(stmt),
        "rows": [(f, queries.stage_of(f, tallies.get(f.id, queries.Tally()))) for f in rows],
        "stages": rules.STAGES,
    }


def arrivals(moment: Moment) -> dict | None:
    stmt = queries.waiting_arrivals()
    rows = list(db.session.scalars(stmt.limit(SHOWN)))
    if not rows:
        return None
    return {"total": queries.count(stmt), "rows": rows}


def register(app: Flask) -> None:
    SECTIONS.add(app, Section(26, "filings/_today_liaison.html", liaison, Can.ENTERPRISE_WORK))
    SECTIONS.add(app, Section(27, "filings/_today_arrivals.html", arrivals, Can.APPROVE_ARRIVALS))
