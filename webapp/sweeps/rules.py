"""Sweeps' rules: starting a sweep, and screening a household in it.

A household is due once in a sweep's window. A screening with contact makes it screened, and
what was found there goes through the same rules as the rest of the app: a returnee registered
through the residents' rules (light yellow), a fever raising the household to at least the
fever colour, a key person or an elderly person living alone tagged. "Nobody at home" is an
attempt: the household stays due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import today
from ..extensions import db
from ..models import SWEEP_CHECKS, Grid, Household, Resident, Screening, Sweep
from ..residents.rules import Details, register
from ..rules import Conflict, RuleError, office_language
from ..statuses.rules import raise_at_least

# A sweep is a campaign of days or weeks, not a standing duty.
LONGEST_WINDOW = timedelta(days=92)


def start_sweep(
    node: Grid,
    name: str,
    starts_on: date,
    ends_on: date,
    checks: list[str],
    worker_id: int,
    key: str | None = None,
) -> Sweep:
    """A new sweep over `node`'s subtree from `starts_on` to `ends_on` (both included)."""
    if ends_on < starts_on:
        raise RuleError(_("The sweep cannot end before it starts."), field="ends_on")
    if ends_on - starts_on >= LONGEST_WINDOW:
        raise RuleError(_("A sweep lasts at most 92 days."), field="ends_on")
    if ends_on < today():
        raise RuleError(_("That window is already over."), field="ends_on")
    unknown = [c for c in checks if c not in SWEEP_CHECKS]
    if unknown:
        raise RuleError(_("Unknown question: %(name)s.", name=unknown[0]), field="checks")
    if not node.active:
        raise RuleError(_("%(name)s is deactivated.", name=node.name), field="grid")
    sweep = Sweep(
        name=name.strip(),
        grid=node,
        starts_on=starts_on,
        ends_on=ends_on,
        checks=[c for c in SWEEP_CHECKS if c in checks],
        created_by_id=worker_id,
        client_key=key,
    )
    db.session.add(sweep)
    return sweep


@dataclass
class Findings:
    """What a screening found; empty when nothing is to report (无异常)."""

    returnee: bool = False
    origin: str | None = None
    # A returnee to register: their name and ID number (optional; without them the household
    # is raised to light yellow and the returnee is left for the worker to register).
    returnee_name: str | None = None
    returnee_id_number: str | None = None
    return_date: date | None = None
    fever: bool = False
    temperature: float | None = None
    key_person_ids: list[int] = field(default_factory=list)
    elderly_alone_ids: list[int] = field(default_factory=list)
    note: str | None = None

    @property
    def key_person(self) -> bool:
        return bool(self.key_person_ids)

    @property
    def elderly_alone(self) -> bool:
        return bool(self.elderly_alone_ids)


NOTHING = Findings()


def screened(sweep: Sweep, household: Household) -> Screening | None:
    """The household's screening with contact in this sweep, if it has one."""
    return db.session.scalar(
        select(Screening).where(
            Screening.sweep_id == sweep.id,
            Screening.household_id == household.id,
            Screening.contact.is_(True),
        )
    )


def screen(
    sweep: Sweep,
    household: Household,
    worker_id: int,
    key: str,
    at: datetime,
    contact: bool = True,
    findings: Findings = NOTHING,
) -> Screening:
    """Record one attempt at `household`'s door in `sweep`, and apply what it found.

    RuleError when the sweep is not open on that day or the household is not under its node;
    Conflict when the household was screened already (by whom, at what time).
    """
    if not sweep.is_open(at.date()):
        raise RuleError(_("This sweep is not open on %(day)s.", day=at.date()))
    if not household.active or not household.grid.path.startswith(sweep.grid.path):
        raise RuleError(_("This household is not in the sweep's area."))
    if done := screened(sweep, household):
        raise Conflict(
            _(
                "This household was already screened by %(worker)s at %(time)s.",
                worker=done.worker.name,
                time=done.screened_at.strftime("%m-%d %H:%M"),
            )
        )
    if not contact and findings is not NOTHING:
        raise RuleError(_("Nobody was at home: there is nothing to record as found."))
    residents = {r.id: r for r in household.residents if r.active}
    for resident_id in [*findings.key_person_ids, *findings.elderly_alone_ids]:
        if resident_id not in residents:
            raise RuleError(_("That resident does not live in this household."))
    temperature = findings.temperature
    if findings.fever and temperature is not None and not 34.0 <= temperature <= 43.0:
        raise RuleError(_("A temperature is between 34 and 43 °C."), field="temperature")
    screening = Screening(
        sweep=sweep,
        household=household,
        grid_id=household.grid_id,
        worker_id=worker_id,
        screened_at=at,
        contact=contact,
        returnee=findings.returnee,
        origin=(findings.origin or "").strip() or None,
        fever=findings.fever,
        temperature=findings.temperature if findings.fever else None,
        key_person=findings.key_person,
        elderly_alone=findings.elderly_alone,
        note=(findings.note or "").strip() or None,
        details={
            "key_person": findings.key_person_ids,
            "elderly_alone": findings.elderly_alone_ids,
        },
        client_key=key,
    )
    db.session.add(screening)
    _apply(sweep, household, findings, residents)
    return screening


def _apply(
    sweep: Sweep, household: Household, findings: Findings, residents: dict[int, Resident]
) -> None:
    """What a finding sets off, through the rules that own each fact."""
    if findings.returnee:
        origin = (findings.origin or "").strip()
        if findings.returnee_name and findings.returnee_id_number:
            register(
                household,
                Details(
                    name=findings.returnee_name.strip(),
                    id_number=findings.returnee_id_number,
                    tags=["returnee"],
                    origin=origin or None,
                    return_date=findings.return_date or today(),
                ),
            )
        else:
            raise_at_least(
                household, current_app.config["RETURNEE_STATUS"], returnee_found(sweep, origin)
            )
    if findings.fever:
        raise_at_least(
            household,
            current_app.config["FEVER_RAISES_TO"],
            fever_found(sweep, findings.temperature),
        )
    for tag, ids in (
        ("key_person", findings.key_person_ids),
        ("elderly_alone", findings.elderly_alone_ids),
    ):
        for resident_id in ids:
            resident = residents[resident_id]
            if tag not in (resident.tags or []):
                # A new list: the JSON column notices a new value, not an append in place.
                resident.tags = [*(resident.tags or []), tag]


# The texts these rules write into records, in the office's language.


def returnee_found(sweep: Sweep, origin: str) -> str:
    with office_language():
        if origin:
            return _("%(sweep)s: back from %(origin)s", sweep=sweep.name, origin=origin)
        return _("%(sweep)s: back from elsewhere", sweep=sweep.name)


def fever_found(sweep: Sweep, temperature: float | None) -> str:
    with office_language():
        if temperature is None:
            return _("%(sweep)s: fever or symptoms", sweep=sweep.name)
        return _("%(sweep)s: fever %(t).1f°C", sweep=sweep.name, t=temperature)
