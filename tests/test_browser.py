"""A worker's phone, driven through Debian's Chromium: one-tap visits, colours, the outbox."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from webapp import clock
from webapp.clock import now, today
from webapp.extensions import db
from webapp.models import FollowUp, Household, Visit

from .conftest import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A row visited today says so where the thumb is: ✓, today, the time.
TIME = re.compile(r"✓ 今天 \d\d:\d\d")


@pytest.fixture(scope="module")
def live_server(app) -> Iterator[str]:
    """Serve the test app on a free local port; requests share the test database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    """Debian's Chromium, started once for the module."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


def phone_context(chromium, live_server, **options):
    """A browser context like a 360 px phone in China, no one signed in yet; `options`
    change it (another time zone, JavaScript off)."""
    settings = {
        "viewport": {"width": 360, "height": 740},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "base_url": live_server,
        **options,
    }
    context = chromium.new_context(**settings)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(chromium, live_server, tree) -> Iterator:
    """A 360 px phone in China, signed in as worker_a; fails on any uncaught page error.

    Its service worker is blocked: these tests fake a failing network with page.route(), which
    does not see the requests of a page a service worker controls (test_browser_offline.py
    drives the service worker itself)."""
    context = phone_context(chromium, live_server, service_workers="block")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, tree.worker_a)
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def morning() -> Iterator[None]:
    """Today at 09:00: the morning follow-up slot is open, whatever the hour of the test run."""
    clock.freeze(datetime.combine(today(), time(9, 0)))
    yield
    clock.freeze(None)


def sign_in(page, worker) -> None:
    page.goto("/login")
    page.fill("input[name=phone]", worker.phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button.primary")
    page.wait_for_url(lambda url: "/login" not in url)


class VisitsRefused:
    """Visits fail as without signal (the connection fails) until unrouted; wait() returns
    once one was refused."""

    def __init__(self, page) -> None:
        self.page, self.refused = page, 0
        page.route("**/visits/**", self._refuse)

    def _refuse(self, route) -> None:
        self.refused += 1
        route.abort("connectionfailed")

    def wait(self) -> None:
        for _ in range(100):
            if self.refused:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the outbox never tried to send")


def visits_of(app, household_id: int) -> int:
    with app.app_context():
        db.session.remove()
        return db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.household_id == household_id)
        )


@pytest.fixture(scope="session")
def shoot(tmp_path_factory) -> Callable[..., None]:
    """Save full-page screenshots in this run's own temporary folder (the latest run's:
    /tmp/pytest-of-$USER/pytest-current/shots0/), so concurrent runs never overwrite each other."""
    folder = tmp_path_factory.mktemp("shots")

    def save(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return save


def test_visit_from_micro_grid_updates_row_in_place(phone, tree, app, shoot):
    """Tapping 已走访 on a household row updates that row and logs exactly one visit."""
    phone.goto(f"/grids/{tree.micro_a.id}")
    row = phone.locator(f"#h{tree.household_a.id}")
    expect(row.locator(".meta")).to_contain_text("未走访")
    posts: list[str] = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    row.locator("button[value=door]").click()
    expect(row.locator(".meta")).not_to_contain_text("未走访")
    expect(row.locator(".meta")).to_contain_text(TIME)
    expect(phone.locator("#outbox-count")).to_be_hidden()
    expect(phone.locator("#summary")).to_contain_text("1")
    shoot(phone, "micro-grid")
    assert len(posts) == 1, "htmx and the outbox both sent the form"
    assert visits_of(app, tree.household_a.id) == 1


def test_phone_in_another_time_zone_files_visit_at_china_time(chromium, live_server, tree, app):
    """A phone set to London time logs a visit: it is stored at China's hour, not London's."""
    context = phone_context(chromium, live_server, timezone_id="Europe/London")
    page = context.new_page()
    sign_in(page, tree.worker_a)
    page.goto(f"/grids/{tree.micro_a.id}")
    page.locator(f"#h{tree.household_a.id} button[value=door]").click()
    expect(page.locator("#outbox-count")).to_be_hidden()
    expect(page.locator(f"#h{tree.household_a.id} .meta")).to_contain_text(TIME)
    context.close()
    with app.app_context():
        db.session.remove()
        visited_at = db.session.scalar(select(Visit.visited_at))
    assert abs(visited_at - now()) < timedelta(minutes=2)


def test_worker_opens_today_and_records_a_follow_up(
    chromium, live_server, tree, app, morning, shoot
):
    """Signed in, the worker lands on today, where the morning follow-up is due; a tap on it,
    the temperature, one tap to save: the slot shows done, and one follow-up is recorded."""
    context = phone_context(chromium, live_server)
    page = context.new_page()
    sign_in(page, tree.worker_b)
    expect(page.locator("h1")).to_contain_text("今日任务")
    task = page.locator("ul.rows li", has_text=tree.resident_b.name)
    expect(task).to_contain_text("待随访")
    shoot(page, "today")
    task.locator("a").click()
    page.fill("input[name=temperature]", "36.6")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("form.follow-up button.primary").click()
    expect(page.locator("#obs-head .slot.done")).to_contain_text("36.6°C ✓")
    expect(page.locator("#follow-ups tr:visible")).to_have_count(1)
    expect(page.locator("#follow-ups tr:visible")).to_contain_text("36.6")
    expect(page.locator("#outbox-count")).to_be_hidden()
    shoot(page, "follow-up")
    context.close()
    assert len(posts) == 1
    with app.app_context():
        db.session.remove()
        temperatures = db.session.scalars(
            select(FollowUp.temperature).where(FollowUp.observation_id == tree.observation_b.id)
        ).all()
    assert [float(t) for t in temperatures] == [36.6]


def test_phone_visit_on_household_page_shows_in_timeline(phone, tree, app, shoot):
    """Tapping the phone method on the household page logs one visit shown in the history."""
    phone.goto(f"/households/{tree.household_a.id}")
    button = phone.locator("form.visit button[value=phone]")
    label = button.inner_text()
    button.click()
    expect(phone.locator("#timeline li").first).to_contain_text(label)
    expect(phone.locator("#card-head")).not_to_contain_text("未走访")
    expect(phone.locator("#outbox-count")).to_be_hidden()
    shoot(phone, "household-visit")
    assert visits_of(app, tree.household_a.id) == 1


def test_colour_change_on_household_page(phone, tree, app, shoot):
    """Choosing red with a reason saves the colour and the card shows it."""
    phone.goto(f"/households/{tree.household_a.id}")
    form = phone.locator("form[action*='statuses/household']")
    phone.locator("details.mark", has=form).locator("summary").click()
    form.locator("input[value=red]").check()
    form.locator("input[name=reason]").fill("发热，居家隔离")
    shoot(phone, "colour-form")
    form.locator("button.primary").click()
    expect(phone.locator("#card-head h1 .dot")).to_have_class(re.compile(r"\bs-red\b"))
    expect(phone.locator("#outbox-count")).to_be_hidden()
    shoot(phone, "household")
    with app.app_context():
        db.session.remove()
        assert db.session.get(Household, tree.household_a.id).status == "red"


def test_visit_tapped_twice_offline_arrives_once(phone, tree, app, shoot):
    """Two taps without signal wait in the outbox, and one visit arrives once back online."""
    phone.goto(f"/grids/{tree.micro_a.id}")
    row = phone.locator(f"#h{tree.household_a.id}")
    counter = phone.locator("#outbox-count")
    phone.context.set_offline(True)
    row.locator("button[value=door]").click()
    row.locator("button[value=door]").click()
    expect(counter).to_have_text("1 条待发送")
    expect(counter).to_be_visible()
    shoot(phone, "offline")
    assert visits_of(app, tree.household_a.id) == 0

    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(counter).to_be_hidden()
    expect(row.locator(".meta")).to_contain_text(TIME)
    assert visits_of(app, tree.household_a.id) == 1


def test_queued_visit_is_sent_after_reload(phone, tree, app):
    """A visit that could not be sent stays on the phone across a reload and goes at page load."""
    phone.goto(f"/grids/{tree.micro_a.id}")
    refused = VisitsRefused(phone)
    phone.locator(f"#h{tree.household_a.id} button[value=door]").click()
    expect(phone.locator("#outbox-count")).to_have_text("1 条待发送")
    refused.wait()  # the outbox asks for a token first: its post comes a moment later
    phone.unroute("**/visits/**")
    phone.reload()
    expect(phone.locator("#outbox-count")).to_be_hidden()
    expect(phone.locator(f"#h{tree.household_a.id} .meta")).to_contain_text(TIME)
    assert visits_of(app, tree.household_a.id) == 1


def test_outbox_counter_speaks_english(phone, tree):
    """In English the header says how many writes are waiting to send."""
    phone.goto(f"/lang/en?next=/grids/{tree.micro_a.id}")
    phone.context.set_offline(True)
    phone.locator(f"#h{tree.household_a.id} button[value=door]").click()
    expect(phone.locator("#outbox-count")).to_have_text("1 waiting to send")
    phone.context.set_offline(False)
    expect(phone.locator("#outbox-count")).to_be_hidden()


def test_queued_visit_waits_for_the_worker_who_made_it(phone, tree, app):
    """On a shared phone, a visit queued by one worker is not sent under another's sign-in."""
    phone.goto(f"/grids/{tree.micro_a.id}")
    VisitsRefused(phone)
    phone.locator(f"#h{tree.household_a.id} button[value=door]").click()
    expect(phone.locator("#outbox-count")).to_have_text("1 条待发送")
    phone.locator("header form.inline button").click()
    sign_in(phone, tree.supervisor_a)
    phone.goto(f"/grids/{tree.micro_a.id}")
    expect(phone.locator("#outbox-count")).to_be_hidden()
    # The signal is back only now: a retry still running from before the sign-out (the outbox
    # retries on a timer) would otherwise send the visit as its own worker, as it should.
    phone.unroute("**/visits/**")
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(500)
    assert visits_of(app, tree.household_a.id) == 0

    phone.locator("header form.inline button").click()
    sign_in(phone, tree.worker_a)
    expect(phone.locator("#outbox-count")).to_be_hidden()
    with app.app_context():
        db.session.remove()
        visit = db.session.scalar(select(Visit))
        assert visit is not None and visit.worker_id == tree.worker_a.id


