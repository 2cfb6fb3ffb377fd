"""The cards' selects: a worker's cards, a serial's card, the workers of a batch."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import joinedload

from .. import scope
from ..clock import today
from ..extensions import db
from ..models import Card, Grid, Job, Worker, in_subtree
from ..permissions import Can, roles_with

# Crockford's base 32: no I, L, O or U, so a serial read out over the phone is unambiguous.
SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_LENGTH = 12
_SERIAL_SHAPE = re.compile(f"^[{SERIAL_ALPHABET}]{{{SERIAL_LENGTH}}}$")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

STATES = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    # The public page's word for revoked and unknown alike.
    "invalid": _l("Not valid"),
}


def normalize_serial(text: str) -> str | None:
    """'k7q2-m9xd-3fab' → 'K7Q2M9XD3FAB'; None when it cannot be a serial."""
    serial = re.sub(r"[\s-]", "", text).upper().translate(_LOOKALIKES)
    return serial if _SERIAL_SHAPE.match(serial) else None


def display_serial(serial: str) -> str:
    """K7Q2M9XD3FAB → K7Q2-M9XD-3FAB, as printed on the card."""
    return "-".join(serial[i : i + 4] for i in range(0, len(serial), 4))


def valid_now():
    """Cards that can be shown today: not revoked, not past their date."""
    return (Card.revoked_at.is_(None), Card.valid_until >= today())


def get_card_or_404(card_id: int) -> Card:
    """A card of a worker in the current manager's scope."""
    card = db.session.get(Card, card_id)
    if (
        card is None
        or db.session.scalar(
            scope.workers().with_only_columns(Worker.id).where(Worker.id == card.worker_id)
        )
        is None
    ):
        abort(404)
    return card


def cards_of(worker: Worker) -> list[Card]:
    """All the worker's cards, newest first."""
    return list(
        db.session.scalars(
            select(Card)
            .where(Card.worker_id == worker.id)
            .order_by(Card.issued_at.desc(), Card.id.desc())
        )
    )


def current_card(cards: list[Card]) -> Card | None:
    """The card in use: the newest one that is not revoked (it may have expired)."""
    return next((c for c in cards if c.revoked_at is None), None)


def card_by_serial(serial: str) -> Card | None:
    """The card for a serial, with its worker and the worker's grid (one query)."""
    return db.session.scalar(
        select(Card).options(joinedload(Card.worker)).where(Card.serial == serial)
    )


def public_state(card: Card | None, on: date) -> str:
    """'valid', 'expired' or 'invalid' for the public page.

    Revoked and unknown serials both answer 'invalid', so that the page tells nobody which
    serials once existed; a deactivated worker's card is revoked in effect.
    """
    if card is None or not card.worker.active:
        return "invalid"
    state = card.state(on)
    return "invalid" if state == "revoked" else state


def listable_workers(worker_ids: list[int]) -> list[Worker]:
    """These workers with their grids, in the given order (the batch page's checklist)."""
    found = {w.id: w for w in db.session.scalars(select(Worker).where(Worker.id.in_(worker_ids)))}
    return [found[i] for i in worker_ids if i in found]


def recent_jobs(user_id: int, kind: str, limit: int = 5) -> list[Job]:
    """The user's latest jobs of a kind, to find a batch again after leaving its page."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.created_by_id == user_id, Job.kind == kind)
            .order_by(Job.created_at.desc())
            .limit(limit)
        )
    )


def held_positions(worker: Worker) -> str:
    """'网格长、楼道长'; the role when the worker holds no named position."""
    return "、".join(worker.position_labels) or worker.role_label


def public_check(serial_text: str, on: date) -> dict:
    """What the public page may show for a scanned serial: the state and the serial; for a
    valid or expired card also the name (the template masks it), position and grid."""
    serial = normalize_serial(serial_text)
    card = card_by_serial(serial) if serial else None
    state = public_state(card, on)
    # An unknown serial shows what was scanned, exactly as a revoked one shows its serial.
    facts = {"state": state, "serial": display_serial(serial) if serial else serial_text[:20]}
    if state != "invalid":
        worker = card.worker
        names = names_of_grids(set(worker.scope.ancestor_ids))
        facts.update(
            name=worker.name,
            position=held_positions(worker),
            grid_path=grid_path_names(worker.scope, names),
        )
    return facts


def grid_path_names(grid: Grid, names: dict[int, str]) -> str:
    """'江南街道 › 湖海塘社区 › 第一网格': the worker's grid below the zone, from the top."""
    ids = grid.ancestor_ids[1:] or grid.ancestor_ids
    return " › ".join(names[i] for i in ids if i in names)


def names_of_grids(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(ids))).all())


def root_name() -> str:
    return db.session.scalar(select(Grid.name).where(Grid.level == 0).order_by(Grid.id)) or ""


@dataclass
class Selection:
    """Who is in a batch: a subtree, narrowed by position, by the lack of a valid card, or to
    a list of workers. Kept as the job's parameters, so a retry selects the same way."""

    grid_id: int
    include_admins: bool = False
    positions: list[str] = field(default_factory=list)
    missing_only: bool = False
    worker_ids: list[int] = field(default_factory=list)
    issue: bool = True
    valid_until: str | None = None
    issued_by_id: int | None = None

    def workers(self, grid: Grid) -> Select:
        """Active workers of the selection, ordered by grid then name (one part, one area)."""
        stmt = (
            select(Worker.id)
            .join(Worker.scope)
            .where(in_subtree(Grid.path, grid.path), Worker.active)
            .order_by(Grid.path, Worker.name, Worker.id)
        )
        if not self.include_admins:
            stmt = stmt.where(Worker.role.not_in(roles_with(Can.SEE_WHOLE_TREE)))
        if self.worker_ids:
            stmt = stmt.where(Worker.id.in_(self.worker_ids))
        if self.missing_only:
            stmt = stmt.where(~exists().where(Card.worker_id == Worker.id, *valid_now()))
        if self.positions:
            # Positions are a short JSON list; filtered in Python to stay portable across
            # SQLite and PostgreSQL JSON operators.
            stmt = stmt.add_columns(Worker.positions)
        return stmt

    def missing_in(self, grid: Grid) -> int:
        """How many of the selected workers have no valid card (positions aside)."""
        stmt = self.workers(grid).where(~exists().where(Card.worker_id == Worker.id, *valid_now()))
        return db.session.scalar(select(func.count()).select_from(stmt.subquery()))

    def worker_ids_in(self, grid: Grid) -> list[int]:
        rows = db.session.execute(self.workers(grid)).all()
        if self.positions:
            wanted = set(self.positions)
            return [row[0] for row in rows if wanted & set(row[1] or [])]
        return [row[0] for row in rows]
