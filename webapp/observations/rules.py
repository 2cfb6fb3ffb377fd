"""Home observation's rules: start, extend, release, and what a follow-up sets off.

Starting an observation puts the household at least at OBSERVATION_STATUS; a follow-up with a
fever (FEVER_TEMPERATURE) or any symptom raises it at least to FEVER_RAISES_TO and puts it on
the supervisors' alert list; supplies asked for at a follow-up become an errand. An observation
ends by itself on its planned date; a release ends it earlier and leaves the colour for a person
to lower.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from .. import idempotency
from ..audit import trail
from ..clock import now, today
from ..errands.rules import open_errand
from ..extensions import db
from ..models import SYMPTOMS, FollowUp, Observation, ObservationEvent, Resident
from ..rules import Conflict, RuleError, office_language
from ..statuses.rules import raise_at_least
from .slots import slot_state


def current_for_resident(resident: Resident, day: date) -> Observation | None:
    """The resident's observation that is current on `day`, if any (the scope is not asked:
    a rule sees every record)."""
    return db.session.scalar(
        select(Observation)
        .where(Observation.resident_id == resident.id, Observation.current_on(day))
        .limit(1)
    )


def not_ended(*where) -> Observation | None:
    """An observation matching `where` that is current today or planned to start later."""
    day = today()
    return db.session.scalar(
        select(Observation)
        .where(
            *where,
            Observation.planned_end >= day,
            or_(Observation.released_on.is_(None), Observation.released_on > day),
        )
        .order_by(Observation.start_date)
        .limit(1)
    )


def refuse_while_observed(*where) -> None:
    """RuleError while someone matching `where` is, or is to be, under home observation: taking
    them out of the lists would drop their follow-ups from every worker's day unseen."""
    observation = not_ended(*where)
    if observation is not None:
        raise RuleError(
            _(
                "%(name)s is under home observation until %(end)s: release them, or move them "
                "to their new household, first.",
                name=observation.resident.name,
                end=observation.planned_end,
            )
        )


def start(
    resident: Resident,
    start_date: date,
    planned_end: date,
    reason: str,
    worker_id: int,
    key: str | None = None,
) -> Observation:
    """Put `resident` under home observation and raise the household; the same `key` again
    returns the observation it started."""
    if key and (previous := idempotency.existing(Observation, key)):
        return previous
    if planned_end < start_date:
        raise RuleError(_("The end cannot be before the start."), field="planned_end")
    _check_length(start_date, planned_end)
    running = current_for_resident(resident, today())
    if running is not None:
        raise RuleError(
            _(
                "%(name)s is already under observation until %(end)s.",
                name=resident.name,
                end=running.planned_end,
            )
        )
    observation = Observation(
        resident=resident,
        household=resident.household,
        start_date=start_date,
        planned_end=planned_end,
        reason=reason,
        created_by_id=worker_id,
        client_key=key,
    )
    observation.events.append(_event("start", reason, planned_end, worker_id))
    raise_at_least(
        resident.household,
        current_app.config["OBSERVATION_STATUS"],
        under_observation_reason(resident.name),
    )
    db.session.add(observation)
    return observation


def extend(observation: Observation, planned_end: date, reason: str, worker_id: int) -> None:
    """Move the planned end later."""
    if planned_end <= observation.planned_end:
        raise RuleError(
            _("The new end must be after %(end)s.", end=observation.planned_end),
            field="planned_end",
        )
    _check_length(observation.start_date, planned_end)
    observation.planned_end = planned_end
    observation.events.append(_event("extend", reason, planned_end, worker_id))


def _check_length(start_date: date, planned_end: date) -> None:
    """Refuse an observation longer than OBSERVATION_MAX_DAYS, extensions included: one that
    runs on for ever keeps a household yellow and its follow-ups due long after anyone meant
    it (and a mistyped year, 2062 for 2026, is caught here)."""
    most = current_app.config["OBSERVATION_MAX_DAYS"]
    if (planned_end - start_date).days > most:
        raise RuleError(
            _(
                "An observation lasts at most %(days)d days in all: "
                "the end can be %(end)s at the latest.",
                days=most,
                end=start_date + timedelta(days=most),
            ),
            field="planned_end",
        )


def release(observation: Observation, reason: str, worker_id: int) -> None:
    """End a current observation today; the household's colour stays for a person to lower."""
    if not observation.current_on(today()):
        raise RuleError(_("This observation has already ended."))
    observation.released_on = today()
    observation.release_reason = reason
    observation.events.append(_event("release", reason, observation.planned_end, worker_id))
    trail.record(
        "observation_released",
        worker_id,
        ("observation", observation.id),
        observation.household.grid_id,
        reason=reason,
    )


def record_follow_up(
    observation: Observation,
    slot_date: date,
    slot: str,
    temperature: float,
    symptoms: list[str],
    supplies: str | None,
    worker_id: int | None,
    key: str,
    self_reported: bool = False,
) -> FollowUp:
    """Record one follow-up of a slot that has begun, and apply what it sets off.

    RuleError for a day without observation or a slot not begun; Conflict when the slot was
    recorded already (by whom, at what time).
    """
    if not observation.current_on(slot_date):
        raise RuleError(_("There is no observation on %(day)s.", day=slot_date))
    if slot_date > today() or slot_state(slot_date, slot, now()) == "later":
        raise RuleError(_("That follow-up slot has not begun yet."))
    if done := recorded(observation, slot_date, slot):
        raise Conflict(
            _(
                "This slot was already recorded by %(worker)s at %(time)s.",
                worker=done.recorded_by,
                time=done.recorded_at.strftime("%H:%M"),
            )
        )
    entry = FollowUp(
        observation=observation,
        slot_date=slot_date,
        slot=slot,
        worker_id=worker_id,
        self_reported=self_reported,
        grid_id=observation.household.grid_id,
        recorded_at=now(),
        temperature=temperature,
        symptoms=symptoms,
        supplies=supplies or None,
        client_key=key,
    )
    db.session.add(entry)
    household = observation.household
    if entry.is_alert:
        reason = fever_reason(observation.resident.name, entry.temperature, entry.symptoms)
        raise_at_least(household, current_app.config["FEVER_RAISES_TO"], reason)
    if entry.supplies:
        open_errand(household, supplies_errand(entry.supplies), worker_id, follow_up=entry)
    return entry


def recorded(observation: Observation, slot_date: date, slot: str) -> FollowUp | None:
    """The follow-up recorded for one slot, if any."""
    return db.session.scalar(
        select(FollowUp).where(
            FollowUp.observation_id == observation.id,
            FollowUp.slot_date == slot_date,
            FollowUp.slot == slot,
        )
    )


# The texts these rules write into records, in the office's language (the demo writes the same).


def under_observation_reason(name: str) -> str:
    with office_language():
        return _("%(name)s under home observation", name=name)


def fever_reason(name: str, temperature: float, symptoms: list[str]) -> str:
    with office_language():
        signs = [f"{temperature:.1f}°C"] + [str(SYMPTOMS.get(s, s)) for s in symptoms]
        return _("Follow-up of %(name)s: %(signs)s", name=name, signs="、".join(signs))


def supplies_errand(what: str) -> str:
    with office_language():
        return _("Buy daily necessities: %(what)s", what=what)


def _event(action: str, reason: str, planned_end: date, worker_id: int) -> ObservationEvent:
    return ObservationEvent(
        at=now(), worker_id=worker_id, action=action, reason=reason, planned_end=planned_end
    )
