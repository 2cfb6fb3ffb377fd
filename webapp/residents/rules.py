"""Residents' rules: registering, correcting and removing a resident of a household.

A household's `member_count` is its number of active residents (the grid browser sums it
instead of counting half a million residents), so only these functions change who is active.
A returnee starts at RETURNEE_STATUS (light yellow) and raises the household with them. An ID
number is registered once in the whole database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import now
from ..extensions import db
from ..identity import birth_year_of, gender_of, is_valid_id_number
from ..models import Household, IdNumberCheck, Resident
from ..rules import RuleError, office_language
from ..statuses.rules import raise_at_least


@dataclass
class Details:
    """What a person tells about a resident: the form's fields, or an import's columns."""

    name: str
    id_number: str
    phone: str | None = None
    tags: list[str] | None = None
    origin: str | None = None
    return_date: date | None = None

    @property
    def is_returnee(self) -> bool:
        return "returnee" in (self.tags or [])


class AlreadyRegistered(RuleError):
    """The ID number is another resident's (`existing`): where that is, the caller decides
    whether the user may know."""

    def __init__(self, existing: Resident) -> None:
        super().__init__(_("This ID number is already registered."), field="id_number")
        self.existing = existing


def holder_of(id_number: str, except_id: int | None = None) -> Resident | None:
    """The resident registered with `id_number` (but `except_id`), if any."""
    stmt = select(Resident).where(Resident.id_number == id_number)
    if except_id is not None:
        stmt = stmt.where(Resident.id != except_id)
    return db.session.scalar(stmt)


def register(household: Household, details: Details) -> Resident:
    """A new resident of `household`; a returnee starts light yellow and raises the household."""
    _check(details, except_id=None)
    resident = Resident(household=household)
    _fill(resident, details)
    db.session.add(resident)
    household.member_count += 1
    if details.is_returnee:
        resident.status = current_app.config["RETURNEE_STATUS"]
        raise_at_least(
            household, resident.status, returnee_reason(resident.name, resident.origin or "")
        )
    return resident


def correct(resident: Resident, details: Details) -> None:
    """Correct what was registered (a typo in the name, a new phone, a tag)."""
    _check(details, except_id=resident.id)
    _fill(resident, details)


def remove(resident: Resident) -> None:
    """Take the resident off the household (moved out, deceased); the record stays."""
    if resident.active:
        resident.active = False
        resident.household.member_count -= 1


def restore(resident: Resident) -> None:
    """Count a removed resident in the household again."""
    if not resident.active:
        resident.active = True
        resident.household.member_count += 1


def returnee_reason(name: str, place: str) -> str:
    with office_language():
        return _("%(name)s returned from %(place)s", name=name, place=place)


def _check(details: Details, except_id: int | None) -> None:
    if not details.id_number:
        raise RuleError(_("Enter the ID number."), field="id_number")
    if not is_valid_id_number(details.id_number):
        raise RuleError(
            _("This is not a valid ID number: check the 18 characters (the last may be X)."),
            field="id_number",
        )
    if (existing := holder_of(details.id_number, except_id)) is not None:
        raise AlreadyRegistered(existing)
    if details.is_returnee and not details.origin:
        raise RuleError(_("For a returnee, enter where they returned from."), field="origin")
    if details.is_returnee and not details.return_date:
        raise RuleError(_("For a returnee, enter the return date."), field="return_date")


def _fill(resident: Resident, details: Details) -> None:
    resident.name = details.name
    resident.id_number = details.id_number
    resident.gender = gender_of(details.id_number)
    resident.birth_year = birth_year_of(details.id_number)
    resident.phone = details.phone or None
    resident.tags = list(details.tags or [])
    resident.origin = details.origin if details.is_returnee else None
    resident.return_date = details.return_date if details.is_returnee else None


def file_check(household: Household, details: Details, existing: Resident, by_id: int) -> None:
    """Keep a registration that met `existing`'s ID number for a supervisor to resolve."""
    db.session.add(
        IdNumberCheck(
            household=household,
            existing=existing,
            filed_by_id=by_id,
            name=details.name,
            phone=details.phone or None,
        )
    )


def resolve_check(check: IdNumberCheck, resolution: str, by_id: int) -> None:
    """Close a check with what was found (a mistyped number, a person who moved ...)."""
    if check.resolved_at is None:
        check.resolved_at = now()
        check.resolved_by_id = by_id
        check.resolution = resolution
