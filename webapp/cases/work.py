"""What the workers' pages of every kind of case share: where a case can be dispatched, the
dispatch and merge as the forms ask for them, one action from post to answer, and what a
case's page shows of its clock and timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from .. import codes, scope
from ..converters import query_int
from ..extensions import db
from ..forms import parse_day
from ..models import Case, Grid, Worker
from ..rules import RuleError
from ..writes import done, form_error
from . import clock
from . import rules as cases
from .forms import DispatchForm
from .queries import Filters
from .rules import effective_state
from .states import EVENTS, OPEN, RATINGS, STATES
from .timeline import steps


def me() -> Worker:
    return db.session.get(Worker, current_user.id)


def filters_from_query() -> Filters:
    """A list's filters as its form sent them (state, category, overdue, node, dates)."""
    args = request.args
    node = scope.grid_by_code(args["node"]) if args.get("node") else None
    return Filters(
        state=args.get("state", ""),
        category=args.get("category", ""),
        overdue=args.get("overdue") == "1",
        node=node,
        first=parse_day(args.get("first", "")) if args.get("first") else None,
        last=parse_day(args.get("last", "")) if args.get("last") else None,
    )


def page_number() -> int:
    return max(1, min(request.args.get("page", 1, type=query_int), 10_000))


def dispatch_targets(case_: Case) -> list[tuple[str, str]]:
    """Nodes on the way from the supervisor's node down to the case's node, and the workers
    of those nodes."""
    ids = case_.grid.ancestor_ids
    nodes = db.session.scalars(
        select(Grid).where(Grid.id.in_(ids), scope.within(Grid.path)).order_by(Grid.level)
    ).all()
    workers = db.session.scalars(
        select(Worker)
        .where(Worker.scope_id.in_([n.id for n in nodes]), Worker.active)
        .order_by(Worker.name)
        .limit(50)
    ).all()
    return [(f"g{n.id}", f"{n.level_label} {n.name}") for n in nodes] + [
        (f"w{w.id}", f"{_('Grid worker')} {w.name} · {w.scope.name}") for w in workers
    ]


def dispatch_form(case_: Case, posted: bool = False) -> DispatchForm:
    form = DispatchForm() if posted else DispatchForm(formdata=None)
    form.target.choices = dispatch_targets(case_)
    return form


def dispatch(case_: Case, form: DispatchForm, at: datetime) -> None:
    """派单 to the node or the worker the form chose among those it offered."""
    target = form.target.data or ""
    node = assignee = None
    if target.startswith("g") and target[1:].isdigit():
        node = scope.get_grid_or_404(int(target[1:]))
    elif target.startswith("w") and target[1:].isdigit():
        assignee = db.session.get(Worker, int(target[1:]))
    allowed = {value for value, _label in form.target.choices}
    if target not in allowed or (node is None and assignee is None):
        raise RuleError(_("Choose where to send it."), field="target")
    cases.dispatch(case_, me(), node, assignee, form.text.data, at)


def merge(case_: Case, typed: str, at: datetime, unknown: str) -> None:
    """Merge into the case of the subtree whose code was typed (`unknown`: what to say when
    none has it)."""
    code = codes.normalize(typed)
    other = db.session.scalar(scope.cases(case_.kind).where(Case.code == code)) if code else None
    if other is None:
        raise RuleError(unknown, field="into")
    cases.merge(case_, other, me(), at)


def act(
    load: Callable[[], object],
    case_of: Callable[[object], Case],
    page: Callable[..., object],
    change: Callable[[object, FlaskForm | None], None],
    message: str,
    back: str,
    form: FlaskForm | None = None,
    form_name: str | None = None,
):
    """One action on a case: load it in scope, validate `form` if any, run one rule, commit
    once, answer (`page(record, status=..., **forms)` draws the case's page again)."""
    record = load()
    if form is not None and not form.validate_on_submit():
        return page(record, status=422, **{form_name: form})
    try:
        change(record, form)
    except RuleError as error:
        db.session.rollback()
        if form is None:
            flash(str(error), "error")
            return redirect(back, code=303)
        form_error(form, error)
        return page(record, status=422, **{form_name: form})
    db.session.commit()
    return done(message, back)


def context(case_: Case, at: datetime, events: frozenset | None = None) -> dict:
    """What every case's page shows of it: its state now, its holder by the clock, its
    timeline (only `events` when given), and the labels."""
    position = clock.position(case_, at)
    timeline = steps(case_, at)
    if events is not None:
        timeline = [s for s in timeline if s.kind in events]
    return dict(
        case=case_,
        at=at,
        state=effective_state(case_, at),
        position=position,
        holder=db.session.get(Grid, position.holder_id),
        timeline=timeline,
        states=STATES,
        events=EVENTS,
        ratings=RATINGS,
        shown=codes.display(case_.code) if case_.code else "",
        open=case_.state in OPEN,
    )


def back_to(endpoint: str, case_: Case) -> str:
    return url_for(endpoint, case_id=case_.id)
