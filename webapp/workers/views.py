"""Grid workers in the manager's subtree: list, search, add, edit, deactivate."""

from __future__ import annotations

from flask import current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import contains_eager
from wtforms.fields.choices import SelectChoice

from .. import activation, places, reveals, scope
from ..converters import plain_text, query_int
from ..extensions import db
from ..forms import choices, keep_stored_phone
from ..htmx import render
from ..models import ROLES, Enterprise, Grid, IndustryDepartment, Worker
from ..pdf import warn_unprintable
from ..permissions import Can, manageable_roles, requires
from ..writes import REFUSED, done, save
from . import areas, bp, rules
from .forms import AREA_LENGTH, FIRST_PASSWORD, SearchForm, WorkerForm


@bp.get("/")
@requires(Can.MANAGE_WORKERS)
def index():
    """Workers in scope, searchable by name or phone (active search with htmx)."""
    form = SearchForm(request.args)
    stmt = (
        scope.workers()
        .options(contains_eager(Worker.scope))
        .order_by(Worker.active.desc(), Worker.name, Worker.id)
    )
    # An empty box has no data (None): the page must show it empty, not the word "None".
    q = (form.q.data or "") if form.validate() else ""
    if q:
        stmt = stmt.where(
            or_(
                Worker.name.contains(q, autoescape=True),
                Worker.phone.startswith(q, autoescape=True),
            )
        )
    page = db.paginate(
        stmt,
        page=request.args.get("page", 1, type=query_int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    # "3幢" is in every community: each worker's area is named by its path below the viewer.
    areas = places.paths_below((w.scope for w in page.items), current_user.scope)
    return render(
        "workers/index.html", "workers/_list.html", form=form, page=page, q=q, areas=areas
    )


@bp.get("/<int:worker_id>")
@requires(Can.MANAGE_WORKERS)
def show(worker_id: int):
    """One worker's details."""
    return render("workers/show.html", **_shown(scope.get_worker_or_404(worker_id)))


def _shown(worker: Worker) -> dict:
    """What the worker's page shows: the worker, and their area named below the viewer."""
    return {
        "worker": worker,
        "area": places.paths_below([worker.scope], current_user.scope)[worker.scope_id],
        "acts_for": _acts_for(worker),
    }


def _acts_for(worker: Worker) -> Enterprise | IndustryDepartment | None:
    """An enterprise account's enterprise, a reviewer's department (None for the tree)."""
    if worker.enterprise_id is not None:
        return db.session.get(Enterprise, worker.enterprise_id)
    if worker.department_id is not None:
        return db.session.get(IndustryDepartment, worker.department_id)
    return None


def _role_choices(worker: Worker | None) -> list[SelectChoice]:
    """The roles the manager may give; an account bound to an enterprise or a department keeps
    its own, and a tree worker is never offered those (webapp/workers/rules.BOUND_ROLES)."""
    manageable = manageable_roles(current_user.role)
    bound = rules.bound_role(worker) if worker is not None else None
    if bound is not None:
        return [c for c in choices(ROLES) if c.value == bound]
    return [c for c in choices(ROLES) if c.value in manageable and c.value not in rules.BOUND_ROLES]


def _appointment(form: WorkerForm, area: Grid | None) -> rules.Appointment:
    """What the form says; a field it could not read is None (its error is shown already)."""
    return rules.Appointment(
        name=form.name.data,
        phone=None if form.phone.errors else form.phone.data or None,
        role=form.role.data,
        scope=area,
        employment=form.employment.data,
        tags=list(form.tags.data or []),
        positions=list(form.positions.data or []),
        password=None if form.password.errors else form.password.data,
    )


def _add_error(form: WorkerForm, name: str | None, message: str) -> None:
    """An error by its field, unless that field says what is wrong with it already."""
    field = getattr(form, name, None) if name else None
    if field is None:
        form.form_errors.append(message)
    elif not field.errors:
        field.errors.append(message)


def _chosen_area(form: WorkerForm) -> Grid | None:
    """The node the area field names, or None with the reason under the field (and the nodes
    it may mean offered in its list)."""
    if form.area.errors or not form.area.data:
        return None
    choice = areas.choose(form.area.data)
    if choice.node is None:
        form.area_choices = choice.candidates
        if choice.candidates:
            message = _("Several areas are called %(name)s: choose one from the list.")
        else:
            message = _("No area called %(name)s in your area.")
        form.area.errors.append(message % {"name": form.area.data})
    return choice.node


def _submitted(form: WorkerForm, worker: Worker) -> bool:
    """Appoint from a submitted form; False with every error by its field, the form's own
    and the rules' at once, when something is wrong."""
    if not form.is_submitted():
        return False
    form.validate()
    area = _chosen_area(form)
    appointment = _appointment(form, area)
    for problem in rules.problems(worker, appointment, current_user):
        _add_error(form, problem.field, str(problem))
    if form.errors:
        return False
    appoint = lambda: rules.appoint(worker, appointment, current_user)  # noqa: E731
    return save(form, appoint) is not REFUSED


def _worker_form(worker: Worker | None) -> WorkerForm:
    form = WorkerForm(obj=worker)
    form.role.choices = _role_choices(worker)
    form.area_choices = None  # the nodes an ambiguous name may mean, once submitted
    # The list under the field follows what is typed (without JavaScript: the first levels).
    form.area.render_kw = {
        **form.area.render_kw,
        "hx-get": url_for("workers.area_options"),
        "hx-trigger": "input changed delay:300ms",
        "hx-target": "#areas",
        "hx-swap": "outerHTML",
    }
    return form


def _form_page(form: WorkerForm, worker: Worker | None):
    offered = form.area_choices or areas.suggestions(form.area.data or "")
    return render(
        "workers/form.html",
        form=form,
        worker=worker,
        areas=offered,
        status=422 if form.errors else 200,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Can.MANAGE_WORKERS)
def new():
    """Add a worker in the manager's subtree."""
    form = _worker_form(None)
    # A new worker has no current password to keep; the area is chosen, never assumed.
    form.password.description = FIRST_PASSWORD
    worker = Worker()
    if _submitted(form, worker):
        warn_unprintable({form.name.label.text: worker.name})
        return done(
            _("%(name)s was added.", name=worker.name), url_for("workers.show", worker_id=worker.id)
        )
    return _form_page(form, None)


@bp.route("/<int:worker_id>/edit", methods=["GET", "POST"])
@requires(Can.MANAGE_WORKERS)
def edit(worker_id: int):
    """Change a worker's details, area, role or password."""
    worker = scope.get_worker_or_404(worker_id)
    form = _worker_form(worker)
    keep_stored_phone(form, worker.phone)
    if not form.is_submitted():
        form.area.data = areas.label_of(worker.scope)
    if _submitted(form, worker):
        warn_unprintable({form.name.label.text: worker.name})
        return done(
            _("%(name)s was saved.", name=worker.name), url_for("workers.show", worker_id=worker.id)
        )
    return _form_page(form, worker)


@bp.get("/areas")
@requires(Can.MANAGE_WORKERS)
def area_options():
    """The nodes of the manager's subtree whose name holds what was typed in the area field:
    the options of its list (htmx swaps them in as one types)."""
    offered = areas.suggestions(request.args.get("area", "", type=plain_text)[:AREA_LENGTH])
    response = make_response(render_template("workers/_areas.html", areas=offered))
    response.vary.add("HX-Request")
    return response


@bp.post("/<int:worker_id>/reveal")
@requires(Can.REVEAL_IDENTITY)
def reveal(worker_id: int):
    """Show a worker's phone in full (to call them), on the audit trail, within the hourly
    number of reveals."""
    worker = scope.get_worker_or_404(worker_id)
    reveals.ask(current_user.id, ("worker", worker.id), worker.scope_id)
    db.session.commit()
    response = render("workers/show.html", "workers/_phone.html", revealed=True, **_shown(worker))
    response.headers["Cache-Control"] = "no-store"
    return response


# Deactivate and activate (a worker cannot deactivate themselves: workers/rules.py).
activation.add_routes(
    bp,
    "worker_id",
    Can.MANAGE_WORKERS,
    scope.get_worker_or_404,
    rules,
    lambda worker: worker.name,
)
