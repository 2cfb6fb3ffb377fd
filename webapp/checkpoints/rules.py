"""Checkpoints' rules: setting one up, putting staff on it, a check (one tap), and the
handover of an arrival to their destination micro-grid until a worker there receives them.

A fever (≥ FEVER_TEMPERATURE) leaves two outcomes only: turned back or sent to isolation.

Every handover carries a case of kind "handover" (kind.py) held by the destination micro-grid:
not received in time, the case clock lifts it up the tree like a resident's request; receiving
closes it. Whatever makes a Handover (this module's hand_over, the green channel's let-through)
calls open_case() on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from ..audit import trail
from ..cases import clock as case_clock
from ..cases import rules as case_rules
from ..clock import today
from ..extensions import db
from ..identity import is_valid_id_number, is_valid_phone
from ..models import (
    CHECK_KINDS,
    FEVER_OUTCOMES,
    OUTCOMES,
    SHIFTS,
    Case,
    Checkpoint,
    CheckpointCheck,
    CheckpointPost,
    Grid,
    Handover,
    Household,
    Resident,
    Worker,
    shift_at,
)
from ..residents.rules import Details, register
from ..rules import RuleError
from .kind import CATEGORY, KIND


def set_up(node: Grid, name: str, place: str, key: str | None = None) -> Checkpoint:
    """A new checkpoint, the responsibility of `node`."""
    if not node.active:
        raise RuleError(_("%(name)s is deactivated.", name=node.name), field="grid_code")
    checkpoint = Checkpoint(name=name.strip(), place=place.strip(), grid=node, client_key=key)
    db.session.add(checkpoint)
    return checkpoint


def put_on(checkpoint: Checkpoint, worker: Worker, shift: str) -> CheckpointPost:
    """Put `worker` on `checkpoint` for `shift` (once: the same post again is refused)."""
    if shift not in SHIFTS:
        raise RuleError(_("Choose a shift."), field="shift")
    if not worker.active:
        raise RuleError(_("%(name)s is deactivated.", name=worker.name), field="worker_phone")
    for post in checkpoint.posts:
        if post.worker_id == worker.id and post.shift == shift:
            raise RuleError(
                _("%(name)s is already on this shift.", name=worker.name), field="worker_phone"
            )
    post = CheckpointPost(checkpoint=checkpoint, worker=worker, shift=shift)
    db.session.add(post)
    return post


def take_off(post: CheckpointPost) -> None:
    db.session.delete(post)


def is_fever(temperature: float | None) -> bool:
    return temperature is not None and temperature >= current_app.config["FEVER_TEMPERATURE"]


def check(
    checkpoint: Checkpoint,
    worker_id: int,
    kind: str,
    outcome: str,
    key: str,
    at: datetime,
    temperature: float | None = None,
) -> CheckpointCheck:
    """One check at `checkpoint`. Uncommitted; a key sent before raises IntegrityError at the
    flush or the commit (the caller answers as the first copy did)."""
    if not checkpoint.active:
        raise RuleError(_("This checkpoint is closed."))
    if kind not in CHECK_KINDS:
        raise RuleError(_("Choose a person or a vehicle."))
    if outcome not in OUTCOMES:
        raise RuleError(_("Choose what came of the check."))
    if temperature is not None and not 34.0 <= temperature <= 43.0:
        raise RuleError(_("A temperature is between 34 and 43 °C."), field="temperature")
    fever = is_fever(temperature)
    if fever and outcome not in FEVER_OUTCOMES:
        raise RuleError(
            _(
                "%(t).1f °C is a fever: turn them back or send them to isolation.",
                t=temperature,
            ),
            field="temperature",
        )
    made = CheckpointCheck(
        checkpoint=checkpoint,
        worker_id=worker_id,
        checked_at=at,
        shift=shift_at(at),
        kind=kind,
        outcome=outcome,
        temperature=temperature,
        fever=fever,
        client_key=key,
    )
    db.session.add(made)
    return made


@dataclass
class Arrival:
    """Who is handed over, and where to."""

    name: str
    id_number: str
    phone: str | None
    origin: str
    address: str
    destination: Grid


def hand_over(
    checkpoint: Checkpoint,
    worker_id: int,
    arrival: Arrival,
    key: str,
    at: datetime,
    temperature: float | None = None,
) -> Handover:
    """A check "registered and handed over" and its handover to the destination micro-grid."""
    if not arrival.name.strip():
        raise RuleError(_("Enter the name."), field="name")
    if not is_valid_id_number(arrival.id_number):
        raise RuleError(_("This is not a valid ID number."), field="id_number")
    if arrival.phone and not is_valid_phone(arrival.phone):
        raise RuleError(_("Enter an 11-digit mobile number, e.g. 13812345678."), field="phone")
    if not arrival.destination.is_micro or not arrival.destination.active:
        raise RuleError(_("Choose the destination micro-grid."), field="destination")
    made = check(checkpoint, worker_id, "person", "handed_over", key, at, temperature)
    handover = Handover(
        check=made,
        checkpoint=checkpoint,
        grid=arrival.destination,
        name=arrival.name.strip(),
        id_number=arrival.id_number,
        phone=arrival.phone or None,
        origin=arrival.origin.strip(),
        address=arrival.address.strip(),
        created_at=at,
        created_by_id=worker_id,
    )
    db.session.add(handover)
    open_case(handover)
    return handover


def open_case(handover: Handover) -> Case:
    """Start the time limit of a new handover (already added, not received): a case of kind
    "handover" held by the destination micro-grid from the handover's created_at, started by
    whoever made it. Uncommitted."""
    if handover.case_id is not None or handover.case is not None:
        raise RuleError(_("This handover's time limit is running already."))
    grid = handover.grid or db.session.get(Grid, handover.grid_id)
    where = handover.checkpoint.name if handover.checkpoint else ""
    made = case_rules.open_case(
        KIND,
        CATEGORY,
        f"{handover.name} · {handover.origin} → {grid.name} {handover.address} · {where}"[:500],
        grid,
        handover.created_at,
        handover.created_by_id,
    )
    # Nobody tracks a handover on the public page: no tracking code to print or guess.
    made.code = None
    handover.case = made
    handover.case_id = made.id
    return made


def _close(handover: Handover, resident: Resident, worker_id: int, at: datetime) -> None:
    handover.resident = resident
    handover.received_at = at
    handover.received_by_id = worker_id
    made = handover.case
    if made is not None and made.state != "closed":
        # The rises that fell due before it was received stay on its timeline.
        case_rules.settle(made, at)
        made.state = "closed"
        made.resolved_at = made.closed_at = at
        made.resolved_by_id = worker_id
        case_clock.stop(made)
        case_rules.event(
            made,
            "received",
            at,
            worker_id,
            grid_id=handover.grid_id,
            text=f"{resident.name} · {resident.household.address}",
        )
    trail.record(
        "handover_received",
        worker_id,
        ("household", resident.household_id),
        handover.grid_id,
        handover=handover.id,
    )


def receive_existing(handover: Handover, resident: Resident, worker_id: int, at: datetime) -> None:
    """The arrival is a resident already registered: link them, which closes the handover."""
    if handover.received_at is not None:
        raise RuleError(_("This handover was received already."))
    if not resident.active or resident.household.grid_id != handover.grid_id:
        raise RuleError(_("That resident does not live in this micro-grid."), field="resident")
    _close(handover, resident, worker_id, at)


def receive_new(handover: Handover, household: Household, worker_id: int, at: datetime) -> Resident:
    """Register the arrival in `household` as a returnee (light yellow), closing the handover."""
    if handover.received_at is not None:
        raise RuleError(_("This handover was received already."))
    if not household.active or household.grid_id != handover.grid_id:
        raise RuleError(_("That household is not in this micro-grid."), field="household")
    resident = register(
        household,
        Details(
            name=handover.name,
            id_number=handover.id_number,
            phone=handover.phone,
            tags=["returnee"],
            origin=handover.origin or None,
            return_date=today(),
        ),
    )
    db.session.flush()
    _close(handover, resident, worker_id, at)
    return resident
