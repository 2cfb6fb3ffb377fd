"""Return filings (两报备): an enterprise's list of returning employees, entered row by row or
uploaded as a sheet; the filing's page with both decisions per employee; the department
reviewer's and the destination community's decisions; revoking; the whitelist."""

from __future__ import annotations

from flask import abort, current_app, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from .. import idempotency, reveals, scope
from ..checkpoints.queries import find_destinations, places_of
from ..clock import now, today
from ..converters import query_int
from ..extensions import db
from ..forms import parse_day
from ..htmx import render
from ..imports import files, workbooks
from ..models import TRAVEL_MEANS, Enterprise, FiledEmployee, ReturnFiling, Worker
from ..passes import rules as passes
from ..permissions import Can, requires
from ..writes import REFUSED, done, save
from . import bp, queries, rules
from .forms import DecisionForm, FilingForm, ImportForm, RevokeForm
from .sheet import EMPLOYEES, check_upload

PASS_STATES = {
    passes.VALID: _l("Valid"),
    passes.EXPIRED: _l("Expired"),
    passes.REVOKED: _l("Revoked"),
    passes.NOT_YET: _l("Not valid yet"),
}


# --- filing --------------------------------------------------------------------------------


@bp.get("/")
@requires(Can.ENTERPRISE_WORK)
def index():
    """The filings of the enterprises one files for, with their stage; where to file anew."""
    page = max(1, min(request.args.get("page", 1, type=query_int), 10_000))
    rows = list(
        db.session.scalars(
            queries.filings().limit(queries.PAGE + 1).offset((page - 1) * queries.PAGE)
        )
    )
    more = len(rows) > queries.PAGE
    rows = rows[: queries.PAGE]
    tallies = queries.tallies([f.id for f in rows])
    enterprises = list(
        db.session.scalars(queries.enterprises().order_by(Enterprise.name).limit(50))
    )
    return render(
        "filings/index.html",
        rows=[(f, tallies.get(f.id, queries.Tally())) for f in rows],
        stage_of=queries.stage_of,
        stages=rules.STAGES,
        enterprises=enterprises,
        page=page,
        more=more,
    )


def _destinations(form: FilingForm) -> tuple[list, dict]:
    """Each row's destination micro-grid found from what was typed (None where it is not
    exactly one, with the reason on the row), and the places of the candidates to choose
    from where several match."""
    found, choices = [], {}
    for number, entry in enumerate(form.rows.entries):
        typed = entry.form.destination.data or ""
        candidates = find_destinations(typed)
        if len(candidates) == 1:
            found.append(candidates[0])
            continue
        found.append(None)
        entry.form.destination.errors = [
            *entry.form.destination.errors,
            _("No micro-grid matches: type the community and micro-grid names, or its code.")
            if not candidates
            else _("Several micro-grids match: choose one below, or type its code."),
        ]
        if candidates:
            places = places_of(candidates)
            choices[number] = [(g.code, places[g.id]) for g in candidates]
    return found, choices


def _employees(form: FilingForm, destinations: list) -> list[rules.Employee]:
    return [
        rules.Employee(
            name=entry.form.name.data,
            id_number=entry.form.id_number.data,
            phone=entry.form.phone.data,
            origin=entry.form.origin.data,
            arrival_date=entry.form.day,
            means=entry.form.means.data,
            stay_address=entry.form.stay_address.data,
            destination=grid,
        )
        for entry, grid in zip(form.rows.entries, destinations, strict=True)
    ]


def _new_page(enterprise: Enterprise, form: FilingForm, status: int = 200, **extra):
    if not form.key.data:
        form.key.data = idempotency.form_key("filing")
    upload = extra.pop("upload", None) or ImportForm(formdata=None)
    if not upload.key.data:
        upload.key.data = idempotency.form_key("filing-import")
    return render(
        "filings/new.html",
        enterprise=enterprise,
        form=form,
        upload=upload,
        choices=extra.pop("choices", {}),
        checked=extra.pop("checked", None),
        sheet=EMPLOYEES,
        status=status,
    )


def _filed_meanwhile(key: str):
    """Two copies of one submission at once: the first one's filing stands."""
    db.session.rollback()
    earlier = idempotency.existing(ReturnFiling, key)
    if earlier is None:
        raise
    return done(_("The list was filed."), url_for("filings.show", filing_id=earlier.id))


