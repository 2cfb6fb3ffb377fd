"""The supervisor's duplicates: candidate pairs with their evidence, merge or "not duplicates",
and the decision on a visit flagged as a possible duplicate."""

from __future__ import annotations

from math import ceil

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import scope
from ..converters import query_int
from ..htmx import redirect_after_write, render
from ..permissions import Can, requires
from ..urls import local_path
from ..writes import apply_and_redirect
from . import bp, rules
from .forms import MergeForm, PairForm, ResolveForm
from .queries import PAGE_SIZE, PAIRS, evidence

KINDS = {"resident": _l("Residents"), "household": _l("Households")}


def _list_url(kind: str, page: int | None = 1):
    return url_for("duplicates.index", kind=kind, page=page or 1)


@bp.get("/")
@requires(Can.MANAGE_HOUSEHOLDS)
def index():
    """Candidate pairs of one kind in the subtree, a page at a time, each with its evidence."""
    kind = request.args.get("kind", "resident")
    if kind not in KINDS:
        kind = "resident"
    pairs = PAIRS[kind]()
    pages = max(1, ceil(len(pairs) / PAGE_SIZE))
    page = min(request.args.get("page", 1, type=query_int) or 1, pages)
    shown = pairs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(
        "duplicates/index.html",
        kind=kind,
        kinds=KINDS,
        pairs=shown,
        records=evidence(shown),
        total=len(pairs),
        page=page,
        pages=pages,
    )


def _refuse(message: str, back: str):
    flash(message, "error")
    return redirect_after_write(back)


def _pair(kind: str, form: PairForm, find):
    """The other record of the pair, in scope, or the answer that refuses it."""
    back = _list_url(kind, form.page.data if not form.page.errors else 1)
    if not form.validate_on_submit():
        return None, _refuse(_("Choose a pair from the list."), back)
    other = find(form.other.data)
    if other is None:
        # Not said whether it exists elsewhere: outside the scope is the same as nowhere.
        return None, _refuse(_("That record was not found in your area."), back)
    return other, None


def _merge(kind: str, one, find, merge):
    form = MergeForm()
    other, refused = _pair(kind, form, find)
    if refused is not None:
        return refused
    back = _list_url(kind, form.page.data)
    if form.keep.data not in (one.id, other.id):
        return _refuse(_("Choose which of the two records to keep."), back)
    kept, merged = (one, other) if form.keep.data == one.id else (other, one)
    return apply_and_redirect(
        lambda: merge(kept, merged, current_user.id), _("The records were merged."), back
    )


def _dismiss(kind: str, one, find):
    form = PairForm()
    other, refused = _pair(kind, form, find)
    if refused is not None:
        return refused
    return apply_and_redirect(
        lambda: rules.not_duplicates(kind, one, other, current_user.id),
        _("The pair will not be offered again."),
        _list_url(kind, form.page.data),
    )


@bp.post("/residents/<int:resident_id>/merge")
@requires(Can.MANAGE_HOUSEHOLDS)
def merge_residents(resident_id: int):
    """Merge two residents of a pair: the form says the other one and which to keep."""
    one = scope.get_resident_or_404(resident_id)
    return _merge("resident", one, scope.find_resident, rules.merge_residents)


@bp.post("/residents/<int:resident_id>/not-duplicates")
@requires(Can.MANAGE_HOUSEHOLDS)
def dismiss_residents(resident_id: int):
    one = scope.get_resident_or_404(resident_id)
    return _dismiss("resident", one, scope.find_resident)


@bp.post("/households/<int:household_id>/merge")
@requires(Can.MANAGE_HOUSEHOLDS)
def merge_households(household_id: int):
    one = scope.get_household_or_404(household_id)
    return _merge("household", one, scope.find_household, rules.merge_households)


@bp.post("/households/<int:household_id>/not-duplicates")
@requires(Can.MANAGE_HOUSEHOLDS)
def dismiss_households(household_id: int):
    one = scope.get_household_or_404(household_id)
    return _dismiss("household", one, scope.find_household)


@bp.post("/visits/<int:visit_id>/resolve")
@requires(Can.SUPERVISE)
def resolve_visit(visit_id: int):
    """Keep a flagged visit, or strike it out of the counts, with a reason."""
    visit = scope.get_visit_or_404(visit_id)
    form = ResolveForm()
    back = local_path(form.back.data, url_for("today.index"))
    if not form.validate_on_submit():
        return _refuse(form.error_messages()[0], back)
    struck = form.outcome.data == "struck"
    message = _("The visit was struck out of the counts.") if struck else _("The visit was kept.")
    return apply_and_redirect(
        lambda: rules.resolve_visit(visit, struck, form.reason.data, current_user.id),
        message,
        back,
    )
