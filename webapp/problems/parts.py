"""Enterprise problems on an enterprise's page (its problems, the way to log one, those its
account may rate) and on a department's page (its enterprises' open ones)."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ..cases import clock
from ..cases.rules import effective_state
from ..cases.states import STATES
from ..clock import now
from ..enterprises.sections import DEPARTMENT_PARTS, ENTERPRISE_PARTS, Part
from ..models import Enterprise, IndustryDepartment
from ..models.enterprises import PROBLEM_CATEGORIES, URGENCY
from ..permissions import Can
from . import rules
from .queries import of_department, of_enterprise


def _shown(problems: list, at) -> dict:
    return {
        "problems": problems,
        "states": {p.case_id: effective_state(p.case, at) for p in problems},
        "positions": {p.case_id: clock.position(p.case, at) for p in problems},
        "labels": STATES,
        "categories": PROBLEM_CATEGORIES,
        "urgencies": URGENCY,
    }


def of_enterprise_page(enterprise: Enterprise) -> dict:
    at = now()
    section = _shown(of_enterprise(enterprise.id), at)
    section["enterprise"] = enterprise
    section["may_log"] = (
        enterprise.active
        and current_user.can(Can.ENTERPRISE_WORK)
        and rules.may_log(enterprise, current_user)
    )
    # The enterprise's own account rates its resolved problems from here.
    section["to_rate"] = current_user.enterprise_id == enterprise.id
    return section


def of_department_page(department: IndustryDepartment) -> dict | None:
    found = of_department(department.id)
    if not found:
        return None
    return _shown(found, now())


def register(app: Flask) -> None:
    ENTERPRISE_PARTS.add(
        app, Part(20, "problems/_of_enterprise.html", of_enterprise_page, Can.SEE_PROBLEMS)
    )
    DEPARTMENT_PARTS.add(
        app, Part(20, "problems/_of_department.html", of_department_page, Can.SEE_PROBLEMS)
    )
