"""PDFs from HTML templates under templates/pdf/. The only module that imports WeasyPrint.

Chinese needs a CJK font on every machine, including a fresh server with none installed: the app
ships a subset of Noto Sans CJK SC (webapp/fonts/, SIL OFL) and the templates load it with
@font-face from a relative URL. Nothing is fetched from outside the app: the URL fetcher only
reads files under the app's own folders (fonts, photos) and data: URLs.

A character missing from the font prints as an empty box while text extraction still finds it,
so WeasyPrint's ".notdef glyph rendered" warning is turned into MissingGlyphError when the app
is configured with PDF_STRICT_GLYPHS (the tests do).
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlparse

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .config import ROOT

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


def fetcher() -> LocalOnlyFetcher:
    return LocalOnlyFetcher(
        [FONT_DIR, ROOT / "templates" / "pdf", ROOT / "static", Path(current_app.instance_path)]
    )


def new_font_config() -> FontConfiguration:
    """A FontConfiguration to share between the documents of a batch (the fonts load once)."""
    return FontConfiguration()


_per_thread = threading.local()


def _thread_font_config() -> FontConfiguration:
    # Loading the two CJK fonts takes about 3 s, rendering a page a tenth of that: keep one
    # configuration per thread (WeasyPrint's is not meant to be shared across threads).
    if getattr(_per_thread, "font_config", None) is None:
        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


def write_pdf(
    html: str,
    target: str | Path | BinaryIO | None = None,
    font_config: FontConfiguration | None = None,
) -> bytes | None:
    """Render `html` to a PDF (bytes, or written to `target`)."""
    font_config = font_config or _thread_font_config()
    fonts_css = CSS(string=_font_faces(), font_config=font_config, url_fetcher=fetcher())
    with _watch_glyphs():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher())
        return document.write_pdf(target, stylesheets=[fonts_css], font_config=font_config)


def render_pdf(template: str, target=None, font_config=None, **context) -> bytes | None:
    """Render templates/pdf/<template> with `context` to a PDF."""
    return write_pdf(render_template(f"pdf/{template}", **context), target, font_config)


def _font_faces() -> str:
    faces = []
    for weight, name in ((400, "Regular"), (700, "Bold")):
        url = (FONT_DIR / f"NotoSansSC-{name}.subset.woff2").as_uri()
        faces.append(
            f'@font-face{{font-family:"Gridwork CJK";font-weight:{weight};src:url("{url}")}}'
        )
    return "".join(faces)
