"""Home observation (居家观察): start, follow up twice a day, extend, release early."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import idempotency, scope
from ..clock import now, today
from ..extensions import db
from ..htmx import is_partial, redirect_after_write, render
from ..models import SLOTS, FollowUp, Observation, Resident
from ..pdf import qr_png_data_uri
from ..permissions import Can, requires
from ..rules import Conflict, RuleError
from ..selfreports import rules as selfreports
from ..writes import REFUSED, done, save
from . import bp, rules
from .forms import ExtendForm, FollowUpForm, ObservationForm, ReleaseForm
from .slots import default_slot, slot_state, slots


@bp.route("/new/<int:resident_id>", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def new(resident_id: int):
    """Put a resident under home observation (14 days unless changed)."""
    resident = scope.get_resident_or_404(resident_id)
    form = ObservationForm()
    if not form.is_submitted():
        form.start_date.data = today()
        form.planned_end.data = today() + timedelta(days=current_app.config["OBSERVATION_DAYS"])
        running = rules.current_for_resident(resident, today())
        if running is not None:
            form.form_errors.append(
                _(
                    "%(name)s is already under observation until %(end)s.",
                    name=resident.name,
                    end=running.planned_end,
                )
            )
    elif form.validate():
        observation = save(form, lambda: _start(resident, form))
        if observation is not REFUSED:
            back = url_for("observations.show", observation_id=observation.id)
            return done(_("%(name)s is under home observation.", name=resident.name), back)
    status = 422 if form.errors or form.form_errors else 200
    return render("observations/new.html", form=form, resident=resident, status=status)


def _start(resident: Resident, form: ObservationForm) -> Observation:
    data = form.data
    start, end, reason = data["start_date"], data["planned_end"], data["reason"]
    return rules.start(resident, start, end, reason, current_user.id, data["key"])


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
        (SLOTS[slot], slot_state(day, slot, at), rules.recorded(observation, day, slot))
        for slot in slots()
    ]
    link = selfreports.live_link(observation)
    return render(
        "observations/show.html",
        "observations/_update.html",
        observation=observation,
        self_report=link,
        self_report_url=selfreports.link_url(link) if link else None,
        self_report_qr=qr_png_data_uri(selfreports.link_url(link)) if link else None,
        form=form,
        # A refused extension or release comes back in its own fold, open, with what was typed.
        extend_form=extend_form or ExtendForm(formdata=None),
        release_form=release_form or ReleaseForm(formdata=None),
        current=observation.current_on(day),
        today_slots=today_slots,
        message=message,
        new_follow_up=new_follow_up,
        # The fragment has no form to show field errors in; the page shows them by the fields.
        errors=[e for errors in form.errors.values() for e in errors] if is_partial() else [],
        status=status,
    )


@bp.get("/<int:observation_id>")
@requires(Can.FIELD_WORK)
def show(observation_id: int):
    """An observation: its dates, today's slots, the follow-up form and the follow-ups so far."""
    return _page(scope.get_observation_or_404(observation_id))


@bp.post("/<int:observation_id>/follow-ups")
@requires(Can.FIELD_WORK)
def follow_up(observation_id: int):
    """Record a follow-up; a fever or a symptom raises the household, supplies make an errand."""
    observation = scope.get_observation_or_404(observation_id)
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _page(observation, form, status=422)
    if idempotency.existing(FollowUp, form.key.data):
        return _after_follow_up(observation)
    try:
        entry = rules.record_follow_up(
            observation,
            slot_date=form.slot_date.data or today(),
            slot=form.slot.data or default_slot(now()),
            temperature=float(form.temperature.data),
            symptoms=list(form.symptoms.data or []),
            supplies=form.supplies.data,
            worker_id=current_user.id,
            key=form.key.data,
        )
    except Conflict as error:
        db.session.rollback()
        return _page(observation, FollowUpForm(formdata=None), 409, str(error))
    except RuleError as error:
        db.session.rollback()
        return _page(observation, form, 422, str(error))
    try:
        db.session.commit()
    except IntegrityError:  # the same key (or the same slot) arrived twice at once
        db.session.rollback()
        entry = None
    return _after_follow_up(observation, entry)


def _after_follow_up(observation: Observation, entry: FollowUp | None = None):
    """The card again for htmx (today's slots updated, and `entry`, the follow-up this request
    recorded, added to the list), a redirect for a plain post."""
    db.session.refresh(observation)
    if is_partial():
        return _page(observation, new_follow_up=entry)
    return redirect_after_write(url_for("observations.show", observation_id=observation.id))


@bp.post("/<int:observation_id>/extend")
@requires(Can.FIELD_WORK)
def extend(observation_id: int):
    """Move the planned end later, with a reason."""
    observation = scope.get_observation_or_404(observation_id)
    form = ExtendForm()
    if form.validate_on_submit():
        end, reason = form.planned_end.data, form.reason.data
        if (
            save(form, lambda: rules.extend(observation, end, reason, current_user.id))
            is not REFUSED
        ):
            back = url_for("observations.show", observation_id=observation.id)
            return done(_("Observation extended to %(end)s.", end=end), back)
    return _page(observation, status=422, extend_form=form)


@bp.post("/<int:observation_id>/release")
@requires(Can.FIELD_WORK)
def release(observation_id: int):
    """End an observation early, with a reason; the household's colour stays for a person to
    lower."""
    observation = scope.get_observation_or_404(observation_id)
    form = ReleaseForm()
    if not form.validate_on_submit():
        return _page(observation, status=422, release_form=form)
    try:
        rules.release(observation, form.reason.data, current_user.id)
    except RuleError as error:
        db.session.rollback()
        return _page(observation, status=422, message=str(error))
    db.session.commit()
    flash(_("%(name)s was released from observation.", name=observation.resident.name), "success")
    return redirect_after_write(url_for("observations.show", observation_id=observation.id))
