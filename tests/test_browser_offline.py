"""A field day with the signal coming and going, on a 360 × 740 phone in Debian's Chromium: pages
opened again from the phone's copy, writes queued there and sent once, refusals shown."""

from __future__ import annotations

import contextlib
import re

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Errand, Household

from . import test_browser as browser
from .test_browser import phone_context, sign_in, visits_of

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser
# The browser, the live server and the screenshots of test_browser.py, shared.
chromium = browser.chromium
live_server = browser.live_server
shoot = browser.shoot
BANNER = re.compile(r"离线 · 显示 \d\d:\d\d 的内容")


def field_phone(chromium, live_server, worker, **options):
    """A phone whose service worker is running before the worker signs in (as it is once the
    sign-in page has been open for a moment), so that the first page after it is kept."""
    context = phone_context(chromium, live_server, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    sign_in(page, worker)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return context, page, errors


def offline(page, on: bool = True) -> None:
    page.context.set_offline(on)
    if not on:
        # The browser's own 'online' event may come first, and the outbox move on to another
        # page: then there is nothing left to tell.
        with contextlib.suppress(sync_api.Error):
            page.evaluate("window.dispatchEvent(new Event('online'))")


def test_pages_open_offline_and_a_visit_from_the_copy_arrives_once(
    chromium, live_server, tree, app, shoot
):
    """Online, the worker opens today and a household; without signal both open again from
    the phone, with the banner; a visit logged on the household's copy waits, marked, and
    arrives exactly once when the signal is back."""
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto("/today/")
    expect(page.locator("#offline")).to_be_hidden()
    page.goto(f"/households/{tree.household_a.id}")
    expect(page.locator("#card-head")).to_contain_text("未走访")

    offline(page)
    page.goto("/today/")
    expect(page.locator("#offline")).to_be_visible()
    expect(page.locator("#offline")).to_have_text(BANNER)
    expect(page.locator("h1")).to_contain_text("今日任务")
    shoot(page, "offline-today")
    page.goto(f"/households/{tree.household_a.id}")
    expect(page.locator("#offline")).to_have_text(BANNER)
    page.locator("form.visit button[value=door]").click()
    counter = page.locator("#outbox-count")
    expect(counter).to_have_text("1 条待发送")
    expect(page.locator("#card-head")).to_have_class(re.compile(r"\bqueued\b"))
    # The badge stays in sight wherever the worker has scrolled.
    page.mouse.wheel(0, 2000)
    expect(counter).to_be_in_viewport()
    shoot(page, "offline-household-queued")
    assert visits_of(app, tree.household_a.id) == 0

    offline(page, False)
    expect(counter).to_be_hidden()
    expect(page.locator("#card-head")).not_to_have_class(re.compile(r"\bqueued\b"))
    expect(page.locator("#card-head")).not_to_contain_text("未走访")
    page.wait_for_timeout(500)
    assert visits_of(app, tree.household_a.id) == 1
    # Reloaded online, the page is the network's again, and the visit is in its history.
    page.reload()
    expect(page.locator("#offline")).to_be_hidden()
    assert visits_of(app, tree.household_a.id) == 1
    context.close()
    assert errors == []


def test_english_banner_and_badge(chromium, live_server, tree, shoot):
    """In English: "Offline · showing the page from HH:MM", and "1 waiting to send"."""
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/lang/en?next=/grids/{tree.micro_a.id}")
    page.goto(f"/grids/{tree.micro_a.id}")
    offline(page)
    page.goto(f"/grids/{tree.micro_a.id}")
    expect(page.locator("#offline")).to_have_text(
        re.compile(r"Offline · showing the page from \d\d:\d\d")
    )
    page.locator(f"#h{tree.household_a.id} button[value=door]").click()
    expect(page.locator("#outbox-count")).to_have_text("1 waiting to send")
    expect(page.locator(f"#h{tree.household_a.id}")).to_have_class(re.compile(r"\bqueued\b"))
    shoot(page, "offline-micro-grid-en")
    offline(page, False)
    expect(page.locator("#outbox-count")).to_be_hidden()
    expect(page.locator(f"#h{tree.household_a.id} .meta")).to_contain_text("✓ today")
    shoot(page, "micro-grid-visited-en")
    context.close()
    assert errors == []


@pytest.fixture
def errand_a(app, tree) -> int:
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        errand = Errand(
            household=household,
            grid_id=household.grid_id,
            description="买药",
            created_by_id=tree.supervisor_a.id,
        )
        db.session.add(errand)
        db.session.commit()
        return errand.id


def test_errand_done_offline_is_sent_once(chromium, live_server, tree, app, errand_a, shoot):
    """完成 without signal waits on the phone (its row marked); back online it is sent once,
    the row says ✓ with an undo, and the errand count goes down."""
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto("/today/")
    row = page.locator(f"#e{errand_a}")
    expect(page.locator("#errand-count")).to_have_text("1")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    offline(page)
    row.locator("button").click()
    row.locator("button").click()
    expect(page.locator("#outbox-count")).to_have_text("1 条待发送")
    expect(row).to_have_class(re.compile(r"\bqueued\b"))
    shoot(page, "offline-errand-queued")
    offline(page, False)
    expect(page.locator("#outbox-count")).to_be_hidden()
    expect(row.locator(".meta")).to_contain_text("✓ 今天")
    expect(page.locator("#errand-count")).to_have_text("0")
    expect(row.locator("button")).to_have_text("撤销")
    shoot(page, "errand-done")
    assert len([p for p in posts if p.endswith("/done")]) == 1
    # 撤销: the errand is open again, and counted.
    row.locator("button").click()
    expect(page.locator("#errand-count")).to_have_text("1")
    context.close()
    assert errors == []
    with app.app_context():
        db.session.remove()
        assert db.session.get(Errand, errand_a).done_at is None


def test_visit_from_today_leaves_the_due_count_and_can_be_undone(
    chromium, live_server, tree, app, shoot
):
    """On today's list: the visited row shows ✓ 今天 HH:MM where the thumb is, its button now
    logs another visit, the due count goes down; 撤销 brings it all back."""
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto("/today/")
    row = page.locator(f"#h{tree.household_a.id}")
    expect(page.locator("#due-count")).to_have_text("1 户")
    row.locator("button[value=door]").click()
    expect(row.locator(".meta")).to_have_text(re.compile(r"✓ 今天 \d\d:\d\d"))
    expect(row.locator("button[value=door]")).to_have_text("再记一次")
    expect(page.locator("#due-count")).to_have_text("0 户")
    shoot(page, "today-visited")
    row.locator("form.undo button").click()
    expect(row.locator(".meta")).to_contain_text("未走访")
    expect(page.locator("#due-count")).to_have_text("1 户")
    context.close()
    assert errors == []
    assert visits_of(app, tree.household_a.id) == 0


def test_refused_item_is_shown_with_its_reason(chromium, live_server, tree, app, shoot):
    """A visit queued for a household deactivated meanwhile is refused (404): the phone says
    so, with the reason, instead of dropping it silently."""
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/grids/{tree.micro_a.id}")
    offline(page)
    page.locator(f"#h{tree.household_a.id} button[value=door]").click()
    expect(page.locator("#outbox-count")).to_have_text("1 条待发送")
    with app.app_context():
        db.session.get(Household, tree.household_a.id).active = False
        db.session.commit()
    offline(page, False)
    refused = page.locator("#outbox-refused")
    expect(refused).to_contain_text("未保存")
    expect(refused).to_contain_text("101室")  # the address below the page's own node
    expect(refused).to_contain_text("不在")
    shoot(page, "refused")
    expect(page.locator("#outbox-count")).to_be_hidden()
    # Still there on the next page, until closed.
    page.goto("/today/")
    expect(refused).to_be_visible()
    refused.locator("button").click()
    expect(refused).to_have_count(0)
    context.close()
    assert errors == []


def test_copies_go_at_sign_out_and_belong_to_one_worker(chromium, live_server, tree):
    """Signed out, the pages are gone from the phone; another worker signing in on the same
    phone never sees the first one's copies."""
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/households/{tree.household_a.id}")
    page.locator("header form[data-signout] button").click()
    page.wait_for_url(re.compile("/login"))
    offline(page)
    page.goto(f"/households/{tree.household_a.id}")
    expect(page.locator("body")).to_contain_text("没有存在手机上")
    offline(page, False)

    sign_in(page, tree.worker_a)
    page.goto(f"/households/{tree.household_a.id}")
    # Another worker signs in without the first signing out (the session ran out, say).
    context.clear_cookies()
    sign_in(page, tree.worker_b)
    page.goto(f"/households/{tree.household_b.id}")
    offline(page)
    page.goto(f"/households/{tree.household_a.id}")
    expect(page.locator("body")).to_contain_text("没有存在手机上")
    page.goto(f"/households/{tree.household_b.id}")
    expect(page.locator("#offline")).to_be_visible()
    context.close()
    assert errors == []


def test_supervisor_pages_are_not_kept(chromium, live_server, tree):
    """A supervisor's desk pages open online only: nothing of theirs is on the phone."""
    context, page, _errors = field_phone(chromium, live_server, tree.supervisor_a)
    page.goto("/today/")
    page.goto(f"/households/{tree.household_a.id}")
    kept = page.evaluate("caches.open('gw-pages').then(c => c.keys()).then(k => k.length)")
    assert kept == 0
    context.close()


def test_registration_offline_waits_and_is_sent_once(chromium, live_server, tree, app):
    """A resident registered without signal waits on the phone and is registered once."""
    from webapp.models import Resident

    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/households/{tree.household_a.id}")
    page.goto(f"/residents/new/{tree.household_a.id}")
    offline(page)
    page.fill("input[name=name]", "返乡人")
    page.fill("input[name=id_number]", "330702200503150021")
    page.locator("form#outbox-form button.primary").click()
    expect(page.locator("#outbox-count")).to_have_text("1 条待发送")
    expect(page.locator("#outbox-form")).to_have_class(re.compile(r"\bqueued\b"))
    offline(page, False)
    expect(page.locator("#outbox-count")).to_be_hidden()
    page.wait_for_url(re.compile(f"/households/{tree.household_a.id}$"))
    expect(page.locator("ul.residents")).to_contain_text("返乡人")
    context.close()
    assert errors == []
    with app.app_context():
        db.session.remove()
        names = db.session.scalars(select(Resident.name).where(Resident.name == "返乡人")).all()
    assert names == ["返乡人"]
