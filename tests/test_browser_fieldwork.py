"""A worker's phone in Chromium, for the field-work taps: the visit details' fold, the colour's
reason chips, the returnee shortcut (issue 11)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Household, Resident, StatusChange, Visit

from . import test_browser as browser

expect = browser.expect
visits_of = browser.visits_of
# The phone and its server come from test_browser.py (module-scoped: one server per module).
live_server, chromium, phone, shoot = (
    browser.live_server,
    browser.chromium,
    browser.phone,
    browser.shoot,
)

pytestmark = pytest.mark.browser


def test_enter_in_a_detail_field_saves_nothing_and_the_method_tap_saves_the_details(
    phone, tree, app, shoot
):
    """A worker types a note in the fold and presses Enter: no visit is logged and the note
    stays; a tap on 电话 then logs one phone visit with that note."""
    phone.goto(f"/households/{tree.household_a.id}")
    form = phone.locator("form.visit")
    form.locator("summary").click()
    note = form.locator("input[name=note]")
    note.fill("电话里说都好")
    note.press("Enter")
    phone.wait_for_timeout(500)
    assert visits_of(app, tree.household_a.id) == 0
    expect(note).to_have_value("电话里说都好")
    shoot(phone, "visit-details")
    form.locator("button[value=phone]").click()
    expect(phone.locator("#timeline li").first).to_contain_text("电话里说都好")
    with app.app_context():
        db.session.remove()
        visit = db.session.scalar(select(Visit))
        assert visit.method == "phone" and visit.note == "电话里说都好"


def colour_in_three_taps(page, household_id: int) -> list[str]:
    """From the micro-grid's page: the row's colour dot, yellow, the chip 外地返回."""
    taps = [
        f"#h{household_id} a.recolour",
        "#colour label.s-yellow",
        "#colour button[name=chip][value='yellow:外地返回']",
    ]
    for selector in taps:
        page.locator(selector).click()
    return taps


def test_a_colour_change_takes_three_taps_from_the_row(phone, tree, app, shoot):
    """A worker on their micro-grid taps a row's colour dot, then yellow, then the reason
    外地返回: saved, the card shows yellow; only yellow's chips were on the screen."""
    phone.goto(f"/grids/{tree.micro_a.id}")
    phone.locator(f"#h{tree.household_a.id} a.recolour").click()
    phone.locator("#colour label.s-yellow").click()
    expect(phone.locator("#colour .r-yellow")).to_be_visible()
    expect(phone.locator("#colour .r-red")).to_be_hidden()
    shoot(phone, "colour-chips")
    phone.locator("#colour button[name=chip][value='yellow:外地返回']").click()
    expect(phone.locator("#card-head h1 .dot")).to_have_class(re.compile(r"\bs-yellow\b"))
    expect(phone.locator("#timeline li").first).to_contain_text("外地返回")
    with app.app_context():
        db.session.remove()
        change = db.session.scalar(select(StatusChange))
        assert (change.to_status, change.reason) == ("yellow", "外地返回")


def test_three_taps_without_javascript(chromium, live_server, tree, app):
    """With JavaScript off the same three taps save the colour (plain links and posts)."""
    context = browser.phone_context(chromium, live_server, java_script_enabled=False)
    page = context.new_page()
    browser.sign_in(page, tree.worker_a)
    page.goto(f"/grids/{tree.micro_a.id}")
    assert len(colour_in_three_taps(page, tree.household_a.id)) == 3
    expect(page.locator("#card-head h1 .dot")).to_have_class(re.compile(r"\bs-yellow\b"))
    context.close()
    with app.app_context():
        db.session.remove()
        assert db.session.get(Household, tree.household_a.id).status == "yellow"


def test_enter_in_the_reason_box_saves_the_typed_reason(phone, tree, app):
    """Enter in 或填写其他原因 saves the checked colour with what was typed, not a chip's."""
    phone.goto(f"/households/{tree.household_a.id}?colour=1")
    phone.locator("#colour label.s-orange").click()
    box = phone.locator("#colour input[name=reason]")
    box.fill("楼上确诊")
    box.press("Enter")
    expect(phone.locator("#card-head h1 .dot")).to_have_class(re.compile(r"\bs-orange\b"))
    with app.app_context():
        db.session.remove()
        assert db.session.scalar(select(StatusChange.reason)) == "楼上确诊"


def test_a_returnee_is_registered_in_six_taps(phone, tree, app, shoot):
    """On the household page: 登记返乡人员, the name, the ID number, where from, the phone,
    登记返乡 — six taps, the return date left at today; the returnee is light yellow."""
    phone.goto(f"/households/{tree.household_a.id}")
    fold = phone.locator("#returnee")
    taps = 0
    fold.locator("summary").click()
    taps += 1
    for name, value in (
        ("name", "返乡人"),
        ("id_number", "330702200503150021"),
        ("origin", "温州"),
        ("phone", "13700002222"),
    ):
        fold.locator(f"input[name={name}]").fill(value)
        taps += 1
    shoot(phone, "returnee")
    fold.locator("button.primary").click()
    taps += 1
    assert taps <= 6
    expect(phone.locator(".residents")).to_contain_text("返乡人")
    with app.app_context():
        db.session.remove()
        resident = db.session.scalar(select(Resident).where(Resident.name == "返乡人"))
        assert resident.status == "light_yellow" and resident.return_date == today()