def test_visit_form_posts_without_javascript(chromium, live_server, tree, app):
    """With JavaScript off, 已走访 is a plain form post and still logs one visit."""
    context = phone_context(chromium, live_server, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, tree.worker_a)
    page.goto(f"/grids/{tree.micro_a.id}")
    page.locator(f"#h{tree.household_a.id} button[value=door]").click()
    expect(page.locator(f"#h{tree.household_a.id} .meta")).to_contain_text(TIME)
    context.close()
    assert visits_of(app, tree.household_a.id) == 1


@pytest.mark.parametrize("path", ["/login", "/login?next=/today/"])
def test_language_link_comes_back_to_the_same_address(chromium, live_server, path):
    """The sign-in page's English link carries its address, with a `?` only before a query."""
    context = phone_context(chromium, live_server)
    page = context.new_page()
    page.goto(path)
    link = page.locator("header a.lang")
    href = link.get_attribute("href")
    link.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    url = page.url
    context.close()
    assert parse_qs(urlsplit(href).query)["next"] == [path]
    assert url == live_server + path


# Recorded before any of the page's own scripts run, in every document the context opens.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`);
});
"""


def test_pages_and_writes_work_under_the_content_security_policy(
    chromium, live_server, tree, app, shoot
):
    """Today, a micro-grid, a household, an observation, a daily report and the workers' pages
    load without a single violation of the policy; a one-tap visit and a colour change with
    htmx save and update the page; and the policy is in force (an inline script is refused)."""
    context = phone_context(chromium, live_server)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    violations: list[str] = []

    def check(url: str) -> None:
        violations.extend(f"{url}: {v}" for v in page.evaluate("window.cspViolations"))

    sign_in(page, tree.admin)
    for url in (
        "/today/",
        f"/observations/{tree.observation_b.id}",
        f"/reports/{tree.grid_a.id}",
        "/workers/",
    ):
        page.goto(url)
        check(url)
    page.goto(f"/workers/{tree.worker_a.id}")
    expect(page.locator("#card-panel")).to_be_visible()  # loaded by htmx (hx-trigger="load")
    check("worker")

    page.goto(f"/households/{tree.household_a.id}")
    form = page.locator("form[action*='statuses/household']")
    page.locator("details.mark", has=form).locator("summary").click()
    form.locator("input[value=red]").check()
    form.locator("input[name=reason]").fill("发热，居家隔离")
    form.locator("button.primary").click()
    expect(page.locator("#card-head h1 .dot")).to_have_class(re.compile(r"\bs-red\b"))
    check("household")

    page.goto(f"/grids/{tree.micro_a.id}")
    row = page.locator(f"#h{tree.household_a.id}")
    row.locator("button[value=door]").click()
    expect(row.locator(".meta")).to_contain_text(TIME)
    expect(page.locator("#outbox-count")).to_be_hidden()
    check("micro-grid")
    shoot(page, "micro-grid-under-csp")

    # htmx read its configuration: it neither evaluates code nor adds styles or scripts.
    names = ("allowEval", "allowScriptTags", "includeIndicatorStyles")
    assert [page.evaluate(f"htmx.config.{name}") for name in names] == [False, False, False]
    assert violations == []
    # Also htmx's own refusals (htmx:evalDisallowedError), which name no policy.
    assert console == []
    assert visits_of(app, tree.household_a.id) == 1
    with app.app_context():
        db.session.remove()
        assert db.session.get(Household, tree.household_a.id).status == "red"

    # The listener sees a violation when there is one: an inline script is refused.
    ran = page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'window.inlineRan = true';
          document.head.append(script);
          return window.inlineRan === true;
        }"""
    )
    assert not ran
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.cspViolations")[0].startswith("script-src")
    context.close()
