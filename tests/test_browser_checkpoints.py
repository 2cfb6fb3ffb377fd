"""A checkpoint's screen on a 360 × 740 phone in Debian's Chromium: taps without signal wait
in the outbox, each one a check of its own, and arrive once each when the signal is back; the
counters update in place."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Checkpoint, CheckpointCheck, CheckpointPost

from . import test_browser as browser
from .test_browser_offline import field_phone, offline

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser
chromium = browser.chromium
live_server = browser.live_server
shoot = browser.shoot


@pytest.fixture
def checkpoint(app, tree) -> int:
    """A checkpoint with worker A on every shift."""
    with app.app_context():
        checkpoint = Checkpoint(name="东入口卡口", place="江南路口", grid_id=tree.township.id)
        db.session.add(checkpoint)
        for shift in ("night", "day", "evening"):
            db.session.add(
                CheckpointPost(checkpoint=checkpoint, worker_id=tree.worker_a.id, shift=shift)
            )
        db.session.commit()
        return checkpoint.id


def checks(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CheckpointCheck))


def test_taps_without_signal_are_each_sent_once(
    chromium, live_server, tree, app, shoot, checkpoint
):
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/checkpoints/{checkpoint}")
    let_through = page.locator("button[value='person.let_through']")
    let_through.click()
    expect(page.locator("#cp-counters")).to_contain_text("人员1")
    assert checks(app) == 1

    offline(page)
    let_through.click()
    let_through.click()
    page.locator("button[value='vehicle.let_through']").click()
    counter = page.locator("#outbox-count")
    expect(counter).to_have_text("3 条待发送")
    shoot(page, "checkpoint-offline-queued")
    assert checks(app) == 1

    offline(page, False)
    expect(counter).to_be_hidden()
    expect(page.locator("#cp-counters")).to_contain_text("人员3")
    expect(page.locator("#cp-counters")).to_contain_text("车辆1")
    page.wait_for_timeout(500)
    assert checks(app) == 4
    shoot(page, "checkpoint-counted")
    context.close()
    assert errors == []


def test_a_temperature_typed_without_signal_goes_with_its_own_tap_only(
    chromium, live_server, tree, app, shoot, checkpoint
):
    """Offline, the worker types 38.2 and sends the person to isolation, then waves a vehicle
    through: the fever is the person's, the vehicle goes through without a temperature."""
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/checkpoints/{checkpoint}")
    offline(page)
    page.fill("input[name=temperature]", "38.2")
    page.locator("button[value='person.isolation']").click()
    expect(page.locator("input[name=temperature]")).to_have_value("")
    page.locator("button[value='vehicle.let_through']").click()
    expect(page.locator("#outbox-count")).to_have_text("2 条待发送")

    offline(page, False)
    expect(page.locator("#outbox-count")).to_be_hidden()
    expect(page.locator("#cp-counters")).to_contain_text("车辆1")
    shoot(page, "checkpoint-fever-then-vehicle")
    with app.app_context():
        made = {
            c.kind: (c.outcome, c.temperature, c.fever)
            for c in db.session.scalars(select(CheckpointCheck))
        }
    assert made == {"person": ("isolation", 38.2, True), "vehicle": ("let_through", None, False)}
    context.close()
    assert errors == []
