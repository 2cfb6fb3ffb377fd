"""pdf.py: Chinese prints on a machine without CJK fonts, nothing is fetched from outside, a
missing glyph fails loudly instead of printing an empty box; QR images; N-up sheets."""

import base64
import io
import subprocess
import threading
from pathlib import Path

import pytest
import segno
from flask import render_template_string
from PIL import Image

from webapp import pdf
from webapp.pdf import MissingGlyphError, NUp, qr_png_data_uri, write_pdf

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


def test_threads_rendering_at_once_share_one_font_configuration(app, monkeypatch, tmp_path):
    """Two threads asking for PDFs together both get theirs, and the fonts load only once."""
    made, real = [], pdf.FontConfiguration

    def counted():
        made.append(real())
        return made[-1]

    monkeypatch.setattr(pdf, "_fonts", None)
    monkeypatch.setattr(pdf, "FontConfiguration", counted)
    targets = [tmp_path / f"{i}.pdf" for i in range(2)]

    def render(target):
        with app.test_request_context():
            write_pdf(CJK, target)

    threads = [threading.Thread(target=render, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert all("Gridwork-CJK" in embedded_fonts(target) for target in targets)


def test_qr_png_is_one_grey_pixel_per_module():
    """The QR image is an 8-bit greyscale PNG, one pixel per module of the text's QR code."""
    text = "https://wg.example.cn/v/VA11DVA11D00"
    uri = qr_png_data_uri(text)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert image.mode == "L"
    matrix = segno.make_qr(text, error="m").matrix
    assert image.size == (len(matrix), len(matrix))
    pixels = image.load()
    assert all(
        (pixels[x, y] == 0) == bool(dark)
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
    )


# Standard 10-up card stock: CR80 cards, 2 across and 5 down on A4.
TEN_UP = NUp(85.6, 54.0, columns=2, rows=5)


def test_n_up_items_are_butted_together_and_centred():
    """Ten 85.6 × 54 mm cards on A4: 19.4 mm at the sides, 13.5 mm above and below, and the
    cut lines between them."""
    block = TEN_UP.block
    assert TEN_UP.per_page == 10
    assert (block.left, block.top, block.width, block.height) == pytest.approx(
        (19.4, 13.5, 171.2, 270.0)
    )
    xs, ys = TEN_UP.cuts()
    assert xs == pytest.approx([19.4, 105.0, 190.6])
    assert ys == pytest.approx([13.5, 67.5, 121.5, 175.5, 229.5, 283.5])


def test_crop_marks_sit_on_every_cut_line_and_stop_short_of_the_items():
    """Each cut line gets a 5 mm mark at both ends, centred on it, ending 2 mm from the items."""
    block, (xs, ys) = TEN_UP.block, TEN_UP.cuts()
    marks = TEN_UP.marks()
    assert len(marks) == 2 * (len(xs) + len(ys))
    vertical = [m for m in marks if m.height > m.width]
    horizontal = [m for m in marks if m.width > m.height]
    assert sorted({m.left + m.width / 2 for m in vertical}) == pytest.approx(xs)
    assert sorted({m.top + m.height / 2 for m in horizontal}) == pytest.approx(ys)
    assert {round(m.top + m.height, 3) for m in vertical} == {round(block.top - 2, 3), 290.5}
    assert {round(m.left, 3) for m in horizontal} == {12.4, round(block.left + block.width + 2, 3)}
    assert all(max(m.width, m.height) == 5 and min(m.width, m.height) == 0.15 for m in marks)


def test_items_that_leave_no_margin_for_marks_are_refused():
    """Four A6 on A4 fill the page: nowhere to put a crop mark."""
    with pytest.raises(ValueError):
        NUp(105.0, 148.5, columns=2, rows=2)


def test_n_up_sheets_hold_their_items_and_marks(app):
    """Twelve items on the 10-up layout: two sheets of ten and two, each with its 18 marks,
    placed by the style at the layout's millimetres."""
    template = (
        '{% from "pdf/_nup.html" import nup_style, nup_sheets %}<style>{{ nup_style(layout) }}'
        "</style>{% call(n) nup_sheets(layout, items) %}<i>{{ n }}</i>{% endcall %}"
    )
    with app.test_request_context():
        html = render_template_string(template, layout=TEN_UP, items=range(12))
    sheets = html.split('<div class="nup-sheet">')[1:]
    assert [sheet.count("<i>") for sheet in sheets] == [10, 2]
    assert all(sheet.count('class="nup-mark ') == 18 for sheet in sheets)
    assert "left: 19.400mm; top: 13.500mm; width: 171.200mm; height: 270.000mm" in html
    assert ".nup-m1 { left: 19.325mm; top: 6.500mm; width: 0.150mm; height: 5.000mm }" in html


@pytest.mark.parametrize("name", ["secret_key", "gridwork.sqlite"])
def test_the_instance_folders_secrets_are_not_fetched(app, name):
    """The secret key and the SQLite file under the instance folder are refused by the
    fetcher, and a PDF that points at them renders without them."""
    secret = Path(app.instance_path) / name
    secret.write_bytes(b"never on paper")
    try:
        with app.test_request_context():
            with pytest.raises(ValueError):
                pdf.fetcher().fetch(secret.as_uri())
            assert write_pdf(f'{CJK}<img src="{secret.as_uri()}">').startswith(b"%PDF")
    finally:
        secret.unlink()


def test_a_photo_under_the_photo_folder_is_fetched(app):
    """The photo folder stays readable: cards print their photos."""
    from webapp.photos import photos_dir

    with app.test_request_context():
        photo = photos_dir() / "fetch-test.jpg"
        Image.new("RGB", (3, 4), (200, 10, 10)).save(photo, "JPEG")
        try:
            fetched = pdf.fetcher().fetch(photo.as_uri())
            assert fetched.read().startswith(b"\xff\xd8")  # a JPEG
            fetched.close()
        finally:
            photo.unlink()
