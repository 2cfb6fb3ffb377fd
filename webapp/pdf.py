"""The printing kit: PDFs from HTML templates under templates/pdf/, QR codes, and sheets of
several items with crop marks (NUp, with templates/pdf/_nup.html). The only module that imports
WeasyPrint.

Chinese needs a CJK font on every machine, including a fresh server with none installed: the app
ships a subset of Noto Sans CJK SC (webapp/fonts/, SIL OFL), declared to every document as the
font family "Gridwork CJK" by an @font-face of the file itself. Nothing is fetched from outside
the app: the URL fetcher only reads data: URLs and files under the app's own folders (fonts,
templates/pdf, static), the photo folder and the images the app draws for its PDFs; never the
rest of the instance folder, which holds the secret key and the SQLite file.

A character missing from the font prints as an empty box while text extraction still finds it,
so WeasyPrint's ".notdef glyph rendered" warning is turned into MissingGlyphError when the app
is configured with PDF_STRICT_GLYPHS (the tests do).
"""

from __future__ import annotations

import atexit
import base64
import gc
import logging
import struct
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlparse

import segno
from flask import current_app, render_template
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
    with _fonts_lock, _watch_glyphs():
        font_config = _font_config()
        fonts_css = CSS(string=_font_faces(), font_config=font_config, url_fetcher=fetcher())
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher())
        return document.write_pdf(target, stylesheets=[fonts_css], font_config=font_config)


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