@bp.route("/new/<int:enterprise_id>", methods=["GET", "POST"])
@requires(Can.ENTERPRISE_WORK)
def new(enterprise_id: int):
    """The list of returning employees, one row after another ("add another"), filed at once
    ("file the list"): every row is checked, and a row in error keeps the whole list back."""
    enterprise = queries.get_enterprise_or_404(enterprise_id)
    form = FilingForm()
    if not form.is_submitted():
        return _new_page(enterprise, form)
    action = request.form.get("action", "file")
    if action.startswith("remove-"):
        index = query_int(action.removeprefix("remove-"))
        if 0 <= index < len(form.rows.entries) and len(form.rows.entries) > 1:
            del form.rows.entries[index]
        return _new_page(enterprise, form)
    if not form.validate():
        return _new_page(enterprise, form, 422)
    destinations, choices = _destinations(form)
    if None in destinations:
        return _new_page(enterprise, form, 422, choices=choices)
    if action == "add":
        if len(form.rows.entries) < rules.MAX_EMPLOYEES:
            form.rows.append_entry()
        return _new_page(enterprise, form)
    earlier = idempotency.existing(ReturnFiling, form.key.data)
    if earlier is not None:
        return done(_("The list was filed."), url_for("filings.show", filing_id=earlier.id))
    employees = _employees(form, destinations)
    try:
        made = save(
            form,
            lambda: rules.file(enterprise, current_user.id, employees, now(), form.key.data),
        )
    except IntegrityError:
        return _filed_meanwhile(form.key.data)
    if made is REFUSED:
        return _new_page(enterprise, form, 422)
    return done(
        _("%(n)d employees filed for %(name)s.", n=len(employees), name=enterprise.name),
        url_for("filings.show", filing_id=made.id),
    )


@bp.post("/new/<int:enterprise_id>/import")
@requires(Can.ENTERPRISE_WORK)
def upload(enterprise_id: int):
    """The list as an Excel sheet: filed whole when every row is right, else every row in error
    is shown by its number and nothing is saved."""
    enterprise = queries.get_enterprise_or_404(enterprise_id)
    form = ImportForm()
    filing_form = FilingForm(formdata=None)
    if not form.validate_on_submit():
        return _new_page(enterprise, filing_form, 422, upload=form)
    sent = form.file.data
    if sent is None or not getattr(sent, "filename", ""):
        form.file.errors = [_("Choose a file to upload.")]
        return _new_page(enterprise, filing_form, 422, upload=form)
    earlier = idempotency.existing(ReturnFiling, form.key.data)
    if earlier is not None:
        return done(_("The list was filed."), url_for("filings.show", filing_id=earlier.id))
    max_mb = current_app.config["IMPORT_MAX_MB"]
    path = files.store(sent.stream, max_mb * 1024 * 1024)
    if path is None:
        form.file.errors = [_("The file is larger than %(mb)d MB.", mb=max_mb)]
        return _new_page(enterprise, filing_form, 413, upload=form)
    try:
        checked = check_upload(path, today(), max_mb)
    finally:
        files.remove(path)
    if not checked.ok:
        return _new_page(enterprise, filing_form, 422, upload=form, checked=checked)
    try:
        made = save(
            form,
            lambda: rules.file(
                enterprise, current_user.id, checked.employees, now(), form.key.data, "import"
            ),
        )
    except IntegrityError:
        return _filed_meanwhile(form.key.data)
    if made is REFUSED:
        return _new_page(enterprise, filing_form, 422, upload=form)
    return done(
        _("%(n)d employees filed for %(name)s.", n=len(checked.employees), name=enterprise.name),
        url_for("filings.show", filing_id=made.id),
    )


@bp.get("/template")
@requires(Can.ENTERPRISE_WORK)
def template():
    """The blank sheet of a filing's employees: Chinese headers, an example row, instructions."""
    return send_file(
        workbooks.template(EMPLOYEES),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=workbooks.template_name(EMPLOYEES),
    )


# --- a filing's page -----------------------------------------------------------------------


def _people(filing: ReturnFiling, employees: list[FiledEmployee]) -> dict[int, Worker]:
    """Whoever decided or revoked anything here, by id: one statement."""
    ids = {filing.created_by_id, filing.department_by_id, filing.revoked_by_id}
    ids |= {e.community_by_id for e in employees}
    ids.discard(None)
    return {w.id: w for w in db.session.scalars(select(Worker).where(Worker.id.in_(ids)))}


