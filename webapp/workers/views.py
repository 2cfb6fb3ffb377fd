"""Grid workers in the manager's subtree: list, search, add, edit, deactivate."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from .. import scope
from ..extensions import db
from ..forms import choices
from ..htmx import redirect_after_write, render
from ..models import ROLES, Worker
from . import bp
from .forms import SearchForm, WorkerForm


@bp.get("/")
@scope.require_manager
def index():
    """Workers in scope, searchable by name or phone (active search with htmx)."""
    form = SearchForm(request.args)
    stmt = scope.workers().order_by(Worker.active.desc(), Worker.name, Worker.id)
    q = form.q.data if form.validate() else ""
    if q:
        stmt = stmt.where(
            or_(
                Worker.name.contains(q, autoescape=True),
                Worker.phone.startswith(q, autoescape=True),
            )
        )
    page = db.paginate(
        stmt, page=request.args.get("page", 1, type=int), per_page=50, error_out=False
    )
    return render("workers/index.html", "workers/_list.html", form=form, page=page, q=q)


@bp.get("/<int:worker_id>")
@scope.require_manager
def show(worker_id: int):
    """One worker's details."""
    return render("workers/show.html", worker=scope.get_worker_or_404(worker_id))


def _role_choices() -> list[SelectChoice]:
    # Only an admin makes admins: a supervisor cannot raise anyone above themselves.
    return [c for c in choices(ROLES) if current_user.is_admin or c.value != "admin"]


def _apply(form: WorkerForm, worker: Worker) -> bool:
    """Copy the form onto `worker`; False (with the field's error set) when it cannot be saved."""
    taken = db.session.scalar(
        select(Worker.id).where(Worker.phone == form.phone.data, Worker.id != (worker.id or 0))
    )
    if taken:
        form.phone.errors.append(_("Another worker signs in with this phone number."))
        return False
    grid = scope.grid_by_code(form.scope_code.data)
    if grid is None:
        form.scope_code.errors.append(
            _("No node with the code %(code)s in your area.", code=form.scope_code.data)
        )
        return False
    if worker.id is None and not form.password.data:
        form.password.errors.append(_("Set a first password (at least 8 characters)."))
        return False
    worker.name = form.name.data
    worker.phone = form.phone.data
    worker.role = form.role.data
    worker.scope = grid
    worker.employment = form.employment.data
    worker.tags = list(form.tags.data or [])
    worker.positions = list(form.positions.data or [])
    if form.password.data:
        worker.set_password(form.password.data)
    return True


def _form_page(form: WorkerForm, worker: Worker | None):
    return render("workers/form.html", form=form, worker=worker, status=422 if form.errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@scope.require_manager
def new():
    """Add a worker in the manager's subtree."""
    form = WorkerForm()
    form.role.choices = _role_choices()
    if not form.is_submitted():
        form.scope_code.data = current_user.scope.code
    worker = Worker()
    if form.validate_on_submit() and _apply(form, worker):
        db.session.add(worker)
        db.session.commit()
        flash(_("%(name)s was added.", name=worker.name), "success")
        return redirect_after_write(url_for("workers.show", worker_id=worker.id))
    return _form_page(form, None)


@bp.route("/<int:worker_id>/edit", methods=["GET", "POST"])
@scope.require_manager
def edit(worker_id: int):
    """Change a worker's details, area, role or password."""
    worker = scope.get_worker_or_404(worker_id)
    form = WorkerForm(obj=worker)
    form.role.choices = _role_choices()
    if not form.is_submitted():
        form.scope_code.data = worker.scope.code
    if form.validate_on_submit() and _apply(form, worker):
        db.session.commit()
        flash(_("%(name)s was saved.", name=worker.name), "success")
        return redirect_after_write(url_for("workers.show", worker_id=worker.id))
    return _form_page(form, worker)


@bp.post("/<int:worker_id>/deactivate")
@scope.require_manager
def deactivate(worker_id: int):
    """Stop a worker from signing in; their visits and history stay."""
    worker = scope.get_worker_or_404(worker_id)
    if worker.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        worker.active = False
        db.session.commit()
        flash(_("%(name)s was deactivated.", name=worker.name), "success")
    return redirect_after_write(url_for("workers.show", worker_id=worker.id))


@bp.post("/<int:worker_id>/activate")
@scope.require_manager
def activate(worker_id: int):
    """Let a deactivated worker sign in again."""
    worker = scope.get_worker_or_404(worker_id)
    worker.active = True
    db.session.commit()
    flash(_("%(name)s was activated.", name=worker.name), "success")
    return redirect_after_write(url_for("workers.show", worker_id=worker.id))
