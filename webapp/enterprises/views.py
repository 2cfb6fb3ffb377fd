"""The enterprise registry (企业) and the industry departments (行业主管部门).

Everybody who acts for enterprises sees the ones scope.enterprises() gives them: an enterprise
account its own, a reviewer its department's, the tree's roles those of their subtree. The
office registers and edits them (Can.MANAGE_ENTERPRISES), the admin keeps the departments
(Can.MANAGE_DEPARTMENTS); liaison officers log their visits from the enterprise's page.
"""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from .. import activation, idempotency, places, reveals, scope, undo
from ..clock import now
from ..converters import plain_text, query_int
from ..extensions import db
from ..forms import keep_stored_phone
from ..htmx import is_partial, redirect_after_write, render
from ..identity import mask_phone
from ..models import Enterprise, EnterpriseVisit, IndustryDepartment, Worker
from ..permissions import Can, requires
from ..rules import RuleError
from ..workers import areas
from ..workers.forms import AREA_LENGTH
from ..writes import REFUSED, done, form_error, save
from . import bp, departments_bp, queries, rules, sections
from .forms import (
    AccountForm,
    DepartmentForm,
    EnterpriseForm,
    LiaisonVisitForm,
    SearchForm,
    UndoForm,
)

# The registry --------------------------------------------------------------------------------


def _department_choices(current: int | None = None, blank: str = "—") -> list[SelectChoice]:
    """Active departments, and the one an enterprise has now even if it was deactivated."""
    return [SelectChoice(0, blank)] + [
        SelectChoice(d.id, d.name) for d in queries.departments() if d.active or d.id == current
    ]


