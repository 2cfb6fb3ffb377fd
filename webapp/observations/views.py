"""Home observation (居家观察): start, follow up twice a day, extend, release early."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import idempotency, scope
from ..clock import now, today
from ..extensions import db
from ..htmx import is_partial, redirect_after_write, render
from ..models import SLOTS, SYMPTOMS, Errand, FollowUp, Observation, ObservationEvent
from ..statuses.rules import raise_at_least
from . import bp
from .forms import ExtendForm, FollowUpForm, ObservationForm, ReleaseForm
from .queries import current_for_resident, recorded
from .slots import default_slot, slot_state, slots


@bp.route("/new/<int:resident_id>", methods=["GET", "POST"])
def new(resident_id: int):
    """Put a resident under home observation (14 days unless changed)."""
    resident = scope.get_resident_or_404(resident_id)
    form = ObservationForm()
    if not form.is_submitted():
        form.start_date.data = today()
        form.planned_end.data = today() + timedelta(days=current_app.config["OBSERVATION_DAYS"])
    running = current_for_resident(resident, today())
    if running is not None:
        form.form_errors.append(
            _(
                "%(name)s is already under observation until %(end)s.",
                name=resident.name,
                end=running.planned_end,
            )
        )
    elif form.validate_on_submit():
        if previous := idempotency.existing(Observation, form.key.data):
            return redirect_after_write(url_for("observations.show", observation_id=previous.id))
        observation = Observation(
            resident=resident,
            household=resident.household,
            start_date=form.start_date.data,
            planned_end=form.planned_end.data,
            reason=form.reason.data,
            created_by_id=current_user.id,
            client_key=form.key.data,
        )
        observation.events.append(_event("start", form.reason.data, form.planned_end.data))
        with _office_language():
            raise_at_least(
                resident.household,
                current_app.config["OBSERVATION_STATUS"],
                _("%(name)s under home observation", name=resident.name),
            )
        db.session.add(observation)
        db.session.commit()
        flash(_("%(name)s is under home observation.", name=resident.name), "success")
        return redirect_after_write(url_for("observations.show", observation_id=observation.id))
    status = 422 if form.errors or form.form_errors else 200
    return render("observations/new.html", form=form, resident=resident, status=status)


def _event(action: str, reason: str, planned_end) -> ObservationEvent:
    return ObservationEvent(
        at=now(), worker_id=current_user.id, action=action, reason=reason, planned_end=planned_end
    )


def _page(
    observation: Observation,
    form: FollowUpForm | None = None,
    status: int = 200,
    message: str | None = None,
    new_follow_up: FollowUp | None = None,
    extend_form: ExtendForm | None = None,
    release_form: ReleaseForm | None = None,
):
    if form is None:
        form = FollowUpForm(formdata=None)
    form.slot.data = form.slot.data or default_slot(now())
    day, at = today(), now()
    today_slots = [
        (SLOTS[slot], slot_state(day, slot, at), recorded(observation, day, slot))
        for slot in slots()
    ]
    return render(
        "observations/show.html",
        "observations/_update.html",
        observation=observation,
        form=form,
        # A refused extension or release comes back in its own fold, open, with what was typed.
        extend_form=extend_form or ExtendForm(formdata=None),
        release_form=release_form or ReleaseForm(formdata=None),
        current=observation.is_current(day),
        today_slots=today_slots,
        message=message,
        new_follow_up=new_follow_up,
        # The fragment has no form to show field errors in; the page shows them by the fields.
        errors=[e for errors in form.errors.values() for e in errors] if is_partial() else [],
        status=status,
    )


@bp.get("/<int:observation_id>")
def show(observation_id: int):
    """An observation: its dates, today's slots, the follow-up form and the follow-ups so far."""
    return _page(scope.get_observation_or_404(observation_id))


