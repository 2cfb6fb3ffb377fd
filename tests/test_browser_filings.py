"""A return filing on a 360 × 740 phone in Debian's Chromium: an enterprise account adds its
returning employees one after another and files the list; the filing's page shows them with
their numbers masked and the decisions still to come."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ReturnFiling

from . import test_browser as browser
from . import test_filings

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser
chromium = browser.chromium
live_server = browser.live_server
shoot = browser.shoot
# Enterprises A and B, A's account, the departments' reviewers.
green = test_filings.green


def fill(page, n: int, name: str, id_number: str, phone: str, destination: str) -> None:
    arrival = (date.today() + timedelta(days=3)).isoformat()
    page.fill(f"[name=rows-{n}-name]", name)
    page.fill(f"[name=rows-{n}-id_number]", id_number)
    page.fill(f"[name=rows-{n}-phone]", phone)
    page.fill(f"[name=rows-{n}-origin]", "湖北省武汉市")
    page.fill(f"[name=rows-{n}-arrival_date]", arrival)
    page.select_option(f"[name=rows-{n}-means]", "train")
    page.fill(f"[name=rows-{n}-stay_address]", "1幢1单元302室")
    page.fill(f"[name=rows-{n}-destination]", destination)


def test_an_enterprise_files_two_employees_on_a_phone(
    chromium, live_server, app, tree, green, shoot
):
    context = browser.phone_context(chromium, live_server, service_workers="block")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    browser.sign_in(page, green.account_a)
    page.goto(f"/filings/new/{green.enterprise_a}")
    fill(page, 0, "王强", "330702199001011237", "13800138000", "湖海塘社区 1幢1单元")
    shoot(page, "filing-form-first-row")
    page.click("button[value=add]")
    expect(page.locator("[name=rows-1-name]")).to_be_visible()
    expect(page.locator("details.employee summary").first).to_contain_text("330702********1237")
    fill(page, 1, "李梅", "330702198502022247", "13800138001", "9幢2单元")
    shoot(page, "filing-form-second-row")
    page.click("button[value=file]")
    page.wait_for_url(lambda url: "/filings/new" not in url)
    expect(page.locator("h1")).to_contain_text("返岗报备")
    expect(page.locator("ul.employees li")).to_have_count(2)
    expect(page.locator("ul.employees")).to_contain_text("330702********1237")
    shoot(page, "filing-page-enterprise")
    with app.app_context():
        filing_id = db.session.scalars(select(ReturnFiling.id)).one()
    # The department's reviewer on their phone: the same page with the decision to give.
    reviewer = browser.phone_context(chromium, live_server, service_workers="block").new_page()
    browser.sign_in(reviewer, green.reviewer_a)
    reviewer.goto(f"/filings/review/{filing_id}")
    shoot(reviewer, "filing-page-reviewer")
    reviewer.click("button[value=approve]")
    reviewer.goto(f"/filings/review/{filing_id}")
    expect(reviewer.locator("dl.facts")).to_contain_text("已同意")
    # The destination community's supervisor decides on its employees, one by one.
    community = browser.phone_context(chromium, live_server, service_workers="block").new_page()
    browser.sign_in(community, tree.supervisor_a)
    community.goto("/filings/arrivals")
    community.click("ul.rows a >> nth=0")
    shoot(community, "filing-page-community")
    community.locator("form.decide button[value=approve]").first.click()
    expect(community.locator("ul.employees li.done")).to_have_count(1)
    expect(community.locator("ul.employees")).to_contain_text("绿色通行证")
    shoot(community, "filing-page-community-approved")
    assert not errors
    context.close()
