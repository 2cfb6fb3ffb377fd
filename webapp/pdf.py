"""The printing kit: PDFs from HTML templates under templates/pdf/, QR codes, and sheets of
several items with crop marks (NUp, with templates/pdf/_nup.html). The only module that imports
WeasyPrint.

Chinese needs a CJK font on every machine, including a fresh server with none installed: the app
ships a subset of Noto Sans CJK SC (webapp/fonts/, SIL OFL), declared to every document as the
font family "Gridwork CJK" by an @font-face of the file itself. Nothing is fetched from outside
the app: the URL fetcher only reads data: URLs and files under the app's own folders (fonts,
templates/pdf, static), the photo folder and the images the app draws for its PDFs; never the
rest of the instance folder, which holds the secret key and the SQLite file.

The subset holds Latin, punctuation, the basic CJK block, the whole of Extension A and every
Extension B–G character Noto Sans CJK SC has (刘䶮, 李𬌗, the village 㳇溪村); coverage.json,
made with it, lists the code points it covers, so a name can be checked when it is saved and
on the print page (missing_glyphs, unprintable) without opening the fonts.

A character missing from the font prints as an empty box while text extraction still finds it,
so WeasyPrint's ".notdef glyph rendered" warning is turned into MissingGlyphError when the app
is configured with PDF_STRICT_GLYPHS (the tests do). Cards print 〓 in its place (printable).
"""

from __future__ import annotations

import atexit
import base64
import bisect
import functools
import gc
import json
import logging
import struct
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlparse

import segno
from flask import current_app, flash, render_template
from flask_babel import gettext as _
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .config import ROOT
from .photos import photos_dir

FONT_DIR = Path(__file__).resolve().parent / "fonts"
BASE_URL = str(ROOT / "templates" / "pdf") + "/"


class MissingGlyphError(RuntimeError):
    """A character had no glyph in the PDF font and would print as an empty box."""


class LocalOnlyFetcher(URLFetcher):
    """Fetch data: URLs and files under the app's folders; refuse everything else."""

    def __init__(self, allowed_dirs: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.allowed = [d.resolve() for d in allowed_dirs]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path.is_relative_to(d) for d in self.allowed):
                raise ValueError(f"outside the app: {url}")
        return super().fetch(url, headers)


class _GlyphWatch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if ".notdef glyph" in record.getMessage():
            self.missing.append(record.getMessage())


@contextmanager
def _watch_glyphs():
    watch = _GlyphWatch()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(watch)
    try:
        yield watch
    finally:
        logger.removeHandler(watch)
    if watch.missing and current_app.config["PDF_STRICT_GLYPHS"]:
        raise MissingGlyphError("; ".join(watch.missing[:5]))


@functools.cache
def _coverage() -> tuple[list[int], list[int], dict[int, int]]:
    data = json.loads((FONT_DIR / "coverage.json").read_text())
    starts = [start for start, _end in data["ranges"]]
    ends = [end for _start, end in data["ranges"]]
    return starts, ends, {int(point): width for point, width in data["widths"].items()}


def has_glyph(char: str) -> bool:
    """Whether the PDF font (both weights) draws `char`."""
    starts, ends, _widths = _coverage()
    point = ord(char)
    index = bisect.bisect_right(starts, point) - 1
    return index >= 0 and point <= ends[index]


def _drawn(char: str) -> bool:
    # Spaces, controls, joiners and variation selectors print nothing of their own.
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Mn", "Zs")


def missing_glyphs(text: str | None) -> list[str]:
    """The characters of `text` the PDF font has no glyph for, once each, in order."""
    missing: list[str] = []
    for char in text or "":
        if char not in missing and _drawn(char) and not has_glyph(char):
            missing.append(char)
    return missing


# The typesetter's mark for a character the type case lacks (geta, 〓): printed in its place, a
# gap is seen and can be written in by hand, where the font's empty box would read as a space.
MISSING_MARK = "\u3013"


def printable(text: str) -> str:
    """`text` with each character the PDF font cannot draw replaced by MISSING_MARK."""
    missing = missing_glyphs(text)
    return "".join(MISSING_MARK if char in missing else char for char in text) if missing else text


