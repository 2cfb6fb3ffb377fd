"""The cards' rules: issuing and revoking. One rule holds throughout: a worker has at most one
card that is not revoked, so a new card always revokes the one before it (a lost card stops
working the moment its replacement is issued)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from ..audit import trail
from ..clock import now
from ..codes import new_code
from ..extensions import db
from ..models import Card, Worker
from ..rules import RuleError
from .queries import valid_now

# Reasons written by the app itself; a person's reason is stored as typed.
REPLACED = "replaced"
WORKER_DEACTIVATED = "worker_deactivated"
REASONS = {
    REPLACED: _l("Replaced by a new card"),
    WORKER_DEACTIVATED: _l("Its worker was deactivated"),
}


def issue(worker: Worker, valid_until: date, issued_by_id: int) -> Card:
    """A new card for `worker`; any card still in force is revoked. The caller commits.

    A deactivated worker gets none: their card would vouch for someone who no longer works
    for the office."""
    if not worker.active:
        raise RuleError(_("%(name)s is deactivated.", name=worker.name), field="valid_until")
    replaced = _revoke_all([worker.id], REPLACED, None)
    card = Card(
        serial=new_code(), worker=worker, valid_until=valid_until, issued_by_id=issued_by_id
    )
    db.session.add(card)
    db.session.flush()
    action = "card_reissued" if replaced else "card_issued"
    trail.record(action, issued_by_id, ("card", card.id), worker.scope_id, worker=worker.id)
    return card


def revoke(card: Card, reason: str, by_id: int) -> None:
    """Revoke `card` with `reason` (a card revoked already keeps its first reason)."""
    if card.revoked_at is None:
        card.revoked_at = now()
        card.revoke_reason = reason
        card.revoked_by_id = by_id
        trail.record("card_revoked", by_id, ("card", card.id), card.worker.scope_id, reason=reason)


def revoke_cards_of(worker_id: int, reason: str, by_id: int) -> int:
    """Revoke every card of a worker still in force (their worker leaves); how many."""
    return _revoke_all([worker_id], reason, by_id)


def issue_missing(worker_ids: list[int], valid_until: date, issued_by_id: int) -> int:
    """Issue cards, in bulk, to the workers among `worker_ids` who have no valid card; return
    how many. A batch calls it part by part, so a retried batch issues nothing twice."""
    if not worker_ids:
        return 0
    covered = set(
        db.session.scalars(
            select(Card.worker_id).where(Card.worker_id.in_(worker_ids), *valid_now())
        )
    )
    missing = [w for w in worker_ids if w not in covered]
    if not missing:
        return 0
    _revoke_all(missing, REPLACED, None)
    issued_at = now()
    issued = db.session.execute(
        insert(Card).returning(Card.id, Card.worker_id),
        [
            {
                "serial": new_code(),
                "worker_id": worker_id,
                "issued_at": issued_at,
                "valid_until": valid_until,
                "issued_by_id": issued_by_id,
            }
            for worker_id in missing
        ],
    ).all()
    scopes = dict(
        db.session.execute(select(Worker.id, Worker.scope_id).where(Worker.id.in_(missing))).all()
    )
    trail.record_all(
        "card_issued",
        issued_by_id,
        [
            ("card", card_id, scopes[worker_id], {"worker": worker_id})
            for card_id, worker_id in issued
        ],
    )
    return len(missing)


def _revoke_all(worker_ids: list[int], reason: str, by_id: int | None) -> int:
    """Revoke the workers' cards not revoked yet; how many. Expired cards too: whatever is not
    revoked is what the public page would still describe."""
    return db.session.execute(
        update(Card)
        .where(Card.worker_id.in_(worker_ids), Card.revoked_at.is_(None))
        .values(revoked_at=now(), revoke_reason=reason, revoked_by_id=by_id)
        .execution_options(synchronize_session=False)
    ).rowcount