def _page(
    filing: ReturnFiling,
    whole: bool,
    review: bool = False,
    status: int = 200,
    revealed: int | None = None,
    **forms,
):
    employees = (
        filing.employees
        if whole or review
        else [e for e in filing.employees if queries.is_arrival_here(e)]
    )
    day = today()
    stage = rules.stage(filing)
    open_ = stage not in ("revoked", "refused")
    rows = [
        {
            "employee": e,
            "state": rules.employee_state(e),
            "pass": e.green_pass,
            "pass_state": passes.state_on(e.green_pass, day) if e.green_pass else None,
            "mine": not review and open_ and queries.is_arrival_here(e),
        }
        for e in employees
    ]
    mine_waiting = [r for r in rows if r["mine"] and r["employee"].community_decision is None]
    response = render(
        "filings/show.html",
        filing=filing,
        enterprise=filing.enterprise,
        whole=whole,
        review=review,
        rows=rows,
        mine_waiting=len(mine_waiting),
        stage=stage,
        stages=rules.STAGES,
        states=rules.EMPLOYEE_STATES,
        pass_states=PASS_STATES,
        means=TRAVEL_MEANS,
        people=_people(filing, employees),
        revealed=revealed,
        may_decide=review and stage == "department",
        may_revoke=stage != "revoked"
        and (review or (whole and current_user.can(Can.MANAGE_ENTERPRISES))),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        revoke_form=forms.get("revoke_form") or RevokeForm(formdata=None),
        arrival_form=forms.get("arrival_form") or DecisionForm(formdata=None),
        status=status,
    )
    if revealed:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:filing_id>")
@requires(Can.ENTERPRISE_WORK)
def show(filing_id: int):
    """A filing: its employees (numbers masked), each one's two decisions, their passes."""
    filing, whole = queries.get_filing_or_404(filing_id)
    return _page(filing, whole)


def _reveal(filing: ReturnFiling, whole: bool, employee_id: int, review: bool):
    shown = (
        filing.employees
        if whole or review
        else [e for e in filing.employees if queries.is_arrival_here(e)]
    )
    employee = next((e for e in shown if e.id == employee_id), None)
    if employee is None:
        abort(404)
    reveals.ask(current_user.id, ("filed_employee", employee.id), employee.grid_id)
    db.session.commit()
    return _page(filing, whole, review, revealed=employee.id)


@bp.post("/<int:filing_id>/employees/<int:employee_id>/reveal")
@requires(Can.ENTERPRISE_WORK)
def reveal(filing_id: int, employee_id: int):
    """One employee's full ID number and phone, on the audit trail."""
    filing, whole = queries.get_filing_or_404(filing_id)
    return _reveal(filing, whole, employee_id, False)


@bp.post("/<int:filing_id>/revoke")
@requires(Can.MANAGE_ENTERPRISES)
def revoke(filing_id: int):
    """A supervisor of the enterprise's subtree revokes the filing and every pass it gave."""
    filing, whole = queries.get_filing_or_404(filing_id)
    if not whole:
        abort(404)
    return _revoke(filing, url_for("filings.show", filing_id=filing.id), whole, False)


def _revoke(filing: ReturnFiling, back: str, whole: bool, review: bool):
    form = RevokeForm()
    if not form.validate_on_submit():
        return _page(filing, whole, review, 422, revoke_form=form)
    made = save(form, lambda: rules.revoke(filing, current_user.id, form.reason.data, now()))
    if made is REFUSED:
        return _page(filing, whole, review, 422, revoke_form=form)
    return done(_("Filing revoked; %(n)d passes revoked.", n=made), back)


# --- the destination community's decisions -------------------------------------------------


def _decided(form: DecisionForm) -> tuple[bool, str | None]:
    return form.decision.data == "approve", form.reason.data


@bp.post("/employees/<int:employee_id>/decide")
@requires(Can.APPROVE_ARRIVALS)
def arrival(employee_id: int):
    """The destination community approves or refuses one employee (a refusal needs a reason)."""
    employee = queries.get_arrival_or_404(employee_id)
    filing = employee.filing
    whole = db.session.scalar(queries.filings().where(ReturnFiling.id == filing.id)) is not None
    form = DecisionForm()
    if not form.validate_on_submit():
        return _page(filing, whole, status=422, arrival_form=form)
    approve, reason = _decided(form)
    made = save(
        form,
        lambda: rules.decide_arrival(employee, current_user.id, approve, reason, now()),
    )
    if made is REFUSED:
        return _page(filing, whole, status=422, arrival_form=form)
    message = (
        _("%(name)s approved.", name=employee.name)
        if approve
        else _("%(name)s refused.", name=employee.name)
    )
    return done(message, url_for("filings.show", filing_id=filing.id))


@bp.post("/<int:filing_id>/arrivals")
@requires(Can.APPROVE_ARRIVALS)
def arrivals(filing_id: int):
    """The same decision on every employee of the filing coming to one's subtree."""
    filing, whole = queries.get_filing_or_404(filing_id)
    mine = [e for e in filing.employees if queries.is_arrival_here(e)]
    form = DecisionForm()
    if not mine:
        abort(404)
    if not form.validate_on_submit():
        return _page(filing, whole, status=422, arrival_form=form)
    approve, reason = _decided(form)
    made = save(form, lambda: rules.decide_arrivals(mine, current_user.id, approve, reason, now()))
    if made is REFUSED:
        return _page(filing, whole, status=422, arrival_form=form)
    message = _("%(n)d approved.", n=made) if approve else _("%(n)d refused.", n=made)
    return done(message, url_for("filings.show", filing_id=filing.id))


