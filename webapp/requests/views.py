"""Work on resident requests: the list of a subtree, one request's page and what can be done
with it, requests entered for a resident, and a worker's consent to show their phone."""

from __future__ import annotations

from flask import abort, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import codes, reveals, scope
from ..cases import clock, work
from ..cases import rules as cases
from ..cases.states import STATES
from ..clock import now
from ..extensions import db
from ..htmx import render
from ..idempotency import form_key
from ..models import Case, Grid, Household, Worker
from ..permissions import Can, requires
from ..photos import PhotoError, read_limited
from ..rules import RuleError
from ..writes import REFUSED, done, save
from . import bp, rules
from .categories import CATEGORIES, OUTCOMES
from .forms import (
    LinkForm,
    MediationForm,
    MergeForm,
    NoteForm,
    OptionalNoteForm,
    RequestForm,
)
from .queries import get_request_or_404, grids_by_id, listing

PAGE = 50


def _worker() -> Worker:
    return db.session.get(Worker, current_user.id)


def may_reveal(case: Case, at) -> bool:
    """The holder (their node holds it, or it is theirs) and supervisors may see the phone."""
    if current_user.can(Can.SUPERVISE):
        return True
    return case.assignee_id == current_user.id or clock.position(case, at).holder_id == (
        current_user.scope_id
    )


