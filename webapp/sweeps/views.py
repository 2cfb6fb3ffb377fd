"""Screening sweeps (地毯式排查): start one, watch its coverage, screen households at their doors,
print the households nobody reached."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from flask import abort, flash, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import idempotency, places, scope
from ..clock import now, today
from ..converters import file_name
from ..extensions import db
from ..htmx import is_partial, redirect_after_write, render
from ..models import Grid, Household, Screening, Sweep
from ..pdf import page_counter, render_pdf
from ..permissions import Can, requires
from ..rules import Conflict, RuleError
from ..writes import REFUSED, done, save
from . import bp, queries, rules
from .forms import FindingsForm, ScreenForm, SweepForm


@bp.get("/")
@requires(Can.FIELD_WORK)
def index():
    """The sweeps over the worker's area or part of it, open ones first."""
    node = current_user.scope
    day = today()
    sweeps = queries.sweeps_of(node)
    totals = queries.coverages_at(sweeps, node)
    rows = [(s, totals[s.id]) for s in sweeps]
    rows.sort(key=lambda row: not row[0].is_open(day))
    return render("sweeps/index.html", rows=rows, day=day, node=node)


@bp.route("/new/<int:grid_id>", methods=["GET", "POST"])
@requires(Can.START_SWEEPS)
def new(grid_id: int):
    """Start a sweep over a node of one's subtree."""
    node = scope.get_grid_or_404(grid_id)
    form = SweepForm()
    if not form.is_submitted():
        form.starts_on.data = today()
        form.ends_on.data = today() + timedelta(days=6)
        form.checks.data = ["returnee", "fever"]
    elif form.validate():
        data = form.data
        sweep = save(
            form,
            lambda: rules.start_sweep(
                node,
                data["name"],
                data["starts_on"],
                data["ends_on"],
                data["checks"],
                current_user.id,
                data["key"],
            ),
        )
        if sweep is not REFUSED:
            back = url_for("sweeps.show", sweep_id=sweep.id, grid_id=node.id)
            return done(_("The sweep %(name)s has started.", name=sweep.name), back)
    status = 422 if form.errors or form.form_errors else 200
    return render("sweeps/new.html", form=form, node=node, status=status)


def _node_of(sweep: Sweep, grid_id: int) -> Grid:
    """A node of the worker's subtree inside the sweep's area."""
    node = scope.get_grid_or_404(grid_id)
    if not sweep.grid.contains(node):
        abort(404)
    return node


@bp.get("/<int:sweep_id>/at/<int:grid_id>")
@requires(Can.FIELD_WORK)
def show(sweep_id: int, grid_id: int):
    """A sweep at one node: a row per child with its progress; at a micro-grid, its doors."""
    sweep = scope.get_sweep_or_404(sweep_id)
    node = _node_of(sweep, grid_id)
    context = {
        "sweep": sweep,
        "node": node,
        "day": today(),
        "crumbs": [g for g in scope.ancestors_in_scope(node) if sweep.grid.contains(g)],
    }
    if node.is_micro:
        places.set_page_node(node)  # its rows say the address below the micro-grid
        total = queries.coverage_at(sweep, node)
        return render("sweeps/show.html", doors=queries.doors(sweep, node), total=total, **context)
    rows, total = queries.children_and_total(sweep, node)
    return render("sweeps/show.html", rows=rows, total=total, **context)


@bp.get("/<int:sweep_id>")
@requires(Can.FIELD_WORK)
def overview(sweep_id: int):
    """The sweep at the worker's own node, or at its own node when that lies inside."""
    sweep = scope.get_sweep_or_404(sweep_id)
    node = queries.viewed_node(sweep, current_user.scope)
    return redirect_after_write(url_for("sweeps.show", sweep_id=sweep.id, grid_id=node.id))


def _door_answer(
    sweep: Sweep,
    household: Household,
    page: str | None,
    status: int = 200,
    message: str | None = None,
    made: Screening | None = None,
) -> Response:
    """Answer a screening: htmx gets the door's row back (and the micro-grid's count of doors
    left); a plain form goes back to the page it came from, with the message."""
    if is_partial():
        door = queries.door(sweep, household)
        left = None
        if page != "household":
            left = queries.coverage_at(sweep, household.grid).left
        template = "sweeps/_household.html" if page == "household" else "sweeps/_door_update.html"
        return render(
            template,
            template,
            status=status,
            sweep=sweep,
            door=door,
            day=today(),
            left=left,
            message=message,
            failed=status >= 400,
            made=made,
        )
    if message:
        flash(message, "error" if status >= 400 else "success")
    if page == "household":
        return redirect_after_write(url_for("households.show", household_id=household.id))
    return redirect_after_write(
        url_for("sweeps.show", sweep_id=sweep.id, grid_id=household.grid_id)
    )


