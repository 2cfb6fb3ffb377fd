"""Touch and reading at 360 × 740, in Chinese and English, measured in Debian's Chromium: every
control takes a thumb (44 × 44 px, or alone in a 44 px circle), no page scrolls sideways, every
text reads on what it stands on (4.5:1, large text 3:1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import chromium, live_server, phone_context, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

TARGET = 44

MEASURE = (Path(__file__).parent / "touch.js").read_text()


def audit(page, path: str) -> dict:
    page.goto(path)
    page.wait_for_load_state("load")
    return page.evaluate(MEASURE, TARGET)


def pages_of(tree) -> dict[str, list[str]]:
    """The field worker's pages (worker_b: a follow-up and an errand due today) and a
    supervisor's (the areas table, the report)."""
    return {
        "worker": [
            "/today/",
            f"/grids/{tree.micro_b.id}",
            f"/households/{tree.household_b.id}",
            f"/observations/{tree.observation_b.id}",
        ],
        "supervisor": ["/today/", f"/grids/{tree.grid_a.id}", f"/reports/{tree.grid_a.id}"],
    }


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_control_takes_a_thumb_and_every_text_reads(
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    tree,
    language,
):
    """At 360 × 740 the worker's today, micro-grid, household and observation pages and the
    supervisor's pages, folds open: every control 44 × 44 or alone in its circle, nothing wider
    than the screen, every text at 4.5:1 (3:1 when large) on its background."""
    problems: list[str] = []
    for who, paths in pages_of(tree).items():
        context = phone_context(chromium, live_server)
        page = context.new_page()
        sign_in(page, tree.worker_b if who == "worker" else tree.supervisor_a)
        if language == "en":
            page.goto("/lang/en?next=/today/")
        for path in paths:
            found = audit(page, path)
            if found["scrollWidth"] > found["width"]:
                problems.append(f"{who} {path}: {found['scrollWidth']} px wide")
            for t in found["crowded"]:
                problems.append(
                    f"{who} {path}: {t['tag']} “{t['text']}” {t['width']:.0f} × {t['height']:.0f}"
                )
            for t in found["faint"]:
                colours = f"{t['color']} on rgb({t['background']})"
                problems.append(f"{who} {path}: “{t['text']}” {t['ratio']}:1 ({colours})")
        context.close()
    assert not problems, "\n".join(problems)


def test_english_method_buttons_hold_their_labels(
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    tree,
):
    """In English "Phone call", "WeChat" and "Neighbour" fit inside their buttons on one line."""
    context = phone_context(chromium, live_server)
    page = context.new_page()
    sign_in(page, tree.worker_b)
    page.goto(f"/lang/en?next=/households/{tree.household_b.id}")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.methods button')]
            .filter(b => b.scrollWidth > b.clientWidth || b.getClientRects().length !== 1
                    || b.offsetHeight > 60)
            .map(b => b.innerText)"""
    )
    labels = page.locator(".methods button").all_inner_texts()
    context.close()
    assert {"Phone call", "WeChat", "Neighbour"} <= set(labels)
    assert overflowing == []


def test_english_area_figures_fit_the_screen(
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    tree,
):
    """On a phone the supervisor's areas come as blocks: every figure under its column's whole
    name ("Flagged visits" too), nothing cut off or scrolled out of sight."""
    context = phone_context(chromium, live_server)
    page = context.new_page()
    sign_in(page, tree.supervisor_a)
    page.goto("/lang/en?next=/today/")
    table = page.locator("table.areas")
    fits = table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    labels = table.evaluate(
        """t => [...t.querySelectorAll('td[data-label]')].map(td => {
            const before = getComputedStyle(td, '::before');
            return [before.content.replace(/^"|"$/g, ''), td.scrollWidth <= td.clientWidth];
        })"""
    )
    context.close()
    assert fits
    assert ["Flagged visits", True] in labels
    assert all(whole for _, whole in labels)
