"""A resident's phone and a worker's, through Debian's Chromium at 360 × 740: a need sent from
the stairwell page, taken and resolved on today's list, rated on the tracking page."""

from __future__ import annotations

import re

import pytest

from .test_browser import chromium, live_server, phone_context, shoot, sign_in  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
pytestmark = pytest.mark.browser


def test_resident_sends_worker_resolves_resident_rates(chromium, live_server, tree, shoot):  # noqa: F811
    """The whole round: /r/<code> → a code → today → accept → resolve → 满意 → closed."""
    resident_context = phone_context(chromium, live_server)
    resident = resident_context.new_page()
    errors: list[str] = []
    resident.on("pageerror", lambda error: errors.append(str(error)))
    resident.goto("/r/MA")
    expect(resident.locator("h1")).to_contain_text("1幢1单元")
    shoot(resident, "request-form")
    resident.click("label:has(input[name=category][value=need])")
    resident.fill("textarea[name=text]", "楼道灯坏了，晚上看不见")
    resident.fill("input[name=phone]", "13812345678")
    resident.click("#send button.primary")
    code_box = resident.locator(".code-big")
    expect(code_box).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    shoot(resident, "request-sent")
    code = code_box.inner_text().replace("-", "")

    worker_context = phone_context(chromium, live_server)
    worker = worker_context.new_page()
    worker.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(worker, tree.worker_a)
    worker.goto("/today/")
    expect(worker.locator("#requests")).to_contain_text("1")
    shoot(worker, "request-today")
    worker.click("text=楼道灯坏了")
    worker.click("button:has-text('受理')")
    expect(worker.locator(".facts")).to_contain_text("已受理")
    worker.click("summary:has-text('办结')")
    worker.locator("form[action$='/resolve'] textarea").fill("已更换灯泡")
    worker.click("form[action$='/resolve'] button")
    expect(worker.locator(".facts")).to_contain_text("已办结")
    expect(worker.locator(".facts")).to_contain_text("138****5678")
    shoot(worker, "request-worker")

    resident.goto(f"/r/track/{code}")
    expect(resident.locator("h1")).to_contain_text("求助")
    expect(resident.locator(".timeline")).to_contain_text("网格员 赵*")
    resident.click("label[for=rating-0]")  # 满意
    resident.click("form[action$='/rate'] button")
    expect(resident.locator(".facts")).to_contain_text("已关闭")
    shoot(resident, "request-tracked")
    assert "13812345678" not in resident.content()
    resident_context.close()
    worker_context.close()
    assert errors == []
