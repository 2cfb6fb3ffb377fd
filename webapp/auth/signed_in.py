"""The signed-in worker, as every request sees it (Flask-Login's `current_user`).

Every request but the sign-in page loads it, so it is five columns read by a statement built
once, not the ORM's Worker with its scope node joined: about 5 % of a visit write's
instructions fewer (callgrind, in-process, gc frozen: 9.6 M against 9.1 M a visit). A view
that needs the Worker record itself loads it by id.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import Grid, Worker
from ..models.people import HasRole

_worker = Worker.__table__
_grid = Grid.__table__
# Deactivated workers are not found: they lose every open session at their next request.
_SIGNED_IN = (
    select(
        _worker.c.id,
        _worker.c.name,
        _worker.c.role,
        _worker.c.scope_id,
        _grid.c.path,
        _worker.c.session_epoch,
        _worker.c.must_change_password,
        _worker.c.enterprise_id,
        _worker.c.department_id,
    )
    .join(_grid, _grid.c.id == _worker.c.scope_id)
    .where(_worker.c.id == bindparam("worker_id"), _worker.c.active)
)


@dataclass(eq=False)
class SignedInWorker(HasRole, UserMixin):
    id: int
    name: str
    role: str
    scope_id: int
    scope_path: str  # the materialized path of the scope node: what scope.py limits by
    epoch: int  # the worker's session_epoch when this session began
    must_change_password: bool
    enterprise_id: int | None  # the enterprise an enterprise account acts for
    department_id: int | None  # the industry department a reviewer reviews for

    def get_id(self) -> str:
        """What the session and the remember-me cookie keep: the id and the session epoch, so
        that raising the epoch (webapp/workers/rules.end_sessions) ends them all."""
        return f"{self.id}:{self.epoch}"

    @property
    def scope(self) -> Grid:
        """The scope node itself, for the pages that show it (from the identity map if loaded)."""
        return db.session.get(Grid, self.scope_id)


def load_signed_in(worker_id: int) -> SignedInWorker | None:
    """The active worker with this id, or None."""
    row = db.session.connection().execute(_SIGNED_IN, {"worker_id": worker_id}).one_or_none()
    return SignedInWorker(*row) if row is not None else None


def load_session(session_id: str) -> SignedInWorker | None:
    """The worker a session or a remember-me cookie names ("id:epoch"), while its epoch is
    still the worker's; None for an ended session (or one from before epochs)."""
    worker_id, _, epoch = session_id.partition(":")
    if not (worker_id.isdigit() and epoch.isdigit()):
        return None
    worker = load_signed_in(int(worker_id))
    return worker if worker is not None and worker.epoch == int(epoch) else None
