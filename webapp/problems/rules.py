"""Enterprise problems' rules: who may log one for an enterprise, and logging it (idempotent
by its key and its content). Everything after that (accept, dispatch, resolve, rate, ...) is
webapp/cases/rules.py."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..cases import rules as cases
from ..extensions import db
from ..models import Enterprise, EnterpriseProblem, Worker
from ..models.enterprises import PROBLEM_CATEGORIES, URGENCY
from ..permissions import Can
from ..rules import RuleError
from .kind import KIND, limits_for


def may_log(enterprise: Enterprise, user) -> bool:
    """The enterprise's own account, its liaison officer, or a supervisor of its subtree (the
    enterprise is already loaded in the user's scope)."""
    if user.enterprise_id is not None:
        return user.enterprise_id == enterprise.id
    return user.can(Can.SUPERVISE) or enterprise.liaison_id == user.id


def fingerprint(enterprise_id: int, category: str, text: str) -> str:
    """The same text for the same enterprise is the same problem (when sent again soon)."""
    return cases.fingerprint(enterprise_id, category, text)


def already_logged(key: str | None, digest: str, at: datetime) -> EnterpriseProblem | None:
    return cases.earlier_copy(EnterpriseProblem, key, digest, at, KIND)


def log(
    enterprise: Enterprise,
    category: str,
    text: str,
    urgency: str,
    by: Worker,
    at: datetime,
    key: str | None = None,
) -> EnterpriseProblem:
    """A new problem of `enterprise` (or the one an earlier copy made): held by the
    enterprise's grid node, followed by its industry department."""
    if category not in PROBLEM_CATEGORIES:
        raise RuleError(_("Choose what it is about."), field="category")
    if urgency not in URGENCY:
        raise RuleError(_("Choose how urgent it is."), field="urgency")
    text = (text or "").strip()
    if not text:
        raise RuleError(_("Write what the problem is."), field="text")
    if not enterprise.active or not enterprise.grid.active:
        raise RuleError(_("This enterprise is no longer in the registry."))
    digest = fingerprint(enterprise.id, category, text)
    found = already_logged(key, digest, at)
    if found is not None:
        return found
    case = cases.open_case(
        KIND,
        category,
        text,
        enterprise.grid,
        at,
        actor_id=by.id,
        key=key,
        fingerprint=digest,
        limits=limits_for(category, urgency),
    )
    problem = EnterpriseProblem(
        case=case,
        case_id=case.id,
        enterprise_id=enterprise.id,
        department_id=enterprise.department_id,
        urgency=urgency,
    )
    db.session.add(problem)
    return problem