def _record(
    sweep: Sweep, household: Household, form, contact: bool, findings: rules.Findings
) -> Response:
    """Screen `household` through the rules, once per key, and answer for the form's page."""
    page = form.page.data
    if idempotency.existing(Screening, form.key.data) is not None:
        return _door_answer(sweep, household, page)
    try:
        screening = rules.screen(
            sweep,
            household,
            current_user.id,
            form.key.data,
            form.visited_at.data or now(),
            contact=contact,
            findings=findings,
        )
        db.session.commit()
    except Conflict as error:
        db.session.rollback()
        return _door_answer(sweep, household, page, 409, str(error))
    except RuleError as error:
        db.session.rollback()
        return _door_answer(sweep, household, page, 422, str(error))
    except IntegrityError:
        # The same key, or another phone's screening of this household, got in first.
        db.session.rollback()
        db.session.refresh(household)
        return _door_answer(sweep, household, page)
    message = _("Nobody at home: try again at another time of day.") if not contact else None
    return _door_answer(sweep, household, page, message=message, made=screening)


@bp.post("/<int:sweep_id>/screen/<int:household_id>")
@requires(Can.FIELD_WORK)
def screen(sweep_id: int, household_id: int):
    """One tap at a door: nothing to report (无异常), or nobody at home (无人在家)."""
    sweep = scope.get_sweep_or_404(sweep_id)
    household = scope.get_household_or_404(household_id)
    form = ScreenForm()
    if not form.validate_on_submit():
        message = " ".join(str(e) for e in form.error_messages())
        return _door_answer(sweep, household, form.page.data, 422, message)
    return _record(sweep, household, form, form.outcome.data == "clear", rules.NOTHING)


def _residents_choices(form: FindingsForm, household: Household) -> None:
    residents = [(r.id, r.name) for r in household.residents if r.active]
    form.key_person.choices = residents
    form.elderly_alone.choices = residents


@bp.route("/<int:sweep_id>/found/<int:household_id>", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def found(sweep_id: int, household_id: int):
    """Record what was found at a door: a returnee, a fever, a key person, a note."""
    sweep = scope.get_sweep_or_404(sweep_id)
    household = scope.get_household_or_404(household_id)
    form = FindingsForm()
    form.page.data = form.page.data or request.args.get("page")
    _residents_choices(form, household)
    if form.validate_on_submit():
        data = form.data
        findings = rules.Findings(
            returnee=data["returnee"],
            origin=data["origin"],
            returnee_name=data["returnee_name"],
            returnee_id_number=data["returnee_id_number"],
            return_date=data["return_date"],
            fever=data["fever"],
            temperature=float(data["temperature"]) if data["temperature"] else None,
            key_person_ids=data["key_person"] or [],
            elderly_alone_ids=data["elderly_alone"] or [],
            note=data["note"],
        )
        if idempotency.existing(Screening, form.key.data) is None:
            try:
                rules.screen(
                    sweep,
                    household,
                    current_user.id,
                    form.key.data,
                    form.visited_at.data or now(),
                    findings=findings,
                )
                db.session.commit()
            except RuleError as error:
                db.session.rollback()
                _residents_choices(form, household)
                field = getattr(form, error.field or "", None)
                (field.errors if field else form.form_errors).append(str(error))
                return _findings_page(
                    sweep, household, form, 409 if isinstance(error, Conflict) else 422
                )
            except IntegrityError:
                db.session.rollback()
        return _door_answer(sweep, household, form.page.data, message=_("Saved."))
    status = 422 if form.is_submitted() else 200
    return _findings_page(sweep, household, form, status)


def _findings_page(sweep: Sweep, household: Household, form: FindingsForm, status: int):
    page = form.page.data or "row"
    return render(
        "sweeps/found.html", sweep=sweep, household=household, form=form, page=page, status=status
    )


@bp.get("/<int:sweep_id>/at/<int:grid_id>/missed.pdf")
@requires(Can.FIELD_WORK)
def missed_pdf(sweep_id: int, grid_id: int):
    """The households under a node that nobody has screened: a list to follow up."""
    sweep = scope.get_sweep_or_404(sweep_id)
    node = _node_of(sweep, grid_id)
    households = queries.never_reached(sweep, node)
    if node.is_micro:
        rows, total = [], queries.coverage_at(sweep, node)
    else:
        rows, total = queries.children_and_total(sweep, node)
    data = render_pdf(
        "sweep.html",
        page_counter=page_counter(),
        printed_at=now(),
        sweep=sweep,
        node=node,
        households=households,
        rows=rows,
        total=total,
    )
    name = file_name(f"{sweep.name}-{node.name}")
    response = send_file(
        BytesIO(data or b""), mimetype="application/pdf", download_name=f"{name}.pdf"
    )
    # Coverage changes with every screening: never serve an older copy from a cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
