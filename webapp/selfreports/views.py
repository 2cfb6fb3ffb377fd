"""The resident's self-report page (public, /s/<code>) and the worker's link on the
observation page."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import codes, idempotency, scope
from ..auth.guard import public
from ..clock import now, today
from ..extensions import db
from ..htmx import redirect_after_write, render
from ..models import SLOTS, FollowUp, SelfReportLink
from ..observations.rules import recorded
from ..observations.slots import current_slot, slot_state, slots
from ..permissions import Can, requires
from ..rules import RuleError
from ..writes import apply_and_redirect
from . import bp, rules
from .forms import SelfReportForm


def _find(code: str) -> SelfReportLink | None:
    return db.session.scalar(select(SelfReportLink).where(SelfReportLink.code == code))


def _live(text: str) -> SelfReportLink | None:
    """The link behind a typed or scanned code, if it still works (an unknown, revoked and
    expired code all look alike: codes.check)."""
    answer = codes.check(
        text, _find, lambda link: "ok" if rules.works(link, today()) else "dead", {"ok"}
    )
    return answer.record


def _page(link: SelfReportLink, form: SelfReportForm, status: int = 200):
    observation = link.observation
    day, at = today(), now()
    rows = [
        (SLOTS[slot], slot_state(day, slot, at), recorded(observation, day, slot))
        for slot in slots()
    ]
    open_slot = current_slot(at)
    open_done = open_slot is not None and recorded(observation, day, open_slot) is not None
    response = render(
        "selfreports/page.html",
        link=link,
        # Only the first character of the name: enough to know the page is one's own.
        initial=observation.resident.name[:1] + "*",
        rows=rows,
        form=form,
        open_slot=SLOTS[open_slot] if open_slot and not open_done else None,
        status=status,
    )
    # Personal, and changes at every report: no cache keeps it; no search engine lists it.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/s/<code>", methods=["GET", "POST"])
@codes.rate_limited
@public
def page(code: str):
    """The resident's page: today's two slots, and the form for the one open now."""
    link = _live(code)
    if link is None:
        response = render("selfreports/gone.html", status=404)
        response.headers["Cache-Control"] = "no-store"
        return response
    form = SelfReportForm()
    if not form.validate_on_submit():
        return _page(link, form, 422 if form.is_submitted() else 200)
    if idempotency.existing(FollowUp, form.key.data) is None:
        try:
            rules.report(
                link, float(form.temperature.data), form.symptoms.data, form.key.data, now()
            )
            db.session.commit()
        except RuleError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            return _page(link, form, 409)
        except IntegrityError:
            db.session.rollback()  # the same report sent twice: the first one stands
    flash(_("Thank you: your report is recorded."), "success")
    return redirect(url_for("selfreports.page", code=link.code), code=303)


@bp.post("/self-reports/<int:observation_id>")
@requires(Can.FIELD_WORK)
def issue(observation_id: int):
    """Give the observation's resident their link (the one already working, if any)."""
    observation = scope.get_observation_or_404(observation_id)
    back = url_for("observations.show", observation_id=observation.id) + "#self-report"
    try:
        rules.issue(observation, current_user.id)
    except RuleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect_after_write(back)
    db.session.commit()
    return redirect_after_write(back)


@bp.post("/self-reports/<int:observation_id>/revoke")
@requires(Can.FIELD_WORK)
def revoke(observation_id: int):
    """Stop the observation's link at once."""
    observation = scope.get_observation_or_404(observation_id)
    back = url_for("observations.show", observation_id=observation.id) + "#self-report"
    link = rules.live_link(observation)
    if link is None:
        return redirect_after_write(back)
    return apply_and_redirect(
        lambda: rules.revoke(link, current_user.id), _("The link no longer works."), back
    )
