"""Self-reports' rules: a link is issued for one observation, works only while the observation
is current and until it is revoked, and fills the open slot's follow-up through the same rule
as a worker's follow-up (a fever raises the household and alerts), marked 自报.

A slot nobody self-reported by its end stays due for the worker, as every slot does.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import codes
from ..audit import trail
from ..clock import now, today
from ..extensions import db
from ..models import FollowUp, Observation, SelfReportLink
from ..observations.rules import record_follow_up
from ..observations.slots import current_slot
from ..rules import RuleError


def live_link(observation: Observation) -> SelfReportLink | None:
    """The observation's link that still works, if any."""
    return db.session.scalar(
        select(SelfReportLink)
        .where(SelfReportLink.observation_id == observation.id, SelfReportLink.revoked_at.is_(None))
        .order_by(SelfReportLink.id.desc())
    )


def link_url(link: SelfReportLink) -> str:
    """The link as printed and shown as a QR code: the public address of the page."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/s/{link.code}"


def works(link: SelfReportLink, day) -> bool:
    return link.revoked_at is None and link.observation.current_on(day)


def issue(observation: Observation, worker_id: int) -> SelfReportLink:
    """A link for the observation's resident (the one still working when there is one)."""
    if not observation.current_on(today()):
        raise RuleError(_("This observation has ended: it takes no more reports."))
    link = live_link(observation)
    if link is not None:
        return link
    link = SelfReportLink(observation=observation, code=codes.new_code(), created_by_id=worker_id)
    db.session.add(link)
    db.session.flush()
    trail.record(
        "self_report_link_issued",
        worker_id,
        ("observation", observation.id),
        observation.household.grid_id,
    )
    return link


def revoke(link: SelfReportLink, worker_id: int) -> None:
    """The link stops working at once (a lost phone, a link sent to the wrong person)."""
    if link.revoked_at is None:
        link.revoked_at = now()
        link.revoked_by_id = worker_id
        trail.record(
            "self_report_link_revoked",
            worker_id,
            ("observation", link.observation_id),
            link.observation.household.grid_id,
        )


def report(
    link: SelfReportLink, temperature: float, symptoms: list[str], key: str, at: datetime
) -> FollowUp:
    """The resident's own follow-up of the slot open at `at`."""
    if not works(link, at.date()):
        raise RuleError(_("This link no longer works."))
    slot = current_slot(at)
    if slot is None:
        raise RuleError(_("No report is due at this hour: come back in the morning."))
    return record_follow_up(
        link.observation, at.date(), slot, temperature, symptoms, None, None, key, True
    )
