"""Styles live in static stylesheets only: no inline style in a served template, so a strict
Content-Security-Policy (no 'unsafe-inline' for styles) can be turned on; report.css is linked by
the report pages alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# WeasyPrint renders templates/pdf/ to PDF on the server; no browser ever loads it.
SERVED = sorted(p for p in TEMPLATES.rglob("*.html") if p.relative_to(TEMPLATES).parts[0] != "pdf")
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def test_the_served_templates_are_found():
    """The scan below sees the templates (a moved folder must not make it pass on nothing)."""
    names = {p.relative_to(TEMPLATES).as_posix() for p in SERVED}
    assert {"base.html", "cards/_panel.html", "reports/page.html"} <= names
    assert not any(name.startswith("pdf/") for name in names)


@pytest.mark.parametrize("path", SERVED, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_served_template_has_no_inline_style(path):
    """A served template has neither a style="..." attribute nor a <style> element."""
    text = path.read_text(encoding="utf-8")
    assert not STYLE_ATTRIBUTE.search(text), "style attribute: use a class in static/css/"
    assert not STYLE_ELEMENT.search(text), "<style> element: use static/css/"


def test_only_the_report_pages_link_report_css(client, login_as, tree):
    """The daily report and the period summary link report.css (fingerprinted); a field page
    does not, so a phone never downloads it."""
    login_as(tree.supervisor_a)
    for url in (f"/reports/{tree.grid_a.id}", f"/reports/{tree.grid_a.id}/period"):
        html = client.get(url).get_data(as_text=True)
        assert re.search(r'href="/static/css/report\.css\?v=[0-9a-f]{12}"', html), url
        assert html.index("css/app.css") < html.index("css/report.css"), url
    page = client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert "css/app.css" in page
    assert "report.css" not in page
