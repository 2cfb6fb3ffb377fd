"""A worker's phone in Chromium, for the field-work taps: the visit details' fold, the colour's
reason chips, the returnee shortcut (issue 11)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Visit

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
