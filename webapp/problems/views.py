"""Work on enterprise problems: logging one for an enterprise, the list of what one may see,
one problem's page, the work on it (the case machinery's, as for requests), a comment from
whoever follows it, and the enterprise's rating."""

from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import scope
from ..cases import clock, work
from ..cases import rules as cases
from ..cases.forms import DispatchForm, NoteForm, OptionalNoteForm, RateForm
from ..cases.states import PUBLIC_EVENTS, STATES
from ..clock import now
from ..converters import query_int
from ..extensions import db
from ..htmx import render
from ..idempotency import form_key
from ..models import Enterprise, EnterpriseProblem, IndustryDepartment
from ..models.enterprises import PROBLEM_CATEGORIES, URGENCY
from ..permissions import Can, requires
from ..writes import REFUSED, done, save
from . import bp, rules
from .forms import CommentForm, MergeForm, ProblemForm
from .queries import ProblemFilters, grids_by_id, listing

PAGE = 50


def _filters() -> ProblemFilters:
    base = work.filters_from_query()
    args = request.args
    return ProblemFilters(
        **vars(base),
        urgency=args.get("urgency", ""),
        department_id=args.get("department", 0, type=query_int) or None,
    )


def _departments() -> list[IndustryDepartment]:
    return list(
        db.session.scalars(
            select(IndustryDepartment)
            .where(IndustryDepartment.active)
            .order_by(IndustryDepartment.name)
        )
    )