@bp.get("/arrivals")
@requires(Can.APPROVE_ARRIVALS)
def incoming():
    """Employees coming to one's subtree who wait for the community's decision."""
    stmt = queries.waiting_arrivals()
    rows = list(db.session.scalars(stmt.limit(200)))
    return render(
        "filings/incoming.html",
        rows=rows,
        total=queries.count(stmt),
        places=places_of([e.grid for e in rows]),
        means=TRAVEL_MEANS,
    )


# --- the whitelist -------------------------------------------------------------------------


def _whitelist(review: bool):
    args = request.args
    filters = queries.WhitelistFilters(
        text=args.get("q", "").strip()[:40],
        enterprise_id=args.get("enterprise", type=query_int) or None,
        first=parse_day(args.get("first", "")) if args.get("first") else None,
        last=parse_day(args.get("last", "")) if args.get("last") else None,
    )
    stmt = queries.whitelist(filters, review)
    page = max(1, min(args.get("page", 1, type=query_int), 10_000))
    # Each row names its enterprise and its pass's state: loaded with the page, not per row.
    stmt = stmt.options(
        contains_eager(FiledEmployee.filing).contains_eager(ReturnFiling.enterprise),
        selectinload(FiledEmployee.green_pass),
    )
    rows = list(db.session.scalars(stmt.limit(queries.PAGE + 1).offset((page - 1) * queries.PAGE)))
    more = len(rows) > queries.PAGE
    rows = rows[: queries.PAGE]
    day = today()
    return render(
        "filings/whitelist.html",
        "filings/_whitelist.html",
        rows=[(e, passes.state_on(e.green_pass, day) if e.green_pass else None) for e in rows],
        total=queries.count(stmt),
        filters=filters,
        pass_states=PASS_STATES,
        places=places_of([e.grid for e in rows]),
        review=review,
        page=page,
        more=more,
        enterprises=list(
            db.session.scalars(
                (scope.enterprises() if review else queries.enterprises())
                .order_by(Enterprise.name)
                .limit(200)
            )
        ),
    )


@bp.get("/whitelist")
@requires(Can.ENTERPRISE_WORK)
def whitelist():
    """白名单: the whitelisted employees one may see, searchable, by enterprise and date."""
    return _whitelist(False)


# --- the industry department's reviewer ----------------------------------------------------


@bp.get("/review/")
@requires(Can.REVIEW_FILINGS)
def waiting():
    """The reviewer's filings waiting for the department's decision, oldest first."""
    stmt = queries.waiting_for_department()
    rows = list(db.session.scalars(stmt.limit(200)))
    tallies = queries.tallies([f.id for f in rows])
    return render(
        "filings/waiting.html",
        rows=[(f, tallies.get(f.id, queries.Tally())) for f in rows],
        total=queries.count(stmt),
    )


@bp.get("/review/<int:filing_id>")
@requires(Can.REVIEW_FILINGS)
def review(filing_id: int):
    """A filing of the reviewer's department, with the department's decision to give."""
    return _page(queries.get_review_or_404(filing_id), True, review=True)


@bp.post("/review/<int:filing_id>/decide")
@requires(Can.REVIEW_FILINGS)
def decide(filing_id: int):
    """The department approves or refuses the whole list (a refusal needs a reason)."""
    filing = queries.get_review_or_404(filing_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _page(filing, True, True, 422, decision_form=form)
    approve, reason = _decided(form)
    made = save(
        form, lambda: rules.decide_department(filing, current_user.id, approve, reason, now())
    )
    if made is REFUSED:
        return _page(filing, True, True, 422, decision_form=form)
    return done(
        _("Filing approved.") if approve else _("Filing refused."),
        url_for("filings.waiting"),
    )


@bp.post("/review/<int:filing_id>/revoke")
@requires(Can.REVIEW_FILINGS)
def review_revoke(filing_id: int):
    """The department revokes the filing and every pass it gave."""
    filing = queries.get_review_or_404(filing_id)
    return _revoke(filing, url_for("filings.review", filing_id=filing.id), True, True)


@bp.post("/review/<int:filing_id>/employees/<int:employee_id>/reveal")
@requires(Can.REVIEW_FILINGS)
def review_reveal(filing_id: int, employee_id: int):
    return _reveal(queries.get_review_or_404(filing_id), True, employee_id, True)


@bp.get("/review/whitelist")
@requires(Can.REVIEW_FILINGS)
def review_whitelist():
    """The whitelist of the reviewer's department."""
    return _whitelist(True)