def describe_chars(chars: Iterable[str]) -> str:
    """'𪚥 (U+2A6A5)、…': the characters and their code points, for a message."""
    return "、".join(f"{char} (U+{ord(char):04X})" for char in chars)


def unprintable(fields: dict[str, str | None]) -> list[str]:
    """One message per field (label → text) with characters the PDF font cannot print."""
    messages = []
    for label, text in fields.items():
        if missing := missing_glyphs(text):
            messages.append(
                _(
                    "%(field)s “%(text)s”: %(chars)s has no glyph in the print font and will"
                    " not print (a card shows 〓 in its place).",
                    field=label,
                    text=text,
                    chars=describe_chars(missing),
                )
            )
    return messages


def warn_unprintable(fields: dict[str, str | None]) -> None:
    """After a save: a warning (the save stands) for each field that would not print whole."""
    for message in unprintable(fields):
        flash(message, "warning")


def text_width_mm(text: str, points: float) -> float:
    """How wide `text` is set in the Bold PDF font at `points`, in millimetres (no kerning:
    CJK has none, and a name is mostly CJK)."""
    _starts, _ends, widths = _coverage()
    units = sum(widths.get(ord(char), 1000) for char in text)
    return units / 1000 * points * 25.4 / 72


def drawn_dir() -> Path:
    """Where the app keeps the images it draws for its PDFs (a card's background)."""
    path = Path(current_app.instance_path) / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetcher() -> LocalOnlyFetcher:
    # Folders, not the instance folder as a whole: a URL made from what a user typed (or a
    # template mistake) must not print the secret key or the database on a card.
    return LocalOnlyFetcher(
        [FONT_DIR, ROOT / "templates" / "pdf", ROOT / "static", photos_dir(), drawn_dir()]
    )


# Loading the two CJK fonts takes about 3 s, rendering a page a tenth of that: a process keeps
# one FontConfiguration for all its PDFs (a batch of cards renders thousands). WeasyPrint's
# objects are not meant to be used by two threads at once, so every PDF renders under the lock,
# which also keeps each render's glyph watch (on WeasyPrint's one logger) to its own warnings.
# One per process behind a lock rather than one per thread: rendering holds the GIL, so two
# threads would not finish sooner side by side, while each would load the fonts again and keep
# its own copy; one object is also easy to free before shutdown (_free_fonts). The cost: a PDF
# asked for while a batch renders in-process waits for the part in hand (a few seconds).
_fonts: FontConfiguration | None = None
_fonts_lock = threading.Lock()


def _font_config() -> FontConfiguration:
    # Called with _fonts_lock held.
    global _fonts
    if _fonts is None:
        _fonts = FontConfiguration()
        atexit.register(_free_fonts)
    return _fonts


def _free_fonts() -> None:
    # Freed during interpreter shutdown, after cffi has torn down Pango, the FontConfiguration
    # crashes the process (SIGSEGV, exit status 139); free it while everything still stands.
    # Without the lock: a daemon thread still rendering would hang the exit, and it holds a
    # reference of its own anyway.
    global _fonts
    _fonts = None
    gc.collect()


def write_pdf(html: str, target: str | Path | BinaryIO | None = None) -> bytes | None:
    """Render `html` to a PDF (bytes, or written to `target`)."""
    return write_pdf_in_steps([html], target)


def write_pdf_in_steps(
    htmls: Iterable[str],
    target: str | Path | BinaryIO | None = None,
    laid_out: Callable[[int], None] | None = None,
) -> bytes | None:
    """One PDF of several HTML documents' pages, in order, with the first one's title.

    Each is laid out in turn and `laid_out(n)` hears after the n-th: a batch's progress bar
    moves every few sheets while one PDF of 200 cards renders. The PDF is written once, so it
    embeds one subset of each font, not one per step.
    """
    with _fonts_lock, _watch_glyphs():
        font_config = _font_config()
        fonts_css = CSS(string=_font_faces(), font_config=font_config, url_fetcher=fetcher())
        documents = []
        for number, html in enumerate(htmls, 1):
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher())
            documents.append(document.render(stylesheets=[fonts_css], font_config=font_config))
            if laid_out is not None:
                laid_out(number)
        if len(documents) == 1:
            return documents[0].write_pdf(target)
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf(target)


