"""Return filings' parts of the enterprises' pages (webapp/enterprises/sections.py): an
enterprise's filings with their stage and, for whoever files for it, the way to a new one;
on a department's page (a reviewer's home), the filings waiting for its decision."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from sqlalchemy import select

from ..enterprises.sections import DEPARTMENT_PARTS, ENTERPRISE_PARTS, Part
from ..extensions import db
from ..models import Enterprise, IndustryDepartment, ReturnFiling
from ..permissions import Can
from . import queries, rules

SHOWN = 10


def _rows(stmt) -> tuple[int, list]:
    rows = list(db.session.scalars(stmt.limit(SHOWN)))
    tallies = queries.tallies([f.id for f in rows])
    return queries.count(stmt), [
        (f, queries.stage_of(f, tallies.get(f.id, queries.Tally()))) for f in rows
    ]


def of_enterprise(enterprise: Enterprise) -> dict | None:
    """The enterprise's latest filings: for whoever files for it (with the way to a new one),
    and for its department's reviewer (to their review pages)."""
    files = current_user.can(Can.ENTERPRISE_WORK) and (
        db.session.scalar(queries.enterprise_ids().where(Enterprise.id == enterprise.id))
        is not None
    )
    if not (files or current_user.can(Can.REVIEW_FILINGS)):
        return None
    # The page loaded the enterprise in scope (for a reviewer: of their department).
    stmt = select(ReturnFiling).where(ReturnFiling.enterprise_id == enterprise.id)
    total, rows = _rows(stmt.order_by(ReturnFiling.created_at.desc(), ReturnFiling.id.desc()))
    return {
        "enterprise": enterprise,
        "total": total,
        "rows": rows,
        "stages": rules.STAGES,
        "may_file": files,
        "show": "filings.show" if files else "filings.review",
    }


def waiting(department: IndustryDepartment) -> dict | None:
    """The department's filings waiting for its decision (the reviewer's desk)."""
    total, rows = _rows(queries.waiting_for_department())
    return {"total": total, "rows": rows, "stages": rules.STAGES}


def register(app: Flask) -> None:
    ENTERPRISE_PARTS.add(app, Part(20, "filings/_enterprise_part.html", of_enterprise))
    DEPARTMENT_PARTS.add(
        app, Part(10, "filings/_department_part.html", waiting, Can.REVIEW_FILINGS)
    )
