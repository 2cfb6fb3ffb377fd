"""A sweep's one-tap 无异常 on a 360 × 740 phone without signal: queued, sent once when the
signal returns, and the door shows as screened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Grid, Screening, Sweep

from .test_browser_offline import chromium, field_phone, live_server, offline, shoot  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.fixture
def sweep_a(app, tree) -> int:
    """A sweep over the community, open today."""
    with app.app_context():
        sweep = Sweep(
            name="清村扫楼",
            grid=db.session.get(Grid, tree.community.id),
            starts_on=today(),
            ends_on=today() + timedelta(days=6),
            checks=["returnee", "fever"],
            created_by_id=tree.admin.id,
        )
        db.session.add(sweep)
        db.session.commit()
        return sweep.id


def test_nothing_to_report_offline_is_sent_once(chromium, live_server, tree, app, sweep_a, shoot):  # noqa: F811
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/sweeps/{sweep_a}/at/{tree.micro_a.id}")
    row = page.locator(f"#d{tree.household_a.id}")
    expect(row).to_contain_text("尚未排查")
    offline(page)
    button = row.locator("button[value=clear]")
    button.click()
    button.click()  # a second tap on a weak signal
    expect(page.locator("#outbox-count")).to_have_text("1 条待发送")
    shoot(page, "sweep-queued")
    offline(page, False)
    expect(page.locator("#outbox-count")).to_be_hidden()
    expect(row).to_contain_text("已排查")
    expect(page.locator("#sweep-left")).to_have_text("0")
    shoot(page, "sweep-screened")
    context.close()
    assert errors == []
    with app.app_context():
        db.session.remove()
        screened = db.session.scalar(
            select(func.count()).select_from(Screening).where(Screening.sweep_id == sweep_a)
        )
        assert screened == 1
