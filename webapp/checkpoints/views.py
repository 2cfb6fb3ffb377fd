"""Checkpoints (卡口): the office sets them up and staffs them; staff tap one check at a time
on one screen; arrivals who stay are handed to their destination micro-grid, whose workers
receive them."""

from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, flash, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from .. import idempotency, reveals, scope
from ..cases import clock as case_clock
from ..cases.states import EVENTS
from ..cases.timeline import steps
from ..clock import now
from ..converters import query_int
from ..extensions import db
from ..forms import parse_day
from ..htmx import is_partial, redirect_after_write, render
from ..identity import mask_id_number, mask_phone
from ..models import (
    OUTCOMES,
    SHIFTS,
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
from ..pdf import page_counter, render_pdf
from ..permissions import Can, requires
from ..rules import RuleError
from ..writes import REFUSED, done, form_error, save
from . import bp, queries, rules
from .forms import CheckForm, CheckpointForm, HandoverForm, PostForm, ReceiveForm, TakeOffForm


@bp.route("/", methods=["GET", "POST"])
@requires(Can.MANAGE_CHECKPOINTS)
def index():
    """Every checkpoint, and the form to set up a new one."""
    form = CheckpointForm()
    if form.validate_on_submit():
        node = scope.grid_by_code(form.grid_code.data)
        if node is None:
            form.grid_code.errors.append(
                _("No grid node has the code %(code)s.", code=form.grid_code.data)
            )
        elif idempotency.existing(Checkpoint, form.key.data) is not None:
            return redirect_after_write(url_for("checkpoints.index"))
        else:
            made = save(
                form,
                lambda: rules.set_up(node, form.name.data, form.place.data, form.key.data),
            )
            if made is not REFUSED:
                return done(
                    _("Checkpoint %(name)s set up.", name=made.name),
                    url_for("checkpoints.staff", checkpoint_id=made.id),
                )
    status = 422 if form.errors or form.form_errors else 200
    return render(
        "checkpoints/index.html", form=form, checkpoints=queries.checkpoints(), status=status
    )


def _checkpoint(checkpoint_id: int) -> Checkpoint:
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None:
        abort(404)
    return checkpoint


@bp.route("/<int:checkpoint_id>/staff", methods=["GET", "POST"])
@requires(Can.MANAGE_CHECKPOINTS)
def staff(checkpoint_id: int):
    """Who is on the checkpoint, by shift; put a worker on it."""
    checkpoint = _checkpoint(checkpoint_id)
    form = PostForm()
    if form.validate_on_submit():
        worker = db.session.scalar(select(Worker).where(Worker.phone == form.worker_phone.data))
        if worker is None:
            form.worker_phone.errors.append(_("No worker has this phone number."))
        else:
            made = save(form, lambda: rules.put_on(checkpoint, worker, form.shift.data))
            if made is not REFUSED:
                return done(
                    _("%(name)s is on %(shift)s.", name=worker.name, shift=made.shift_label),
                    url_for("checkpoints.staff", checkpoint_id=checkpoint.id),
                )
    status = 422 if form.errors or form.form_errors else 200
    return render("checkpoints/staff.html", checkpoint=checkpoint, form=form, status=status)


@bp.post("/<int:checkpoint_id>/staff/off")
@requires(Can.MANAGE_CHECKPOINTS)
def take_off(checkpoint_id: int):
    checkpoint = _checkpoint(checkpoint_id)
    form = TakeOffForm()
    post = db.session.get(CheckpointPost, form.post.data) if form.validate_on_submit() else None
    if post is None or post.checkpoint_id != checkpoint.id:
        flash(_("This worker is not on the checkpoint any more."), "error")
    else:
        rules.take_off(post)
        db.session.commit()
    return redirect_after_write(url_for("checkpoints.staff", checkpoint_id=checkpoint.id))


def _staffed(checkpoint_id: int) -> Checkpoint:
    """A checkpoint the current worker is put on (or any, for whoever manages them); 404 for
    the others, as outside one's scope."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None or not (
        current_user.can(Can.MANAGE_CHECKPOINTS) or queries.is_staff(checkpoint, current_user.id)
    ):
        abort(404)
    return checkpoint


def _screen_context(checkpoint: Checkpoint) -> dict:
    at = now()
    shift = shift_at(at)
    first, after = queries.shift_window(shift, at)
    return {
        "checkpoint": checkpoint,
        "shift": shift,
        "shift_label": SHIFTS[shift][0],
        "counters": queries.counters(checkpoint, first, after),
        "fever_at": current_app.config["FEVER_TEMPERATURE"],
    }


def _tap_answer(checkpoint: Checkpoint, status: int = 200, message: str | None = None) -> Response:
    """htmx gets the counters (out of band) and the tap's message; a plain form goes back."""
    if is_partial():
        return render(
            "checkpoints/_tap_answer.html",
            status=status,
            message=message,
            failed=status >= 400,
            **_screen_context(checkpoint),
        )
    if message:
        flash(message, "error" if status >= 400 else "success")
    return redirect_after_write(url_for("checkpoints.screen", checkpoint_id=checkpoint.id))


@bp.get("/<int:checkpoint_id>")
@requires(Can.CHECKPOINT_WORK)
def screen(checkpoint_id: int):
    """The staff's one screen: the shift's counters and a big button per check."""
    checkpoint = _staffed(checkpoint_id)
    return render("checkpoints/screen.html", form=CheckForm(), **_screen_context(checkpoint))


@bp.post("/<int:checkpoint_id>/check")
@requires(Can.CHECKPOINT_WORK)
def check(checkpoint_id: int):
    """One tap, one check; the same key sent again answers as the first copy and adds none."""
    checkpoint = _staffed(checkpoint_id)
    form = CheckForm()
    if not form.validate_on_submit():
        return _tap_answer(checkpoint, 422, " ".join(str(e) for e in form.error_messages()))
    if idempotency.existing(CheckpointCheck, form.key.data) is not None:
        return _tap_answer(checkpoint)
    kind, outcome = form.tap.data.split(".")
    try:
        rules.check(
            checkpoint,
            current_user.id,
            kind,
            outcome,
            form.key.data,
            form.visited_at.data or now(),
            form.temperature_value,
        )
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        return _tap_answer(checkpoint, 422, str(error))
    except IntegrityError:
        # Two copies of one tap at once: the first one's check stands.
        db.session.rollback()
    return _tap_answer(checkpoint)


@bp.route("/<int:checkpoint_id>/handover", methods=["GET", "POST"])
@requires(Can.CHECKPOINT_WORK)
def handover(checkpoint_id: int):
    """登记后放行: register the arrival and hand them to their destination micro-grid."""
    checkpoint = _staffed(checkpoint_id)
    form = HandoverForm()
    candidates = []
    if form.validate_on_submit():
        if idempotency.existing(CheckpointCheck, form.key.data) is not None:
            return redirect_after_write(url_for("checkpoints.screen", checkpoint_id=checkpoint.id))
        candidates = queries.find_destinations(form.destination.data)
        if len(candidates) != 1:
            form.destination.errors.append(
                _("No micro-grid matches: type the community and micro-grid names, or its code.")
                if not candidates
                else _("Several micro-grids match: choose one below, or type its code.")
            )
        else:
            arrival = rules.Arrival(
                form.name.data,
                form.id_number.data,
                form.phone.data,
                form.origin.data,
                form.address.data,
                candidates[0],
            )
            try:
                made = save(
                    form,
                    lambda: rules.hand_over(
                        checkpoint,
                        current_user.id,
                        arrival,
                        form.key.data,
                        form.visited_at.data or now(),
                        form.temperature_value,
                    ),
                )
            except IntegrityError:
                db.session.rollback()
                return redirect_after_write(
                    url_for("checkpoints.screen", checkpoint_id=checkpoint.id)
                )
            if made is not REFUSED:
                return done(
                    _("%(name)s handed over to %(grid)s.", name=made.name, grid=made.grid.name),
                    url_for("checkpoints.screen", checkpoint_id=checkpoint.id),
                )
    if not form.key.data:
        form.key.data = idempotency.form_key("handover")
    status = 422 if form.errors or form.form_errors else 200
    return render(
        "checkpoints/handover.html",
        checkpoint=checkpoint,
        form=form,
        candidates=candidates if len(candidates) > 1 else [],
        places=queries.places_of(candidates) if len(candidates) > 1 else {},
        status=status,
    )


def _handover_in_scope(handover_id: int) -> Handover:
    """A handover to a micro-grid of the worker's subtree."""
    handover = db.session.get(Handover, handover_id)
    if handover is None or not handover.grid.path.startswith(scope.scope_path()):
        abort(404)
    return handover


def _list_filters() -> tuple[queries.Filters, list[str]]:
    """The list's filters from the query string, and what is wrong with them."""
    args = request.args
    errors = []
    state = args.get("state") or "open"
    if state not in queries.STATES:
        state = "open"
    day = None
    if args.get("date"):
        day = parse_day(args["date"])
        if day is None:
            errors.append(_("Enter the date as 2020-02-15."))
    checkpoint_id = args.get("checkpoint", 0, type=query_int) or None
    return (
        queries.Filters(state, checkpoint_id, day, args.get("held") == "1"),
        errors,
    )


@bp.get("/handovers/")
@requires(Can.SUPERVISE)
def handovers():
    """Handovers to micro-grids of the supervisor's subtree: open, late (their case past its
    time limit) or received, by checkpoint and day; "escalated to me" keeps those the clock
    has lifted to the supervisor's own level."""
    at = now()
    filters, errors = _list_filters()
    total, rows = (
        (0, [])
        if errors
        else queries.handover_list(scope.scope_path(), current_user.scope, filters, at)
    )
    rows = [(h, _position(h, at)) for h in rows]
    checkpoints = queries.checkpoints()
    risen = {p.holder_id for _h, p in rows if p is not None and p.rises}
    return render(
        "checkpoints/handovers.html",
        "checkpoints/_handovers.html",
        status=422 if errors else 200,
        filters=filters,
        errors=errors,
        total=total,
        rows=rows,
        holder_names=dict(
            db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(risen))).all()
        )
        if risen
        else {},
        checkpoints=checkpoints,
        summarisable=[c for c in checkpoints if c.grid.path.startswith(scope.scope_path())],
        states=LIST_STATES,
        held_here=queries.held_count(current_user.scope, at),
    )