@bp.post("/<int:observation_id>/follow-ups")
def follow_up(observation_id: int):
    """Record a follow-up; a fever or a symptom raises the household, supplies make an errand."""
    observation = scope.get_observation_or_404(observation_id)
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _page(observation, form, status=422)
    if idempotency.existing(FollowUp, form.key.data):
        return _after_follow_up(observation)
    slot_date = form.slot_date.data or today()
    slot = form.slot.data or default_slot(now())
    if not observation.is_current(slot_date):
        return _page(
            observation, form, 422, _("There is no observation on %(day)s.", day=slot_date)
        )
    if slot_date > today() or slot_state(slot_date, slot, now()) == "later":
        return _page(observation, form, 422, _("That follow-up slot has not begun yet."))
    if done := recorded(observation, slot_date, slot):
        message = _(
            "This slot was already recorded by %(worker)s at %(time)s.",
            worker=done.worker.name,
            time=done.recorded_at.strftime("%H:%M"),
        )
        return _page(observation, FollowUpForm(formdata=None), 409, message)
    entry = FollowUp(
        observation=observation,
        slot_date=slot_date,
        slot=slot,
        worker_id=current_user.id,
        grid_id=observation.household.grid_id,
        recorded_at=now(),
        temperature=float(form.temperature.data),
        symptoms=list(form.symptoms.data or []),
        supplies=form.supplies.data or None,
        client_key=form.key.data,
    )
    db.session.add(entry)
    _apply_rules(observation, entry)
    try:
        db.session.commit()
    except IntegrityError:  # the same key (or the same slot) arrived twice at once
        db.session.rollback()
        entry = None
    return _after_follow_up(observation, entry)


def _office_language():
    """Texts the app writes into records (a colour change's reason, an errand) are data that
    every worker of the grid reads: written in the office's language, whatever the writer's."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def _apply_rules(observation: Observation, entry: FollowUp) -> None:
    with _office_language():
        config = current_app.config
        if entry.temperature >= config["FEVER_TEMPERATURE"] or entry.symptoms:
            signs = [f"{entry.temperature:.1f}°C"] + [str(SYMPTOMS[s]) for s in entry.symptoms]
            raise_at_least(
                observation.household,
                config["FEVER_RAISES_TO"],
                _(
                    "Follow-up of %(name)s: %(signs)s",
                    name=observation.resident.name,
                    signs="、".join(signs),
                ),
            )
        if entry.supplies:
            db.session.add(
                Errand(
                    household=observation.household,
                    grid_id=observation.household.grid_id,
                    follow_up=entry,
                    description=_("Buy daily necessities: %(what)s", what=entry.supplies),
                    created_by_id=current_user.id,
                )
            )


def _after_follow_up(observation: Observation, entry: FollowUp | None = None):
    """The card again for htmx (today's slots updated, and `entry`, the follow-up this request
    recorded, added to the list), a redirect for a plain post."""
    db.session.refresh(observation)
    if is_partial():
        return _page(observation, new_follow_up=entry)
    return redirect_after_write(url_for("observations.show", observation_id=observation.id))


@bp.post("/<int:observation_id>/extend")
def extend(observation_id: int):
    """Move the planned end later, with a reason."""
    observation = scope.get_observation_or_404(observation_id)
    form = ExtendForm()
    if form.validate_on_submit() and form.planned_end.data <= observation.planned_end:
        form.planned_end.errors.append(
            _("The new end must be after %(end)s.", end=observation.planned_end)
        )
    if form.errors:
        return _page(observation, status=422, extend_form=form)
    observation.planned_end = form.planned_end.data
    observation.events.append(_event("extend", form.reason.data, form.planned_end.data))
    db.session.commit()
    flash(_("Observation extended to %(end)s.", end=observation.planned_end), "success")
    return redirect_after_write(url_for("observations.show", observation_id=observation.id))


@bp.post("/<int:observation_id>/release")
def release(observation_id: int):
    """End an observation early, with a reason; the household's colour stays for a person to
    lower."""
    observation = scope.get_observation_or_404(observation_id)
    form = ReleaseForm()
    if not form.validate_on_submit():
        return _page(observation, status=422, release_form=form)
    if not observation.is_current(today()):
        return _page(observation, status=422, message=_("This observation has already ended."))
    observation.released_on = today()
    observation.release_reason = form.reason.data
    observation.events.append(_event("release", form.reason.data, observation.planned_end))
    db.session.commit()
    flash(_("%(name)s was released from observation.", name=observation.resident.name), "success")
    return redirect_after_write(url_for("observations.show", observation_id=observation.id))