@bp.get("/")
@requires(Can.SEE_ENTERPRISES)
def index():
    """The enterprises in scope, searchable by name or code and filtered by department."""
    form = SearchForm(request.args)
    form.department.choices = _department_choices(blank=_("Every department"))
    valid = form.validate()
    q = (form.q.data or "") if valid else ""
    department_id = form.department.data if valid else 0
    page = db.paginate(
        queries.registry(q, department_id, active_only=not current_user.can(Can.SEE_DEACTIVATED)),
        page=request.args.get("page", 1, type=query_int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        "enterprises/index.html",
        "enterprises/_list.html",
        form=form,
        page=page,
        q=q,
        department_id=department_id,
        areas=places.paths_below((e.grid for e in page.items), current_user.scope),
        last_visits=rules.last_visits([e.id for e in page.items]),
    )


def _me() -> Worker:
    return db.session.get(Worker, current_user.id)


def _shown(enterprise: Enterprise, **extra) -> dict:
    """What the enterprise's page shows."""
    me = _me()
    may_visit = rules.may_visit(enterprise, me) and enterprise.active
    visit_form = extra.pop("visit_form", None) or LiaisonVisitForm(formdata=None)
    visit_form.method.choices = list(rules.VISIT_METHODS.items())
    return {
        "enterprise": enterprise,
        "area": places.paths_below([enterprise.grid], current_user.scope)[enterprise.grid_id],
        "visits": queries.visits_of(enterprise),
        "may_visit": may_visit,
        "visit_form": visit_form,
        "visit_key": idempotency.form_key("liaison-visit"),
        "may_reveal": _may_reveal(enterprise),
        "accounts": rules.accounts_of(enterprise_id=enterprise.id)
        if current_user.can(Can.MANAGE_ENTERPRISES)
        else [],
        "parts": sections.loaded(sections.ENTERPRISE_PARTS, enterprise),
        "undoable": lambda v: rules.can_undo(v, current_user.id, now(), undo.window()),
        "methods": rules.VISIT_METHODS,
        **extra,
    }


@bp.get("/<int:enterprise_id>")
@requires(Can.SEE_ENTERPRISES)
def show(enterprise_id: int):
    """One enterprise: its details, its liaison officer and visits, and what the other
    features add (filings, problems)."""
    enterprise = scope.get_enterprise_or_404(enterprise_id)
    return render("enterprises/show.html", **_shown(enterprise))


def _chosen_area(form: EnterpriseForm):
    """The node the area field names (in the manager's subtree), or None with the reason."""
    if form.area.errors or not form.area.data:
        return None
    choice = areas.choose(form.area.data)
    if choice.node is None:
        form.area_choices = choice.candidates
        message = (
            _("Several areas are called %(name)s: choose one from the list.")
            if choice.candidates
            else _("No area called %(name)s in your area.")
        )
        form.area.errors.append(message % {"name": form.area.data})
    return choice.node


def _chosen_liaison(form: EnterpriseForm, grid) -> Worker | None:
    """The worker the liaison field names, among those who may be the enterprise's; None
    (without an error) when the field is empty."""
    typed = (form.liaison_officer.data or "").strip()
    if not typed or grid is None:
        return None
    found = queries.find_liaison(typed, grid)
    if len(found) == 1:
        return found[0]
    # The current liaison officer, by the name the edit form shows, even if others share it.
    current = form.current_liaison
    if current is not None and typed == current.name and current in found:
        return current
    if not found:
        form.liaison_officer.errors.append(
            _("No worker of this enterprise's area has this name or phone: %(typed)s.", typed=typed)
        )
    else:
        form.liaison_officer.errors.append(
            _(
                "Several workers are called %(name)s: type the phone of the one you mean "
                "(%(phones)s).",
                name=typed,
                phones="、".join(mask_phone(w.phone) for w in found),
            )
        )
    return None


def _enterprise_form(enterprise: Enterprise | None) -> EnterpriseForm:
    form = EnterpriseForm(obj=enterprise)
    form.department.choices = _department_choices(enterprise.department_id if enterprise else None)
    form.area_choices = None
    form.current_liaison = enterprise.liaison if enterprise is not None else None
    form.area.render_kw = {
        **form.area.render_kw,
        "hx-get": url_for("enterprises.area_options"),
        "hx-trigger": "input changed delay:300ms",
        "hx-target": "#areas",
        "hx-swap": "outerHTML",
    }
    if enterprise is not None and not form.is_submitted():
        form.uscc.data = enterprise.uscc
        form.department.data = enterprise.department_id
        form.employees.data = enterprise.employee_count
        form.area.data = areas.label_of(enterprise.grid)
        # The name, never the phone: a full number appears only through a logged reveal.
        form.liaison_officer.data = enterprise.liaison.name if enterprise.liaison else ""
    if not form.key.data:
        form.key.data = idempotency.form_key("enterprise")
    return form


def _submitted(form: EnterpriseForm, enterprise: Enterprise | None):
    """Register or save from a submitted form: the enterprise, or None with every error by its
    field (the form's own and the rules' at once)."""
    if not form.is_submitted():
        return None
    form.validate()
    grid = _chosen_area(form)
    liaison = _chosen_liaison(form, grid)
    department = db.session.get(IndustryDepartment, form.department.data or 0)
    if form.errors or grid is None or department is None:
        return None
    details = rules.Details(
        name=form.name.data,
        uscc=form.uscc.data,
        address=form.address.data,
        grid=grid,
        department=department,
        contact_name=form.contact_name.data,
        contact_phone=form.phone.data or None,
        employee_count=form.employees.data,
        liaison=liaison,
    )
    target = enterprise if enterprise is not None else Enterprise()
    for problem in rules.problems(target, details, queries.in_scope):
        form_error(form, problem)
    if form.errors or form.form_errors:
        return None
    if enterprise is None:
        return save(
            form,
            lambda: rules.register(details, form.key.data, current_user.id, queries.in_scope),
        )
    return save(form, lambda: rules.update(enterprise, details, current_user.id) or enterprise)


def _form_page(form: EnterpriseForm, enterprise: Enterprise | None):
    offered = form.area_choices or areas.suggestions(form.area.data or "")
    return render(
        "enterprises/form.html",
        form=form,
        enterprise=enterprise,
        areas=offered,
        status=422 if form.errors or form.form_errors else 200,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Can.MANAGE_ENTERPRISES)
def new():
    """Register an enterprise of the manager's subtree."""
    form = _enterprise_form(None)
    if form.is_submitted() and form.key.data:
        made = idempotency.existing(Enterprise, form.key.data)
        if made is not None:
            return redirect_after_write(url_for("enterprises.show", enterprise_id=made.id))
    try:
        made = _submitted(form, None)
    except IntegrityError:
        # Two copies of one submission at once (the key), or the same code registered meanwhile.
        db.session.rollback()
        form.uscc.errors.append(_("This unified social credit code is registered already."))
        made = None
    if made not in (None, REFUSED):
        return done(
            _("%(name)s was registered.", name=made.name),
            url_for("enterprises.show", enterprise_id=made.id),
        )
    return _form_page(form, None)


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@requires(Can.MANAGE_ENTERPRISES)
def edit(enterprise_id: int):
    enterprise = scope.get_enterprise_or_404(enterprise_id)
    form = _enterprise_form(enterprise)
    keep_stored_phone(form, enterprise.contact_phone)
    try:
        saved = _submitted(form, enterprise)
    except IntegrityError:
        db.session.rollback()
        form.uscc.errors.append(_("This unified social credit code is registered already."))
        saved = None
    if saved not in (None, REFUSED):
        return done(
            _("%(name)s was saved.", name=enterprise.name),
            url_for("enterprises.show", enterprise_id=enterprise.id),
        )
    return _form_page(form, enterprise)


@bp.get("/areas")
@requires(Can.MANAGE_ENTERPRISES)
def area_options():
    """The nodes of the manager's subtree whose name holds what was typed (the list under the
    field, swapped in by htmx as one types)."""
    offered = areas.suggestions(request.args.get("area", "", type=plain_text)[:AREA_LENGTH])
    response = make_response(render_template("workers/_areas.html", areas=offered))
    response.vary.add("HX-Request")
    return response


def _may_reveal(enterprise: Enterprise) -> bool:
    """Who may see the contact's phone in full: whoever may reveal numbers, the liaison officer
    (who calls the enterprise) and the enterprise's own account."""
    return (
        current_user.can(Can.REVEAL_IDENTITY)
        or current_user.id == enterprise.liaison_id
        or current_user.enterprise_id == enterprise.id
    )


@bp.post("/<int:enterprise_id>/reveal")
@requires(Can.SEE_ENTERPRISES)
def reveal(enterprise_id: int):
    """The contact's phone in full (to call them), on the audit trail, within the hourly
    number of reveals."""
    enterprise = scope.get_enterprise_or_404(enterprise_id)
    if not _may_reveal(enterprise):
        abort(403)
    reveals.ask(current_user.id, ("enterprise", enterprise.id), enterprise.grid_id)
    db.session.commit()
    response = render(
        "enterprises/show.html",
        "enterprises/_phone.html",
        revealed=True,
        **_shown(enterprise),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


activation.add_routes(
    bp,
    "enterprise_id",
    Can.MANAGE_ENTERPRISES,
    scope.get_enterprise_or_404,
    rules,
    lambda enterprise: enterprise.name,
)


# Liaison visits ------------------------------------------------------------------------------


def _visits_answer(enterprise: Enterprise, status: int = 200, errors=(), made=None):
    """htmx gets the visits' fragment (the history with its new row); a plain form goes back."""
    if is_partial():
        return render(
            "enterprises/_visits.html",
            status=status,
            errors=list(errors),
            made=made,
            **_shown(enterprise),
        )
    for error in errors:
        flash(error, "error")
    if made is not None and not errors:
        flash(_("Visit logged."), "success")
    return redirect_after_write(url_for("enterprises.show", enterprise_id=enterprise.id))


@bp.post("/<int:enterprise_id>/visit")
@requires(Can.ENTERPRISE_WORK)
def visit(enterprise_id: int):
    """Log a liaison visit; the same key sent again answers as the first copy and adds none."""
    enterprise = scope.get_enterprise_or_404(enterprise_id)
    me = _me()
    if not rules.may_visit(enterprise, me):
        abort(403)
    form = LiaisonVisitForm()
    form.method.choices = list(rules.VISIT_METHODS.items())
    if not form.validate_on_submit():
        return _visits_answer(enterprise, 422, form.error_messages())
    if (made := idempotency.existing(EnterpriseVisit, form.key.data)) is not None:
        return _visits_answer(enterprise, made=made)
    try:
        made = rules.log_visit(
            enterprise,
            me,
            form.visited_at.data or now(),
            form.method.data,
            form.key.data,
            form.note.data,
        )
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        return _visits_answer(enterprise, 422, [str(error)])
    except IntegrityError:
        # Two copies of one visit at once: the first one's row stands.
        db.session.rollback()
        made = idempotency.existing(EnterpriseVisit, form.key.data)
    return _visits_answer(enterprise, made=made)


@bp.post("/<int:enterprise_id>/visit/undo")
@requires(Can.ENTERPRISE_WORK)
def undo_visit(enterprise_id: int):
    """Take back a liaison visit logged by mistake (its author, for UNDO_MINUTES)."""
    enterprise = scope.get_enterprise_or_404(enterprise_id)
    form = UndoForm()
    visit = db.session.get(EnterpriseVisit, form.visit.data) if form.validate_on_submit() else None
    if visit is None or visit.enterprise_id != enterprise.id:
        return _visits_answer(enterprise, 422, [_("This visit is not there any more.")])
    try:
        rules.undo_visit(visit, current_user.id, now(), undo.window())
    except RuleError as error:
        db.session.rollback()
        return _visits_answer(enterprise, 422, [str(error)])
    db.session.commit()
    return _visits_answer(enterprise)


# The enterprise's own account -----------------------------------------------------------------


def _account_submitted(form: AccountForm, open_account) -> Worker | None:
    if not form.is_submitted():
        return None
    form.validate()
    if form.errors:
        return None
    account = rules.Account(form.name.data, form.phone.data, form.password.data)
    made = save(form, lambda: open_account(account))
    return None if made is REFUSED else made


@bp.route("/<int:enterprise_id>/account", methods=["GET", "POST"])
@requires(Can.MANAGE_ENTERPRISES)
def account(enterprise_id: int):
    """Open the enterprise's own account (企业账号): it signs in with its phone and sees this
    enterprise only."""
    enterprise = scope.get_enterprise_or_404(enterprise_id)
    form = AccountForm()
    made = _account_submitted(
        form, lambda a: rules.open_enterprise_account(enterprise, a, current_user)
    )
    if made is not None:
        return done(
            _("The account of %(name)s was opened.", name=enterprise.name),
            url_for("enterprises.show", enterprise_id=enterprise.id),
        )
    return render(
        "enterprises/account.html",
        form=form,
        title=_("Account of %(name)s", name=enterprise.name),
        back=url_for("enterprises.show", enterprise_id=enterprise.id),
        status=422 if form.errors or form.form_errors else 200,
    )


# Industry departments ------------------------------------------------------------------------


@departments_bp.route("/", methods=["GET", "POST"], endpoint="index")
@requires(Can.MANAGE_DEPARTMENTS)
def departments_index():
    """The industry departments, and the form to add one."""
    form = DepartmentForm()
    if form.validate_on_submit():
        made = save(form, lambda: rules.add_department(form.name.data, current_user.id))
        if made is not REFUSED:
            return done(_("%(name)s was added.", name=made.name), url_for("departments.index"))
    return render(
        "enterprises/departments.html",
        form=form,
        departments=queries.departments(),
        status=422 if form.errors or form.form_errors else 200,
    )


def get_department_or_404(department_id: int) -> IndustryDepartment:
    """A department the user may open: a reviewer their own, whoever keeps the list any."""
    department = db.session.get(IndustryDepartment, department_id)
    if department is None:
        abort(404)
    if current_user.department_id is not None:
        if department.id != current_user.department_id:
            abort(404)
    elif not current_user.can(Can.MANAGE_DEPARTMENTS):
        abort(404)
    return department


@departments_bp.get("/<int:department_id>", endpoint="show")
@requires(Can.SEE_ENTERPRISES)
def department_show(department_id: int):
    """A department's page, a reviewer's home: what the other features add (the filings
    waiting for review), then the department's enterprises."""
    department = get_department_or_404(department_id)
    page = db.paginate(
        queries.registry(department_id=department.id),
        page=request.args.get("page", 1, type=query_int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        "enterprises/department.html",
        department=department,
        page=page,
        form=DepartmentForm(obj=department, formdata=None),
        reviewers=rules.accounts_of(department_id=department.id)
        if current_user.can(Can.MANAGE_DEPARTMENTS)
        else [],
        parts=sections.loaded(sections.DEPARTMENT_PARTS, department),
        last_visits=rules.last_visits([e.id for e in page.items]),
    )


@departments_bp.post("/<int:department_id>/rename")
@requires(Can.MANAGE_DEPARTMENTS)
def rename(department_id: int):
    department = get_department_or_404(department_id)
    form = DepartmentForm()
    if form.validate_on_submit():
        old = department.name
        renamed = save(
            form, lambda: rules.rename_department(department, form.name.data, current_user.id)
        )
        if renamed is not REFUSED:
            return done(
                _("%(old)s is now called %(name)s.", old=old, name=department.name),
                url_for("departments.show", department_id=department.id),
            )
    for error in form.error_messages():
        flash(error, "error")
    return redirect_after_write(url_for("departments.show", department_id=department.id))


@departments_bp.route("/<int:department_id>/reviewers", methods=["GET", "POST"])
@requires(Can.MANAGE_DEPARTMENTS)
def reviewer(department_id: int):
    """Open a reviewer account of the department (部门审核员)."""
    department = get_department_or_404(department_id)
    form = AccountForm()
    made = _account_submitted(
        form, lambda a: rules.open_reviewer_account(department, a, current_user)
    )
    if made is not None:
        return done(
            _(
                "%(name)s now reviews for %(department)s.",
                name=made.name,
                department=department.name,
            ),
            url_for("departments.show", department_id=department.id),
        )
    return render(
        "enterprises/account.html",
        form=form,
        title=_("New reviewer of %(name)s", name=department.name),
        back=url_for("departments.show", department_id=department.id),
        status=422 if form.errors or form.form_errors else 200,
    )


activation.add_routes(
    departments_bp,
    "department_id",
    Can.MANAGE_DEPARTMENTS,
    get_department_or_404,
    rules.departments,
    lambda department: department.name,
)