LIST_STATES = {
    "open": _l("Not received"),
    "late": _l("Late"),
    "received": _l("Received"),
    "all": _l("All"),
}


def _position(handover: Handover, at):
    return case_clock.position(handover.case, at) if handover.case is not None else None


def _handover_page(
    handover: Handover, form: ReceiveForm, status: int = 200, revealed: bool = False
) -> Response:
    at = now()
    position = _position(handover, at)
    response = render(
        "checkpoints/receive.html",
        handover=handover,
        form=form,
        late=queries.is_late(handover, at),
        position=position,
        holder=db.session.get(Grid, position.holder_id) if position else None,
        timeline=steps(handover.case, at) if handover.case is not None else [],
        events=EVENTS,
        revealed=revealed,
        may_reveal=current_user.can(Can.FIELD_WORK),
        masked_id=mask_id_number(handover.id_number),
        masked_phone=mask_phone(handover.phone),
        status=status,
    )
    if revealed:
        # The full numbers must not stay in any cache, the browser's included.
        response.headers["Cache-Control"] = "no-store"
    return response


def _receive_form(handover: Handover) -> ReceiveForm:
    households = list(
        db.session.scalars(
            select(Household)
            .where(Household.grid_id == handover.grid_id, Household.active)
            .order_by(Household.address)
        )
    )
    residents = [r for h in households for r in h.residents if r.active]
    form = ReceiveForm()
    none = SelectChoice(0, "—")
    form.resident.choices = [none] + [
        SelectChoice(r.id, f"{r.name} · {r.household.address}") for r in residents
    ]
    form.household.choices = [none] + [SelectChoice(h.id, h.address) for h in households]
    return form


