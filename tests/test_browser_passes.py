"""A green pass on a 360 × 740 phone in Debian's Chromium: anyone reads its state at arm's
length; checkpoint staff tap 绿色通道放行 once, the outbox sends it (also when the tap was made
without signal), and the page says it was done; a revoked pass reads revoked."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import (
    Checkpoint,
    CheckpointCheck,
    CheckpointPost,
    Enterprise,
    FiledEmployee,
    GreenPass,
    Handover,
    IndustryDepartment,
    ReturnFiling,
)
from webapp.passes import rules

from . import test_browser as browser
from .test_browser_offline import field_phone, offline

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser
chromium = browser.chromium
live_server = browser.live_server
shoot = browser.shoot


@pytest.fixture
def green_pass(app, tree) -> tuple[int, str, int]:
    """A pass valid today for an employee going to micro-grid A; worker A on a checkpoint's
    every shift."""
    with app.app_context():
        enterprise = Enterprise(
            name="金华精工机械有限公司",
            uscc="91330701MA28XXXX0X",
            address="江南路1号",
            grid_id=tree.grid_a.id,
            department=IndustryDepartment(name="经信局"),
            contact_name="陈经理",
            contact_phone="13600001111",
        )
        employee = FiledEmployee(
            filing=ReturnFiling(
                enterprise=enterprise,
                created_by_id=tree.supervisor_a.id,
                department_decision="approved",
            ),
            name="王小明",
            id_number="330702199203031236",
            phone="13700002222",
            origin="温州",
            arrival_date=today(),
            means="train",
            stay_address="1幢1单元501室",
            grid_id=tree.micro_a.id,
            community_decision="approved",
        )
        db.session.add_all([enterprise, employee])
        db.session.flush()
        made = rules.issue(employee, datetime.now() - timedelta(days=1))
        checkpoint = Checkpoint(name="东入口卡口", place="江南路口", grid_id=tree.township.id)
        db.session.add(checkpoint)
        for shift in ("night", "day", "evening"):
            db.session.add(
                CheckpointPost(checkpoint=checkpoint, worker_id=tree.worker_a.id, shift=shift)
            )
        db.session.commit()
        return made.id, made.code, checkpoint.id


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(CheckpointCheck)),
            db.session.scalar(select(func.count()).select_from(Handover)),
        )


def test_anyone_reads_the_pass_at_arms_length(chromium, live_server, green_pass, shoot):
    """Signed out, the big state word and the masked name fill the phone's screen."""
    context = browser.phone_context(chromium, live_server)
    page = context.new_page()
    page.goto(f"/p/{green_pass[1]}")
    word = page.locator(".gp-word")
    expect(word).to_have_text("✓ 有效")
    assert float(word.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
    expect(page.locator(".gp-name")).to_have_text("王*明")
    expect(page.locator("text=绿色通道放行")).to_have_count(0)
    # Nothing runs off the side of a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(page, "pass-public-valid")
    context.close()


def test_staff_let_through_with_one_tap_also_without_signal(
    chromium, live_server, tree, app, green_pass, shoot
):
    """Online: one tap, one check and one handover, the page says done. The page opened
    again and tapped offline: the tap waits and is sent once, with its answer drawn."""
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    # From the checkpoint's screen: the code typed when the camera cannot read the QR.
    page.goto(f"/checkpoints/{green_pass[2]}")
    field = page.locator(".cp-pass input[name=code]")
    field.fill(green_pass[1][:4].lower() + "-" + green_pass[1][4:])
    shoot(page, "checkpoint-screen-pass-field")
    field.press("Enter")
    expect(page).to_have_url(f"{live_server}/p/{green_pass[1]}")
    button = page.locator("button.gp-go")
    expect(button).to_have_text("绿色通道放行")
    shoot(page, "pass-staff-valid")
    offline(page)
    button.click()
    expect(page.locator("#outbox-count")).to_have_text("1 条待发送")
    button.click()  # a second tap on the same form, still without signal: the same item
    expect(page.locator("#outbox-count")).to_have_text("1 条待发送")
    assert counts(app) == (0, 0)
    offline(page, False)
    expect(page.locator(".gp-done")).to_contain_text("已走绿色通道放行")
    expect(page.locator("#outbox-count")).to_be_hidden()
    expect(page.locator("button.gp-go")).to_have_count(0)
    page.wait_for_timeout(300)
    assert counts(app) == (1, 1)
    shoot(page, "pass-staff-done")
    context.close()
    assert errors == []


def test_a_revoked_pass_reads_revoked(chromium, live_server, app, green_pass, shoot):
    """Revoked: the red band and 已作废, for anyone."""
    with app.app_context():
        revoked = db.session.get(GreenPass, green_pass[0])
        rules.revoke(revoked, revoked.employee.filing.created_by_id, "员工未返岗", datetime.now())
        db.session.commit()
    context = browser.phone_context(chromium, live_server)
    page = context.new_page()
    page.goto(f"/p/{green_pass[1]}")
    expect(page.locator(".gp-word")).to_have_text("✗ 已作废")
    shoot(page, "pass-public-revoked")
    context.close()
