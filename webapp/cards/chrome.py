"""The part of a card that is the same on every card, drawn once as a 600-dpi image.

Every line of text costs WeasyPrint about 1.5 ms per card, and half of a card's text is the
same everywhere: the title, the issuer, the labels. Drawn once with Pillow (same font files,
600 dpi: what a laser printer prints) and laid under each card as its background, it halves
the time of a batch (14,406 cards: 20 ms → 11 ms of CPU a card) and the PDF embeds it once.
What differs per card (name, position, grid, serial, date, photo, QR) stays text in
templates/pdf/card.html, placed against the coordinates below (millimetres from the card's
top-left corner).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont

from .. import pdf

DPI = 600
WIDTH, HEIGHT = 85.6, 54.0
RED = (179, 38, 30)
GREY = (107, 119, 130)
# Bump when the drawing changes: cached images are keyed on it.
VERSION = 4


def _mm(value: float) -> int:
    return round(value * DPI / 25.4)


def _font(weight: str, points: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(pdf.FONT_DIR / f"NotoSansSC-{weight}.subset.woff2"), round(points * DPI / 72)
    )


def chrome_path(issuer: str) -> Path:
    """The background image for cards issued by `issuer`, drawn on first use and kept."""
    with force_locale("zh"):  # the card is for residents: Chinese whoever prints it
        labels = {
            "title": _("Grid worker ID card"),
            "photo": _("Photo"),
            "name": _("Name"),
            "position": _("Position"),
            "grid": _("Assigned grid"),
            "scan": _("Scan to check this card"),
            "serial": _("No."),
            "until": _("Valid until"),
        }
    key = hashlib.sha1(f"{VERSION}|{issuer}|{sorted(labels.items())}".encode()).hexdigest()[:16]
    path = pdf.drawn_dir() / f"card-{key}.png"  # a folder the PDF fetcher reads
    if not path.is_file():
        _check_glyphs(issuer)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        _draw(issuer, labels).save(temporary, "PNG", optimize=True)
        os.replace(temporary, path)  # the helper process may draw it at the same moment
    return path


def _check_glyphs(text: str) -> None:
    """Pillow prints a missing character as a box without a word: check the issuer's
    characters against the font (the labels are ours, and covered). The card's page names
    them to the user (printing.face_problems)."""
    missing = pdf.missing_glyphs(text)
    if missing and current_app.config["PDF_STRICT_GLYPHS"]:
        raise pdf.MissingGlyphError(f"no glyph for {''.join(missing)!r} in the card font")


def _draw(issuer: str, labels: dict[str, str]) -> Image.Image:
    image = Image.new("RGB", (_mm(WIDTH), _mm(HEIGHT)), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    small, label = _font("Regular", 6), _font("Regular", 5.5)

    # Head band: issuer and title, white on red; a thin band closes the card at the bottom.
    draw.rectangle((0, 0, _mm(WIDTH), _mm(11.5)), fill=RED)
    draw.rectangle((0, _mm(52.6), _mm(WIDTH), _mm(HEIGHT)), fill=RED)
    draw.text((_mm(4), _mm(3.9)), issuer, font=small, fill=(251, 233, 231), anchor="ls")
    _spaced(draw, (_mm(4), _mm(9.4)), labels["title"], _font("Bold", 11), _mm(0.9))

    # Photo frame; an empty frame says where to stick a photo when none was uploaded.
    x0, y0, x1, y1 = _mm(4), _mm(14), _mm(25), _mm(42)
    draw.rectangle((x0, y0, x1, y1), fill=(244, 246, 248))
    draw.rectangle((x0 - 5, y0 - 5, x1 + 4, y1 + 4), outline=(201, 209, 216), width=5)
    draw.text(
        ((x0 + x1) // 2, (y0 + y1) // 2),
        labels["photo"],
        font=_font("Regular", 6.5),
        fill=(138, 150, 161),
        anchor="mm",
    )

    for key, baseline in (("name", 15.5), ("position", 24.3), ("grid", 30.8)):
        draw.text((_mm(28), _mm(baseline)), labels[key], font=label, fill=GREY, anchor="ls")
    draw.text((_mm(73.8), _mm(34.0)), labels["scan"], font=label, fill=GREY, anchor="ms")

    draw.line((_mm(4), _mm(44.2), _mm(81.6), _mm(44.2)), fill=(221, 227, 232), width=5)
    draw.text((_mm(4), _mm(46.5)), labels["serial"], font=label, fill=GREY, anchor="ls")
    draw.text((_mm(81.6), _mm(46.5)), labels["until"], font=label, fill=GREY, anchor="rs")
    return image


def _spaced(draw: ImageDraw.ImageDraw, at: tuple[int, int], text: str, font, gap: int) -> None:
    """Text with letter spacing, white, from a left baseline point."""
    x, y = at
    for char in text:
        draw.text((x, y), char, font=font, fill=(255, 255, 255), anchor="ls")
        x += round(font.getlength(char)) + gap
