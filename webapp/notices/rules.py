"""Notices' rules: who may post to a node, posting one, withdrawing one.

A supervisor (Can.POST_NOTICES) posts to any node of their subtree; a worker who leads a
micro-grid or a grid (微网格长, 网格长) posts to their own scope node and what lies under it,
which is the group they would shout to in the stairwell chat. Posting and withdrawing go to the
audit trail: a notice speaks to residents in the office's name on a public page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from .. import idempotency
from ..audit import trail
from ..clock import day_start, now, today
from ..extensions import db
from ..models import Grid, Notice, Worker
from ..models.notices import TEXT_LENGTH, TITLE_LENGTH
from ..permissions import Can
from ..rules import RuleError

# The positions whose holders may post to their own area without the capability.
LEADER_POSITIONS = frozenset({"micro_leader", "grid_leader"})
# A notice is news: one meant to stand longer belongs on the notice board, not in this list.
LONGEST = timedelta(days=90)


def may_post(worker: Worker, node: Grid) -> bool:
    """Whether `worker` may post to (and withdraw notices of) `node`; the caller has loaded
    `node` through the scope, so it lies in the worker's subtree."""
    if not worker.active or not worker.scope.contains(node):
        return False
    return worker.can(Can.POST_NOTICES) or bool(LEADER_POSITIONS & set(worker.positions or []))


def may_withdraw(worker: Worker, notice: Notice) -> bool:
    """Its author, or whoever may post to its node."""
    return worker.scope.contains(notice.grid) and (
        notice.created_by_id == worker.id or may_post(worker, notice.grid)
    )


def withdrawable(worker: Worker, notices: list[Notice]) -> set[int]:
    """The ids of those `notices` that `worker` may withdraw (drawn with a button)."""
    return {n.id for n in notices if may_withdraw(worker, n)}


def post(
    node: Grid,
    title: str,
    text: str,
    last_day: date,
    worker: Worker,
    key: str | None = None,
) -> Notice:
    """Post a notice to `node`, shown through `last_day`; the same `key` again returns the
    notice it posted."""
    if key and (previous := idempotency.existing(Notice, key)):
        return previous
    if not may_post(worker, node):
        raise RuleError(_("You may not post notices to this area."))
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise RuleError(_("Enter a title."), field="title")
    if len(title) > TITLE_LENGTH:
        raise RuleError(_("At most %(max)d characters.", max=TITLE_LENGTH), field="title")
    if not text:
        raise RuleError(_("Enter the text of the notice."), field="text")
    if len(text) > TEXT_LENGTH:
        raise RuleError(_("At most %(max)d characters.", max=TEXT_LENGTH), field="text")
    first = today()
    if last_day < first:
        raise RuleError(_("The last day cannot be in the past."), field="last_day")
    if last_day > first + LONGEST:
        raise RuleError(
            _("A notice runs for at most %(days)d days.", days=LONGEST.days), field="last_day"
        )
    notice = Notice(
        grid_id=node.id,
        title=title,
        text=text,
        expires_at=day_start(last_day + timedelta(days=1)),
        created_at=now(),
        created_by_id=worker.id,
        client_key=key,
    )
    db.session.add(notice)
    db.session.flush()
    trail.record("notice_posted", worker.id, ("notice", notice.id), node.id, title=title)
    return notice


def withdraw(notice: Notice, worker: Worker, at: datetime | None = None) -> None:
    """Take the notice off every page at once; who and when are kept. A second time changes
    nothing (the first withdrawal stands)."""
    if notice.withdrawn_at is not None:
        return
    if not may_withdraw(worker, notice):
        raise RuleError(_("You may not withdraw this notice."))
    notice.withdrawn_at = at or now()
    notice.withdrawn_by_id = worker.id
    trail.record(
        "notice_withdrawn", worker.id, ("notice", notice.id), notice.grid_id, title=notice.title
    )
