"""The cards' selects: a worker's cards, a serial's card, the workers of a batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import joinedload

from .. import codes, scope
from ..clock import today
from ..extensions import db
from ..models import Card, Grid, Worker, in_subtree
from ..permissions import Can, roles_with

STATES = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    # The public page's word for revoked and unknown alike.
    codes.INVALID: _l("Not valid"),
}
# The states the public page names; every other one, and an unknown serial, is "not valid".
PUBLIC_STATES = ("valid", "expired")


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


def listable_workers(worker_ids: list[int]) -> list[Worker]:
    """These workers with their grids, in the given order (the batch page's checklist)."""
    found = {w.id: w for w in db.session.scalars(select(Worker).where(Worker.id.in_(worker_ids)))}
    return [found[i] for i in worker_ids if i in found]


def held_positions(worker: Worker) -> str:
    """'网格长、楼道长'; the role when the worker holds no named position."""
    return "、".join(worker.position_labels) or worker.role_label


def public_check(serial_text: str, on: date) -> dict:
    """What the public page may show for a scanned serial: the state and the serial; for a
    valid or expired card also the name (the template masks it), position and grid."""
    answer = codes.check(
        serial_text,
        card_by_serial,
        # A deactivated worker's card is revoked in effect.
        lambda card: card.state(on) if card.worker.active else "revoked",
        PUBLIC_STATES,
    )
    facts = {"state": answer.state, "serial": answer.shown}
    if answer.record is not None:
        worker = answer.record.worker
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


def print_problems(grid: Grid, worker_ids: list[int], limit: int = 10) -> list[str]:
    """What would not print whole in a batch of these workers: names and grid names with
    characters the PDF font has no glyph for (the first `limit`), checked in memory."""
    from .. import pdf  # the printing kit, imported when a batch page asks

    with force_locale("zh"):
        name_label, grid_label = _("Name"), _("Assigned grid")
    problems: list[str] = []
    names = db.session.scalars(select(Worker.name).where(Worker.id.in_(worker_ids)))
    grids = db.session.scalars(select(Grid.name).where(in_subtree(Grid.path, grid.path)))
    for label, texts in ((name_label, names), (grid_label, grids)):
        for text in texts:
            problems += pdf.unprintable({label: text})
            if len(problems) >= limit:
                return problems
    return problems
