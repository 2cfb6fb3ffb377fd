"""Accessibility without a browser: the stylesheets' colour pairs read at 4.5:1 or more (WCAG AA),
and colour chips carry their name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "static" / "css"
AA = 4.5


def rules(css: str) -> dict[str, dict[str, str]]:
    """Every selector of the stylesheet with its declarations (later rules win, as in CSS)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{((?:[^{}]*\{[^}]*\})*)\s*\}", r"\1", css)
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        )
        for selector in selectors.split(","):
            found.setdefault(selector.strip(), {}).update(declarations)
    return found


@pytest.fixture(scope="module")
def css() -> dict[str, dict[str, str]]:
    return rules((STATIC / "app.css").read_text() + (STATIC / "report.css").read_text())


def colour(css: dict[str, dict[str, str]], selector: str, prop: str) -> str:
    """The colour `selector` gives `prop`, custom properties resolved; `#…` passes as it is."""
    if selector.startswith("#"):
        return selector
    value = css[selector][prop]
    if prop == "background" and value.split()[0] != value:
        value = value.split()[0]
    while m := re.fullmatch(r"var\((--[\w-]+)\)", value):
        value = css[":root"][m[1]]
    assert re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", value), (selector, prop, value)
    return value


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_values():
    """Black on white is 21:1, a colour on itself 1:1, the old white on orange 2.63:1."""
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#f77f00", "#f77f00") == pytest.approx(1)
    assert contrast("#fff", "#f77f00") == pytest.approx(2.63, abs=0.01)


# (text: selector, property), (background: selector, property): the pairs the pages show.
PAIRS = [
    (("body", "color"), ("body", "background")),
    (("body", "color"), (".card", "background")),
    (("small", "color"), ("body", "background")),
    (("small", "color"), (".card", "background")),
    (("small", "color"), (".rows li.alert", "background")),
    (("small", "color"), (".tag", "background")),
    (("a", "color"), ("body", "background")),
    (("a", "color"), (".card", "background")),
    ((".bar a", "color"), (".bar", "background")),
    ((".outbox", "color"), (".outbox", "background")),
    ((".tabs a", "color"), (".tabs", "background")),
    (("body", "color"), (".flash", "background")),
    (("body", "color"), (".flash.warning", "background")),
    ((".flash.error", "color"), (".flash.error", "background")),
    ((".error", "color"), (".card", "background")),
    (("button", "color"), ("button", "background")),
    ((".primary", "color"), (".primary", "background")),
    ((".slot.overdue", "color"), (".slot.overdue", "background")),
    ((".badge.overdue", "color"), (".badge.overdue", "background")),
    (("td.warn", "color"), ("table.list", "background")),
    ((".figures td.short", "color"), ("table.figures", "background")),
    ((".figures td.zero", "color"), ("table.figures", "background")),
    ((".figures thead th", "color"), ("table.figures", "background")),
    ((".key dt", "color"), (".key div", "background")),
]
COLOURS = ["red", "orange", "yellow", "light_yellow", "green"]


@pytest.mark.parametrize("text,background", PAIRS, ids=[f"{t[0]} on {b[0]}" for t, b in PAIRS])
def test_text_reads_on_its_background(css, text, background):
    """Each text colour the stylesheet sets reads at 4.5:1 on the background it stands on."""
    fg, bg = colour(css, *text), colour(css, *background)
    assert contrast(fg, bg) >= AA, f"{fg} on {bg}: {contrast(fg, bg):.2f}"


@pytest.mark.parametrize("name", COLOURS)
def test_colour_chip_names_read_on_their_colour(css, name):
    """A chip's name (红, 橙, 黄, 浅黄, 绿) reads on its colour: white on red and green, dark on
    orange and the yellows."""
    selector = f".s-{name}"
    fg, bg = colour(css, selector, "color"), colour(css, selector, "background")
    assert contrast(fg, bg) >= AA, f"{name}: {fg} on {bg}: {contrast(fg, bg):.2f}"


def test_the_five_colours_stay_apart(css):
    """Red, orange, yellow, light yellow and green stay recognisable: no two look alike in
    lightness and hue (the red is still red, the orange still orange)."""
    values = [css[":root"][f"--{name}"] for name in COLOURS]
    red, orange, yellow, light_yellow, green = (int(v[1:], 16) for v in values)

    def rgb(v: int) -> tuple[int, int, int]:
        return v >> 16, (v >> 8) & 255, v & 255

    r, o, y, _, g = map(rgb, (red, orange, yellow, light_yellow, green))
    assert r[0] > 2 * r[1] and r[0] > 2 * r[2]  # red: red far above green and blue
    assert o[0] > o[1] > 1.5 * o[2] and o[1] < 0.75 * o[0]  # orange: between red and yellow
    assert y[0] > 200 and y[1] > 180 and y[2] < 80  # yellow
    assert luminance(values[3]) > luminance(values[2]) + 0.1  # light yellow is lighter
    assert g[1] > g[0] and g[1] > g[2]  # green: green channel on top


def test_colour_chips_carry_their_name(client, login_as, tree):
    """A micro-grid's rows and counts name each colour in words, not by colour alone."""
    login_as(tree.worker_a)
    page = client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert re.search(r'<i class="dot s-green">绿</i>', page)
    assert re.search(r'<b class="s-red">红 0</b>', page)
    client.get("/lang/en")
    page = client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert re.search(r'<i class="dot s-green">Green</i>', page)
    assert re.search(r'<b class="s-light_yellow">Light yellow 0</b>', page)
