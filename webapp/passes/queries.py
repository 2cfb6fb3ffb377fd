"""Green passes' selects: a pass by its code, what the public page may say of it, who may act
on it (let through, revoke, print), and the checkpoints a worker can let it through at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import codes, scope
from ..checkpoints.queries import posts_of
from ..extensions import db
from ..models import (
    Checkpoint,
    CheckpointPost,
    Enterprise,
    FiledEmployee,
    GreenPass,
    ReturnFiling,
    shift_at,
)
from ..permissions import Can
from . import rules

# What the public page names; anything else (an unknown code) is one page alike.
PUBLIC_STATES = (rules.VALID, rules.NOT_YET, rules.EXPIRED, rules.REVOKED)


def _loaded():
    return select(GreenPass).options(
        joinedload(GreenPass.employee)
        .joinedload(FiledEmployee.filing)
        .joinedload(ReturnFiling.enterprise),
        joinedload(GreenPass.employee).joinedload(FiledEmployee.grid),
    )


def pass_by_code(code: str) -> GreenPass | None:
    return db.session.scalar(_loaded().where(GreenPass.code == code))


def get_pass_or_404(pass_id: int) -> GreenPass:
    found = db.session.scalar(_loaded().where(GreenPass.id == pass_id))
    if found is None:
        abort(404)
    return found


def state_of(green_pass: GreenPass, on: date) -> str:
    """The pass's state, a revoked filing counting as a revoked pass."""
    state = rules.state_on(green_pass, on)
    if state != rules.REVOKED and green_pass.employee.filing.revoked_at is not None:
        return rules.REVOKED
    return state


def enterprise_of(green_pass: GreenPass) -> Enterprise:
    return green_pass.employee.filing.enterprise


def public_check(text: str, on: date) -> codes.Answer[GreenPass]:
    """Read a typed or scanned code; an unknown one answers INVALID like any other."""
    return codes.check(text, pass_by_code, lambda p: state_of(p, on), PUBLIC_STATES)


@dataclass(frozen=True)
class Station:
    """A checkpoint the signed-in worker may let a pass through at, and whether their shift
    there is the current one (the one chosen first)."""

    checkpoint: Checkpoint
    on_shift: bool


def stations(worker_id: int, at: datetime) -> list[Station]:
    """The checkpoints the worker is put on, one each, the one of the shift now first."""
    shift = shift_at(at)
    found: dict[int, Station] = {}
    posts: list[CheckpointPost] = posts_of(worker_id)
    for post in posts:
        on_shift = post.shift == shift
        known = found.get(post.checkpoint_id)
        if known is None or (on_shift and not known.on_shift):
            found[post.checkpoint_id] = Station(post.checkpoint, on_shift)
    return sorted(found.values(), key=lambda s: not s.on_shift)


def may_let_through() -> bool:
    """Checkpoint staff: the capability and a post on an open checkpoint."""
    return (
        current_user.is_authenticated
        and current_user.can(Can.CHECKPOINT_WORK)
        and bool(posts_of(current_user.id))
    )


def _in_subtree(path: str) -> bool:
    return path.startswith(scope.scope_path())


def may_revoke(green_pass: GreenPass) -> bool:
    """An admin; a supervisor of the destination's or the enterprise's subtree; the reviewer of
    the enterprise's department."""
    if not (current_user.is_authenticated and current_user.can(Can.REVOKE_PASSES)):
        return False
    enterprise = enterprise_of(green_pass)
    if current_user.department_id is not None:
        return enterprise.department_id == current_user.department_id
    if current_user.enterprise_id is not None:
        return False
    return _in_subtree(green_pass.employee.grid.path) or _in_subtree(enterprise.grid.path)


def _acts_for(enterprise_id: int) -> bool:
    return db.session.scalar(scope.enterprises().where(Enterprise.id == enterprise_id)) is not None


def may_print(green_pass: GreenPass) -> bool:
    """Whoever files for the enterprise (its account, its liaison officer, the supervisors
    above it) or works the destination's subtree."""
    if not (current_user.is_authenticated and current_user.can(Can.ENTERPRISE_WORK)):
        return False
    enterprise = enterprise_of(green_pass)
    if _acts_for(enterprise.id):
        return True
    if current_user.enterprise_id is not None or current_user.department_id is not None:
        return False
    return _in_subtree(green_pass.employee.grid.path)


def passes_of_filing(filing: ReturnFiling) -> list[GreenPass]:
    """The passes a filing gave, in the filing's order."""
    stmt = (
        _loaded()
        .join(FiledEmployee, FiledEmployee.id == GreenPass.employee_id)
        .where(FiledEmployee.filing_id == filing.id)
        .order_by(FiledEmployee.id)
    )
    return list(db.session.scalars(stmt).unique())


def get_filing_or_404(filing_id: int) -> ReturnFiling:
    """A filing of an enterprise the current user acts for."""
    filing = db.session.get(ReturnFiling, filing_id)
    if filing is None:
        abort(404)
    if not _acts_for(filing.enterprise_id):
        abort(404)
    return filing