def render_pdf(
    template: str, target: str | Path | BinaryIO | None = None, **context
) -> bytes | None:
    """Render templates/pdf/<template> with `context` to a PDF."""
    return write_pdf(render_template(f"pdf/{template}", **context), target)


def _font_faces() -> str:
    faces = []
    for weight, name in ((400, "Regular"), (700, "Bold")):
        url = (FONT_DIR / f"NotoSansSC-{name}.subset.woff2").as_uri()
        faces.append(
            f'@font-face{{font-family:"Gridwork CJK";font-weight:{weight};src:url("{url}")}}'
        )
    return "".join(faces)


def qr_png_data_uri(text: str) -> str:
    """`text` as a QR code (error correction M): a data: URI of a tiny 8-bit greyscale PNG, one
    pixel per module.

    The template scales it up with image-rendering: pixelated (sharp modules, no blur). The
    PNG is written by hand from segno's matrix because WeasyPrint embeds a greyscale PNG as
    it is, while segno's palette PNG is decoded and re-encoded for every image: on 14,406
    cards that is most of a minute.
    """
    qr = segno.make_qr(text, error="m")
    rows = b"".join(b"\0" + bytes(0 if dark else 255 for dark in row) for row in qr.matrix)
    size = len(qr.matrix)
    png = b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)),
            _png_chunk(b"IDAT", zlib.compress(rows, 9)),
            _png_chunk(b"IEND", b""),
        )
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


A4 = (210.0, 297.0)  # mm


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in millimetres from its top-left corner."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class NUp:
    """Items of one size (cards, passes, stickers) `columns` across and `rows` down on each
    page, butted together and centred, as on pre-cut stock; templates/pdf/_nup.html draws it.

    A crop mark sits in the margin at both ends of every cut line, MARK_GAP short of the items
    so that no mark shows on a cut item.
    """

    item_width: float  # mm
    item_height: float
    columns: int
    rows: int
    page: tuple[float, float] = A4

    MARK_LENGTH = 5.0
    MARK_GAP = 2.0
    MARK_THICKNESS = 0.15

    def __post_init__(self) -> None:
        room = self.MARK_GAP + self.MARK_LENGTH
        block = self.block
        if min(block.left, block.top) < room:
            raise ValueError(f"{self.columns} × {self.rows} items leave no room for crop marks")

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def block(self) -> Box:
        """Where the block of items sits on the page."""
        width, height = self.columns * self.item_width, self.rows * self.item_height
        return Box((self.page[0] - width) / 2, (self.page[1] - height) / 2, width, height)

    def cuts(self) -> tuple[list[float], list[float]]:
        """The cut lines: x of the vertical ones, y of the horizontal ones."""
        block = self.block
        xs = [block.left + i * self.item_width for i in range(self.columns + 1)]
        ys = [block.top + i * self.item_height for i in range(self.rows + 1)]
        return xs, ys

    def marks(self) -> list[Box]:
        """The crop marks: above and below each vertical cut, left and right of each
        horizontal one, centred on the line."""
        block, gap, length = self.block, self.MARK_GAP, self.MARK_LENGTH
        half = self.MARK_THICKNESS / 2
        above, below = block.top - gap - length, block.top + block.height + gap
        before, after = block.left - gap - length, block.left + block.width + gap
        xs, ys = self.cuts()
        vertical = [
            Box(x - half, top, self.MARK_THICKNESS, length) for x in xs for top in (above, below)
        ]
        horizontal = [
            Box(left, y - half, length, self.MARK_THICKNESS) for y in ys for left in (before, after)
        ]
        return vertical + horizontal


def page_counter() -> Markup:
    """The CSS `content` of the page numbers, "第 X 页 / 共 Y 页" in the reader's language.

    Built here because a .css template is not read for messages, and Jinja would escape the
    quotes of a CSS string in an HTML template.
    """
    text = _("Page %(page)s of %(pages)s", page="\x01", pages="\x02")
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return Markup(quoted.replace("\x01", '" counter(page) "').replace("\x02", '" counter(pages) "'))