@bp.get("/")
@requires(Can.SEE_PROBLEMS)
def index():
    """The problems one may see (a supervisor's subtree, a department's, an enterprise's own),
    with filters (state, category, urgency, department, overdue, node, dates) and pages."""
    at = now()
    filters = _filters()
    page = work.page_number()
    rows = db.session.execute(listing(filters, at).limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    positions = {case.id: clock.position(case, at) for _problem, case in rows}
    return render(
        "problems/index.html",
        "problems/_list.html",
        rows=rows,
        positions=positions,
        # A resolved problem nobody rated reads as closed once its days are over.
        shown_states={case.id: cases.effective_state(case, at) for _problem, case in rows},
        holders=grids_by_id(p.holder_id for p in positions.values()),
        filters=filters,
        page=page,
        more=more,
        states=STATES,
        categories=PROBLEM_CATEGORIES,
        urgencies=URGENCY,
        departments=_departments() if current_user.department_id is None else [],
        at=at,
    )


def _is_theirs(problem: EnterpriseProblem) -> bool:
    """The enterprise's own account (who rates the problem)."""
    return current_user.enterprise_id == problem.enterprise_id


def _page(problem: EnterpriseProblem, status: int = 200, **forms):
    case = problem.case
    at = now()
    # The enterprise sees what a resident's tracking page would: no internal notes.
    shown = PUBLIC_EVENTS if current_user.enterprise_id is not None else None
    context = dict(
        work.context(case, at, shown),
        problem=problem,
        categories=PROBLEM_CATEGORIES,
        urgencies=URGENCY,
        theirs=_is_theirs(problem),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        resolve_form=forms.get("resolve_form") or NoteForm(formdata=None),
        return_form=forms.get("return_form") or NoteForm(formdata=None),
        comment_form=forms.get("comment_form") or CommentForm(formdata=None),
        urge_form=forms.get("urge_form") or OptionalNoteForm(formdata=None),
        merge_form=forms.get("merge_form") or MergeForm(formdata=None),
        rate_form=forms.get("rate_form") or RateForm(formdata=None),
        dispatch_form=forms.get("dispatch_form")
        or (
            work.dispatch_form(case)
            if current_user.can(Can.SUPERVISE)
            else DispatchForm(formdata=None)
        ),
    )
    return render("problems/show.html", status=status, **context)


@bp.get("/<int:problem_id>")
@requires(Can.SEE_PROBLEMS)
def show(problem_id: int):
    """One problem: what the enterprise needs, who holds it, its timeline, what can be done."""
    return _page(scope.get_problem_or_404(problem_id))


def _act(problem_id: int, change, message: str, form=None, form_name: str | None = None):
    return work.act(
        lambda: scope.get_problem_or_404(problem_id),
        lambda problem: problem.case,
        _page,
        change,
        message,
        url_for("problems.show", problem_id=problem_id),
        form,
        form_name,
    )


@bp.post("/<int:problem_id>/accept")
@requires(Can.FIELD_WORK)
def accept(problem_id: int):
    """Take the problem (受理): the resolve clock starts."""
    return _act(problem_id, lambda p, f: cases.accept(p.case, work.me(), now()), _("Accepted."))


@bp.post("/<int:problem_id>/progress")
@requires(Can.FIELD_WORK)
def progress(problem_id: int):
    """Record a step of the work (a visit, a call, a contact found)."""
    return _act(
        problem_id,
        lambda p, f: cases.progress(p.case, work.me(), f.text.data, now()),
        _("Recorded."),
        NoteForm(),
        "note_form",
    )


@bp.post("/<int:problem_id>/resolve")
@requires(Can.FIELD_WORK)
def resolve(problem_id: int):
    """Resolve it (办结) with a reply the enterprise reads."""
    return _act(
        problem_id,
        lambda p, f: cases.resolve(p.case, work.me(), f.text.data, now()),
        _("Resolved."),
        NoteForm(),
        "resolve_form",
    )


@bp.post("/<int:problem_id>/return")
@requires(Can.FIELD_WORK)
def return_up(problem_id: int):
    """Not this level's matter (退回): up one level, with the reason."""
    return _act(
        problem_id,
        lambda p, f: cases.return_up(p.case, work.me(), f.text.data, now()),
        _("Returned to the level above."),
        NoteForm(),
        "return_form",
    )


@bp.post("/<int:problem_id>/dispatch")
@requires(Can.SUPERVISE)
def dispatch(problem_id: int):
    """派单: down to a node of the way to the enterprise's node, or to a named worker."""
    form = work.dispatch_form(scope.get_problem_or_404(problem_id).case, posted=True)
    return _act(
        problem_id,
        lambda p, f: work.dispatch(p.case, f, now()),
        _("Dispatched."),
        form,
        "dispatch_form",
    )


@bp.post("/<int:problem_id>/urge")
@requires(Can.SUPERVISE)
def urge(problem_id: int):
    """督办: the holder sees it urged on their today list."""
    return _act(
        problem_id,
        lambda p, f: cases.urge(p.case, work.me(), f.text.data, now()),
        _("Urged."),
        OptionalNoteForm(),
        "urge_form",
    )


@bp.post("/<int:problem_id>/merge")
@requires(Can.SUPERVISE)
def merge(problem_id: int):
    """A duplicate of another problem of the subtree: merged into it."""
    unknown = _("No problem of your area has this code.")
    return _act(
        problem_id,
        lambda p, f: work.merge(p.case, f.into.data, now(), unknown),
        _("Merged."),
        MergeForm(),
        "merge_form",
    )


@bp.post("/<int:problem_id>/comment")
@requires(Can.SEE_PROBLEMS)
def comment(problem_id: int):
    """A word on the timeline from whoever follows the problem (the industry department's
    reviewer, the enterprise): the problem stays where it is."""
    return _act(
        problem_id,
        lambda p, f: cases.comment(p.case, work.me(), f.text.data, now()),
        _("Comment added."),
        CommentForm(),
        "comment_form",
    )


@bp.post("/<int:problem_id>/rate")
@requires(Can.ENTERPRISE_WORK)
def rate(problem_id: int):
    """The enterprise rates the resolution: 满意 and 基本满意 close it, 不满意 reopens it one
    level up."""
    problem = scope.get_problem_or_404(problem_id)
    if not _is_theirs(problem):
        abort(403)
    return _act(
        problem_id,
        lambda p, f: cases.rate(p.case, f.rating.data, f.comment.data, now(), by=work.me()),
        _("Thank you for rating."),
        RateForm(),
        "rate_form",
    )


def _new_page(enterprise: Enterprise, form: ProblemForm, status: int = 200):
    return render(
        "problems/new.html",
        status=status,
        enterprise=enterprise,
        form=form,
        key=form_key("problem"),
    )


@bp.route("/enterprises/<int:enterprise_id>/new", methods=["GET", "POST"])
@requires(Can.ENTERPRISE_WORK)
def new(enterprise_id: int):
    """Log a problem of this enterprise (its account, its liaison officer, a supervisor)."""
    enterprise = scope.get_enterprise_or_404(enterprise_id)
    if not rules.may_log(enterprise, current_user):
        abort(403)
    form = ProblemForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _new_page(enterprise, form, 200 if request.method == "GET" else 422)
    problem = save(
        form,
        lambda: rules.log(
            enterprise,
            form.category.data,
            form.text.data,
            form.urgency.data,
            work.me(),
            now(),
            key=form.key.data,
        ),
    )
    if problem is REFUSED:
        return _new_page(enterprise, form, 422)
    return done(_("The problem was logged."), url_for("problems.show", problem_id=problem.case_id))
