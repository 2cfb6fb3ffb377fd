"""An enterprise's page on a 360 × 740 phone in Debian's Chromium: the liaison officer taps a
visit without signal, it waits in the outbox and arrives once when the signal is back; the
enterprise account's landing page."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Enterprise, EnterpriseVisit, IndustryDepartment, Worker

from . import test_browser as browser
from .conftest import PASSWORD
from .test_browser_offline import field_phone, offline

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser
chromium = browser.chromium
live_server = browser.live_server
shoot = browser.shoot


@pytest.fixture
def enterprise(app, tree) -> int:
    """An enterprise of micro-grid A, worker A its liaison officer, with its own account."""
    with app.app_context():
        enterprise = Enterprise(
            name="金华精工机械有限公司",
            uscc="91330701MA28K0000X",
            address="江南路88号",
            grid_id=tree.micro_a.id,
            department=IndustryDepartment(name="工信局"),
            contact_name="陈经理",
            contact_phone="13588887777",
            employee_count=120,
            liaison_id=tree.worker_a.id,
        )
        db.session.add(enterprise)
        db.session.flush()
        account = Worker(
            name="陈经理",
            phone="13600000001",
            role="enterprise",
            scope_id=tree.micro_a.id,
            enterprise_id=enterprise.id,
        )
        account.set_password(PASSWORD)
        db.session.add(account)
        db.session.commit()
        return enterprise.id


def visits(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(EnterpriseVisit))


def test_a_visit_tapped_without_signal_arrives_once(
    chromium, live_server, tree, app, shoot, enterprise
):
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/enterprises/{enterprise}")
    expect(page.locator("h1")).to_contain_text("金华精工")
    shoot(page, "enterprise-page")
    offline(page)
    page.locator("#visits button[value='in_person']").click()
    expect(page.locator("#outbox-count")).to_have_text("1 条待发送")
    assert visits(app) == 0
    offline(page, False)
    expect(page.locator("#outbox-count")).to_be_hidden()
    expect(page.locator("#visits")).to_contain_text("上门走访")
    page.wait_for_timeout(500)
    assert visits(app) == 1
    shoot(page, "enterprise-visited")
    context.close()
    assert errors == []


def test_the_enterprise_account_lands_on_its_page(chromium, live_server, app, shoot, enterprise):
    account = SimpleNamespace(phone="13600000001")
    context, page, errors = field_phone(chromium, live_server, account)
    expect(page.locator("h1")).to_contain_text("金华精工")
    menu = page.locator("nav.tabs")
    expect(menu).to_contain_text("我的企业")
    for tree_page in ("今日任务", "网格", "搜索"):
        expect(menu).not_to_contain_text(tree_page)
    shoot(page, "enterprise-account-landing")
    context.close()
    assert errors == []