@bp.route("/handovers/<int:handover_id>", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def receive(handover_id: int):
    """Receive an arrival: link the resident already registered, or register them (a returnee,
    light yellow) in a household of the micro-grid. Either closes the handover and its case;
    the page shows the case's timeline (the rises of a late one included)."""
    handover = _handover_in_scope(handover_id)
    form = _receive_form(handover)
    if handover.received_at is None and form.validate_on_submit():
        try:
            if form.resident.data:
                resident = db.session.get(Resident, form.resident.data)
                if resident is None:
                    raise RuleError(
                        _("That resident does not live in this micro-grid."), field="resident"
                    )
                rules.receive_existing(handover, resident, current_user.id, now())
            else:
                household = db.session.get(Household, form.household.data)
                if household is None:
                    raise RuleError(
                        _("That household is not in this micro-grid."), field="household"
                    )
                rules.receive_new(handover, household, current_user.id, now())
            db.session.commit()
        except RuleError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            return done(
                _("%(name)s received.", name=handover.name),
                url_for("today.index"),
            )
    status = 422 if form.errors or form.form_errors else 200
    return _handover_page(handover, form, status)


@bp.post("/handovers/<int:handover_id>/reveal")
@requires(Can.FIELD_WORK)
def reveal(handover_id: int):
    """The arrival's full ID number and phone, for the destination's workers and their
    supervisors (the handover lies in their subtree), on the audit trail."""
    handover = _handover_in_scope(handover_id)
    reveals.ask(current_user.id, ("handover", handover.id), handover.grid_id)
    db.session.commit()
    return _handover_page(handover, _receive_form(handover), revealed=True)


def _summarised(checkpoint_id: int) -> Checkpoint:
    """A checkpoint whose shift summary the current worker may print: its staff, whoever
    manages checkpoints, and the supervisors of the node responsible for it; 404 for others."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None or not (
        current_user.can(Can.MANAGE_CHECKPOINTS)
        or queries.is_staff(checkpoint, current_user.id)
        or (current_user.can(Can.SUPERVISE) and checkpoint.grid.path.startswith(scope.scope_path()))
    ):
        abort(404)
    return checkpoint


def _summary_context(checkpoint: Checkpoint) -> dict:
    """The shift asked for (?date=&shift=, the current one by default) and its figures, or
    what is wrong with the question."""
    at = now()
    errors = []
    day = at.date()
    if request.args.get("date"):
        day = parse_day(request.args["date"])
        if day is None:
            errors.append(_("Enter the date as 2020-02-15."))
    shift = request.args.get("shift") or shift_at(at)
    if shift not in SHIFTS:
        errors.append(_("Choose a shift."))
        shift = shift_at(at)
    context = {
        "checkpoint": checkpoint,
        "day": day or at.date(),
        "shift": shift,
        "shift_label": SHIFTS[shift][0],
        "shifts": {k: label for k, (label, _f, _a) in SHIFTS.items()},
        "errors": errors,
        "printed_at": at,
        "outcomes": OUTCOMES,
    }
    if errors:
        return context
    summary = queries.shift_summary(checkpoint, shift, day)
    posted = {p.worker_id for p in checkpoint.posts if p.shift == shift}
    ids = posted | summary.by_worker.keys()
    names = (
        dict(db.session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(ids))).all())
        if ids
        else {}
    )
    context["summary"] = summary
    context["staff"] = sorted(
        ((names.get(i, "?"), i in posted, summary.by_worker.get(i, 0)) for i in ids),
        key=lambda row: (not row[1], row[0]),
    )
    return context


@bp.get("/<int:checkpoint_id>/summary")
@requires(Can.CHECKPOINT_WORK)
def summary(checkpoint_id: int):
    """The shift summary to print at the end of a shift: people and vehicles, each diversion
    outcome, green-channel passages, fevers, handovers, hour by hour, and who was on it."""
    context = _summary_context(_summarised(checkpoint_id))
    return render(
        "checkpoints/summary.html",
        "checkpoints/_summary.html",
        status=422 if context["errors"] else 200,
        **context,
    )


@bp.get("/<int:checkpoint_id>/summary/pdf")
@requires(Can.CHECKPOINT_WORK)
def summary_pdf(checkpoint_id: int):
    """The same shift summary as an A4 PDF (the page with the message when asked wrong)."""
    checkpoint = _summarised(checkpoint_id)
    context = _summary_context(checkpoint)
    if context["errors"]:
        return render("checkpoints/summary.html", status=422, **context)
    data = render_pdf("shift_summary.html", page_counter=page_counter(), **context)
    response = send_file(
        BytesIO(data or b""),
        mimetype="application/pdf",
        download_name=f"shift-{checkpoint.id}-{context['day'].isoformat()}-{context['shift']}.pdf",
    )
    # Figures change with every check: never serve an earlier copy from a cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
