"""Grid workers in the manager's subtree: list, search, add, edit, deactivate."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import contains_eager
from wtforms.fields.choices import SelectChoice

from .. import activation, places, reveals, scope
from ..converters import query_int
from ..extensions import db
from ..forms import choices, keep_stored_phone
from ..htmx import render
from ..models import ROLES, Worker
from ..pdf import warn_unprintable
from ..permissions import Can, manageable_roles, requires
from ..rules import RuleError
from ..writes import REFUSED, done, save
from . import bp, rules
from .forms import SearchForm, WorkerForm


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
    }


def _role_choices() -> list[SelectChoice]:
    manageable = manageable_roles(current_user.role)
    return [c for c in choices(ROLES) if c.value in manageable]


def _appointment(form: WorkerForm) -> rules.Appointment:
    grid = scope.grid_by_code(form.scope_code.data)
    if grid is None:
        raise RuleError(
            _("No node with the code %(code)s in your area.", code=form.scope_code.data),
            field="scope_code",
        )
    return rules.Appointment(
        name=form.name.data,
        phone=form.phone.data or None,
        role=form.role.data,
        scope=grid,
        employment=form.employment.data,
        tags=list(form.tags.data or []),
        positions=list(form.positions.data or []),
        password=form.password.data,
    )


def _save(form: WorkerForm, worker: Worker) -> bool:
    """Appoint from the form; False (with the error by its field) when the rules refuse."""
    appoint = lambda: rules.appoint(worker, _appointment(form), current_user)  # noqa: E731
    return save(form, appoint) is not REFUSED


def _form_page(form: WorkerForm, worker: Worker | None):
    return render("workers/form.html", form=form, worker=worker, status=422 if form.errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@requires(Can.MANAGE_WORKERS)
def new():
    """Add a worker in the manager's subtree."""
    form = WorkerForm()
    form.role.choices = _role_choices()
    if not form.is_submitted():
        form.scope_code.data = current_user.scope.code
    worker = Worker()
    if form.validate_on_submit() and _save(form, worker):
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
    form = WorkerForm(obj=worker)
    form.role.choices = _role_choices()
    keep_stored_phone(form, worker.phone)
    if not form.is_submitted():
        form.scope_code.data = worker.scope.code
    if form.validate_on_submit() and _save(form, worker):
        warn_unprintable({form.name.label.text: worker.name})
        return done(
            _("%(name)s was saved.", name=worker.name), url_for("workers.show", worker_id=worker.id)
        )
    return _form_page(form, worker)


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
