"""Resident requests' rules: sending one (from the public page or by a worker for a resident),
the mediation of a dispute, and what an epidemic lead leads to. The moves of the case itself
(accept, dispatch, resolve, rate, ...) are webapp/cases/rules.py."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image

from .. import photos
from ..cases import rules as cases
from ..extensions import db
from ..models import SEVERITY, Grid, Household, Mediation, ServiceRequest, Worker
from ..rules import RuleError, office_language
from ..statuses.rules import set_household_status
from .categories import CATEGORIES, KIND, OUTCOMES

PHOTO_BOX = (1280, 1280)
LEAD_STATUS = "light_yellow"


def fingerprint(grid_id: int, category: str, text: str, phone: str | None) -> str:
    """The same text and phone from the same micro-grid is the same request (when sent again
    soon)."""
    return cases.fingerprint(grid_id, category, text, phone)


def already_sent(key: str | None, digest: str, at: datetime) -> ServiceRequest | None:
    """The request an earlier copy of this submission made, by its key or by its content."""
    return cases.earlier_copy(ServiceRequest, key, digest, at)


def photo_path(case_id: int) -> Path:
    folder = Path(current_app.instance_path) / "request_photos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{case_id}.jpg"


def photo_jpeg(data: bytes) -> bytes:
    """A request's photo, checked as card photos are, as a JPEG of at most 1280 px a side."""
    from io import BytesIO

    image = photos.open_checked(data, min_size=(60, 60))
    image.thumbnail(PHOTO_BOX, Image.Resampling.LANCZOS)
    out = BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def submit(
    grid: Grid,
    category: str,
    text: str,
    at: datetime,
    *,
    address: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    photo: bytes | None = None,
    key: str | None = None,
    worker: Worker | None = None,
    household: Household | None = None,
) -> ServiceRequest:
    """A new request for the micro-grid `grid` (or the one an earlier copy made); entered by
    `worker` for a resident, else sent by the resident. `photo` is the JPEG photo_jpeg made."""
    if category not in CATEGORIES:
        raise RuleError(_("Choose what it is about."), field="category")
    if not grid.is_micro or not grid.active:
        raise RuleError(_("Requests are sent to a micro-grid."))
    text = (text or "").strip()
    if not text:
        raise RuleError(_("Write what it is about."), field="text")
    digest = fingerprint(grid.id, category, text, phone)
    found = already_sent(key, digest, at)
    if found is not None:
        return found
    case = cases.open_case(
        KIND,
        category,
        text,
        grid,
        at,
        actor_id=worker.id if worker else None,
        key=key,
        fingerprint=digest,
    )
    request = ServiceRequest(
        case=case,
        case_id=case.id,
        name=name or None,
        phone=phone or None,
        address=address or (household.address if household else None),
        channel="worker" if worker else "public",
        household_id=household.id if household else None,
        has_photo=photo is not None,
    )
    db.session.add(request)
    if photo is not None:
        photo_path(case.id).write_bytes(photo)
    return request


def link_household(request: ServiceRequest, household: Household, worker: Worker, at: datetime):
    """The request is about this household (an epidemic lead's address, say)."""
    if household.grid_id != request.case.grid_id and not household.grid.path.startswith(
        request.case.grid.path
    ):
        raise RuleError(_("Choose a household of the request's micro-grid."), field="household_id")
    request.household_id = household.id
    request.household = household
    cases.event(request.case, "linked", at, worker.id, text=household.address)


def raise_lead(request: ServiceRequest, worker: Worker, at: datetime) -> bool:
    """One tap on an epidemic lead: its household to light yellow (never lower), with the
    request as the reason; whether it rose."""
    case = request.case
    if case.category != "epidemic":
        raise RuleError(_("Only an epidemic lead raises a household's colour."))
    household = request.household
    if household is None:
        raise RuleError(_("Link the lead to a household first."))
    if SEVERITY[household.status] >= SEVERITY[LEAD_STATUS]:
        return False
    from .. import codes

    with office_language():
        reason = _(
            "Epidemic lead %(code)s: %(text)s", code=codes.display(case.code), text=case.text
        )
    set_household_status(household, LEAD_STATUS, reason[:200], worker.id)
    cases.event(case, "colour", at, worker.id, text=household.address)
    return True


def record_mediation(
    request: ServiceRequest,
    worker: Worker,
    *,
    parties: str,
    mediators: list[dict],
    held_on: date,
    place: str,
    outcome: str,
    agreement: str | None,
    refer_up: bool,
    at: datetime,
) -> Mediation:
    """A dispute's mediation. Settled or partly agreed resolves the request with the agreement;
    not agreed keeps it open, or refers it to the level above."""
    case = request.case
    if case.category != "dispute":
        raise RuleError(_("Only a dispute is mediated."))
    if outcome not in OUTCOMES:
        raise RuleError(_("Choose the outcome."), field="outcome")
    if not mediators:
        raise RuleError(_("Name at least one mediator."), field="others")
    if held_on > at.date():
        raise RuleError(_("A mediation cannot be in the future."), field="held_on")
    cases.settle(case, at)
    if case.state not in ("new", "returned", "accepted", "in_progress", "reopened"):
        raise RuleError(_("This request is no longer open."))
    mediation = Mediation(
        case_id=case.id,
        parties=parties,
        mediators=mediators,
        held_on=held_on,
        place=place,
        outcome=outcome,
        agreement=agreement or None,
        recorded_by_id=worker.id,
        recorded_at=at,
    )
    db.session.add(mediation)
    with office_language():
        label = str(OUTCOMES[outcome])
    cases.event(case, "mediation", at, worker.id, text=label)
    if outcome in ("settled", "partial"):
        # The tracking page shows the outcome, not the agreement (it names the parties).
        cases.resolve(case, worker, label, at)
    elif refer_up:
        with office_language():
            reason = _("Mediation not agreed: %(place)s, %(day)s", place=place, day=held_on)
        cases.return_up(case, worker, reason, at)
    elif case.state in ("new", "returned"):
        cases.progress(case, worker, label, at)
    return mediation
