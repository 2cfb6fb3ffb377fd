"""pdf.py: Chinese prints on a machine without CJK fonts, nothing is fetched from outside, and a
missing glyph fails loudly instead of printing an empty box."""

import subprocess

import pytest

from webapp.pdf import MissingGlyphError, write_pdf

CJK = "<p style=\"font-family:'Gridwork CJK'\">张堃 朱镕基 王喆 网格员 37.3℃</p>"


def embedded_fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout


def test_rare_name_characters_print_with_the_shipped_font(app, tmp_path):
    """堃 镕 喆 render with the app's own font, embedded and subset in the PDF."""
    target = tmp_path / "names.pdf"
    with app.test_request_context():
        write_pdf(CJK, target)
    assert target.read_bytes().startswith(b"%PDF")
    fonts = embedded_fonts(target)
    assert "Gridwork-CJK" in fonts and " yes yes " in fonts


def test_a_missing_glyph_fails(app):
    """A character no font has (a private-use code point) raises instead of printing a box."""
    with app.test_request_context(), pytest.raises(MissingGlyphError):
        write_pdf("<p style=\"font-family:'Gridwork CJK'\">\U000f0000</p>")


def test_nothing_is_fetched_from_outside(app, tmp_path):
    """An image on another host or a file outside the app is refused (rendered without it)."""
    secret = tmp_path / "outside.png"
    secret.write_bytes(b"not really")
    html = f'{CJK}<img src="http://example.invalid/x.png"><img src="{secret.as_uri()}">'
    with app.test_request_context():
        pdf = write_pdf(html)
    assert pdf.startswith(b"%PDF")