@bp.get("/requests/")
@requires(Can.FIELD_WORK)
def index():
    """The requests of one's subtree, with filters (state, category, overdue, node, dates)."""
    at = now()
    filters = work.filters_from_query()
    page = work.page_number()
    rows = db.session.execute(listing(filters, at).limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    positions = {case.id: clock.position(case, at) for case, _sr in rows}
    holders = grids_by_id(p.holder_id for p in positions.values())
    return render(
        "requests/index.html",
        "requests/_list.html",
        rows=rows,
        positions=positions,
        holders=holders,
        filters=filters,
        page=page,
        more=more,
        states=STATES,
        categories=CATEGORIES,
        at=at,
    )


def _page(sent, status: int = 200, revealed: bool = False, **forms):
    case = sent.case
    at = now()
    worker = _worker()
    context = dict(
        work.context(case, at),
        sent=sent,
        categories=CATEGORIES,
        outcomes=OUTCOMES,
        may_reveal=may_reveal(case, at),
        revealed=revealed,
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        resolve_form=forms.get("resolve_form") or NoteForm(formdata=None),
        return_form=forms.get("return_form") or NoteForm(formdata=None),
        urge_form=forms.get("urge_form") or OptionalNoteForm(formdata=None),
        merge_form=forms.get("merge_form") or MergeForm(formdata=None),
        dispatch_form=forms.get("dispatch_form") or work.dispatch_form(case),
        mediation_form=forms.get("mediation_form") or MediationForm(formdata=None),
        link_form=forms.get("link_form") or _link_form(sent),
        mediators=_mediator_choices(case),
        mediations=_mediations(case),
        me=worker,
    )
    response = render("requests/show.html", status=status, **context)
    if revealed:
        response.headers["Cache-Control"] = "no-store"
    return response


def _mediations(case: Case):
    from ..models import Mediation

    return list(
        db.session.scalars(
            select(Mediation).where(Mediation.case_id == case.id).order_by(Mediation.id)
        )
    )


def _mediator_choices(case: Case) -> list[Worker]:
    """Workers who can be named as mediators: those of the case's chain inside the scope."""
    ids = case.grid.ancestor_ids
    return list(
        db.session.scalars(
            select(Worker)
            .join(Worker.scope)
            .where(Worker.scope_id.in_(ids), Worker.active, scope.within(Grid.path))
            .order_by(Worker.name)
            .limit(30)
        )
    )


def _link_form(sent, posted: bool = False) -> LinkForm:
    form = LinkForm() if posted else LinkForm(formdata=None)
    households = db.session.scalars(
        scope.households()
        .where(Household.grid_id == sent.case.grid_id)
        .order_by(Household.address)
        .limit(300)
    ).all()
    form.household_id.choices = [(h.id, h.address) for h in households]
    return form


@bp.get("/requests/<int:case_id>")
@requires(Can.FIELD_WORK)
def show(case_id: int):
    """One request: what was sent, who holds it, its timeline, and what can be done."""
    return _page(get_request_or_404(case_id))


@bp.get("/requests/<int:case_id>/photo")
@requires(Can.FIELD_WORK)
def photo(case_id: int):
    sent = get_request_or_404(case_id)
    path = rules.photo_path(sent.case_id)
    if not sent.has_photo or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/requests/<int:case_id>/reveal")
@requires(Can.FIELD_WORK)
def reveal(case_id: int):
    """Show the requester's full phone, on the audit trail (holder and supervisors only)."""
    sent = get_request_or_404(case_id)
    if not may_reveal(sent.case, now()):
        abort(403)
    reveals.ask(current_user.id, ("request", sent.case_id), sent.case.grid_id)
    db.session.commit()
    return _page(sent, revealed=True)


def _act(case_id: int, change, message: str, form=None, form_name: str | None = None):
    """Load in scope, validate `form` if any, run one rule, commit once, answer."""
    return work.act(
        lambda: get_request_or_404(case_id),
        lambda sent: sent.case,
        _page,
        change,
        message,
        url_for("requests.show", case_id=case_id),
        form,
        form_name,
    )


@bp.post("/requests/<int:case_id>/accept")
@requires(Can.FIELD_WORK)
def accept(case_id: int):
    """Take the request (受理): the resolve clock starts."""
    return _act(case_id, lambda s, f: cases.accept(s.case, _worker(), now()), _("Accepted."))


@bp.post("/requests/<int:case_id>/progress")
@requires(Can.FIELD_WORK)
def progress(case_id: int):
    """Record a step of the work (a visit, a call)."""
    return _act(
        case_id,
        lambda s, f: cases.progress(s.case, _worker(), f.text.data, now()),
        _("Recorded."),
        NoteForm(),
        "note_form",
    )


@bp.post("/requests/<int:case_id>/resolve")
@requires(Can.FIELD_WORK)
def resolve(case_id: int):
    """Resolve it (办结) with a reply the resident reads on the tracking page."""
    return _act(
        case_id,
        lambda s, f: cases.resolve(s.case, _worker(), f.text.data, now()),
        _("Resolved."),
        NoteForm(),
        "resolve_form",
    )


@bp.post("/requests/<int:case_id>/return")
@requires(Can.FIELD_WORK)
def return_up(case_id: int):
    """Not this level's matter (退回): up one level, with the reason."""
    return _act(
        case_id,
        lambda s, f: cases.return_up(s.case, _worker(), f.text.data, now()),
        _("Returned to the level above."),
        NoteForm(),
        "return_form",
    )


@bp.post("/requests/<int:case_id>/dispatch")
@requires(Can.SUPERVISE)
def dispatch(case_id: int):
    """派单: down to a node of the way to the micro-grid, or to a named worker."""
    form = work.dispatch_form(get_request_or_404(case_id).case, posted=True)
    return _act(
        case_id,
        lambda s, f: work.dispatch(s.case, f, now()),
        _("Dispatched."),
        form,
        "dispatch_form",
    )


@bp.post("/requests/<int:case_id>/urge")
@requires(Can.SUPERVISE)
def urge(case_id: int):
    """督办: the holder sees it urged on their today list."""
    return _act(
        case_id,
        lambda s, f: cases.urge(s.case, _worker(), f.text.data, now()),
        _("Urged."),
        OptionalNoteForm(),
        "urge_form",
    )


@bp.post("/requests/<int:case_id>/merge")
@requires(Can.SUPERVISE)
def merge(case_id: int):
    """A duplicate of another request of the subtree: merged into it."""
    unknown = _("No request of your area has this tracking code.")

    def change(s, f):
        work.merge(s.case, f.into.data, now(), unknown)

    return _act(case_id, change, _("Merged."), MergeForm(), "merge_form")


@bp.post("/requests/<int:case_id>/mediation")
@requires(Can.FIELD_WORK)
def mediation(case_id: int):
    """A dispute's mediation: parties, mediators, date, place, outcome, agreement."""
    form = MediationForm()

    def change(s, f):
        chosen = {int(i) for i in request.form.getlist("mediator") if i.isdigit()}
        named = [
            {"name": w.name, "role": str(_("Grid worker")), "worker_id": w.id}
            for w in _mediator_choices(s.case)
            if w.id in chosen
        ]
        for line in (f.others.data or "").replace("；", ";").split(";"):
            name, _sep, role = line.replace("，", ",").partition(",")
            if name.strip():
                named.append(
                    {"name": name.strip()[:20], "role": role.strip()[:30], "worker_id": None}
                )
        rules.record_mediation(
            s,
            _worker(),
            parties=f.parties.data,
            mediators=named,
            held_on=f.held_on.data,
            place=f.place.data,
            outcome=f.outcome.data,
            agreement=f.agreement.data,
            refer_up=f.refer_up.data,
            at=now(),
        )

    return _act(case_id, change, _("Mediation recorded."), form, "mediation_form")


@bp.post("/requests/<int:case_id>/link")
@requires(Can.FIELD_WORK)
def link(case_id: int):
    """Link the request to a household of its micro-grid."""
    sent = get_request_or_404(case_id)
    form = _link_form(sent, posted=True)

    def change(s, f):
        household = scope.get_household_or_404(f.household_id.data or 0)
        rules.link_household(s, household, _worker(), now())

    return _act(case_id, change, _("Linked."), form, "link_form")


@bp.post("/requests/<int:case_id>/raise")
@requires(Can.FIELD_WORK)
def raise_colour(case_id: int):
    """One tap on an epidemic lead: its household to light yellow, the request as reason."""

    def change(s, f):
        if not rules.raise_lead(s, _worker(), now()):
            raise RuleError(_("The household is light yellow or higher already."))

    return _act(case_id, change, _("The household is now light yellow."))


def _new_page(grid: Grid, form: RequestForm, household: Household | None, status: int = 200):
    return render(
        "requests/new.html",
        status=status,
        grid=grid,
        household=household,
        form=form,
        categories=CATEGORIES,
        key=form_key("request"),
    )


def _enter(grid: Grid, household: Household | None):
    form = RequestForm()
    if request.method == "GET" or not form.validate_on_submit():
        if household is not None and request.method == "GET":
            form.address.data = household.address
        return _new_page(grid, form, household, 200 if request.method == "GET" else 422)
    photo_bytes = None
    upload = form.photo.data
    if upload and getattr(upload, "filename", ""):
        try:
            photo_bytes = rules.photo_jpeg(read_limited(upload.stream))
        except PhotoError as error:
            form.photo.errors = [str(error)]
            return _new_page(grid, form, household, 422)
    sent = save(
        form,
        lambda: rules.submit(
            grid,
            form.category.data,
            form.text.data,
            now(),
            address=form.address.data,
            name=form.name.data,
            phone=form.phone.data,
            photo=photo_bytes,
            key=form.key.data,
            worker=_worker(),
            household=household,
        ),
    )
    if sent is REFUSED:
        return _new_page(grid, form, household, 422)
    message = _("Request %(code)s was entered.", code=codes.display(sent.case.code))
    return done(message, url_for("requests.show", case_id=sent.case_id))


@bp.route("/requests/grids/<int:grid_id>/new", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def new_for_grid(grid_id: int):
    """A request for a resident of this micro-grid (a phone call, met on the street)."""
    grid = scope.get_grid_or_404(grid_id)
    if not grid.is_micro:
        abort(404)
    return _enter(grid, None)


@bp.route("/requests/households/<int:household_id>/new", methods=["GET", "POST"])
@requires(Can.FIELD_WORK)
def new_for_household(household_id: int):
    """A request for this household, from its page."""
    household = scope.get_household_or_404(household_id)
    return _enter(household.grid, household)


@bp.post("/requests/my-phone")
@requires(Can.FIELD_WORK)
def phone_consent():
    """The worker agrees (or no longer agrees) to show their number on the public page."""
    worker = _worker()
    worker.phone_public = request.form.get("show") == "1"
    db.session.commit()
    message = (
        _("Your number is shown on your micro-grid's page.")
        if worker.phone_public
        else _("Your number is masked on your micro-grid's page.")
    )
    return done(message, url_for("requests.index"))
