"""What goes on a card, and the PDFs: one card at card size, or A4 sheets of ten.

Card faces are plain data (CardFace), made from the database in bulk and picklable, so a
batch can hand them to a helper process that renders while this one reads the next part.
"""

from __future__ import annotations

import atexit
import base64
import gc
import struct
import threading
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import segno
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from .. import pdf, photos
from ..extensions import db
from ..models import Card, Grid, Worker
from .chrome import chrome_path
from .queries import display_serial, grid_path_names, held_positions, names_of_grids, root_name

SHEET = 10  # cards on an A4 sheet: 2 across, 5 down


@dataclass(frozen=True)
class CardFace:
    issuer: str
    name: str
    position: str
    grid_path: str
    serial: str
    valid_until: str
    photo_url: str | None
    verify_url: str
    qr: str = ""  # filled in just before rendering, by whichever process renders


def verify_url(serial: str) -> str:
    """The absolute URL printed in the QR code: the stable public contract /v/<serial>."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/v/{serial}"


def faces_for(card_ids: list[int]) -> list[CardFace]:
    """The faces of these cards, in the order given, in three queries whatever their number."""
    if not card_ids:
        return []
    rows = db.session.execute(
        select(Card, Worker, Grid)
        .join(Worker, Card.worker_id == Worker.id)
        .join(Grid, Worker.scope_id == Grid.id)
        .where(Card.id.in_(card_ids))
    ).all()
    by_id = {card.id: (card, worker, grid) for card, worker, grid in rows}
    names = names_of_grids({i for _, _, grid in rows for i in grid.ancestor_ids})
    issuer = current_app.config["CARD_ISSUER"] or root_name()
    faces = []
    with force_locale("zh"):  # the card is for residents: Chinese whoever prints it
        for card_id in card_ids:
            card, worker, grid = by_id[card_id]
            photo = photos.photo_path(worker)
            faces.append(
                CardFace(
                    issuer=issuer,
                    name=worker.name,
                    position=held_positions(worker),
                    grid_path=grid_path_names(grid, names),
                    serial=display_serial(card.serial),
                    valid_until=card.valid_until.isoformat(),
                    photo_url=photo.as_uri() if worker.photo_version and photo.is_file() else None,
                    verify_url=verify_url(card.serial),
                )
            )
    return faces


def qr_data_uri(url: str) -> str:
    """The QR code as a data: URI of a tiny 8-bit greyscale PNG, one pixel per module.

    The template scales it up with image-rendering: pixelated (sharp modules, no blur). The
    PNG is written by hand from segno's matrix because WeasyPrint embeds a greyscale PNG as
    it is, while segno's palette PNG is decoded and re-encoded for every card: on 14,406
    cards that is most of a minute.
    """
    qr = segno.make_qr(url, error="m")
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


# Loading the two CJK fonts takes seconds; a process keeps one FontConfiguration for all its
# PDFs. WeasyPrint objects are not meant to be shared between threads, hence the lock.
_fonts = None
_fonts_lock = threading.Lock()


def _font_config():
    global _fonts
    if _fonts is None:
        _fonts = pdf.new_font_config()
        atexit.register(_forget_fonts)
    return _fonts


def _forget_fonts() -> None:
    # Freed during interpreter shutdown, after cffi has torn down Pango, the FontConfiguration
    # crashes the process (SIGSEGV, exit status 139); free it while everything still stands.
    global _fonts
    _fonts = None
    gc.collect()


def render_card(face: CardFace) -> bytes:
    """One card on one page of 85.6 × 54 mm."""
    face = replace(face, qr=qr_data_uri(face.verify_url))
    chrome = chrome_path(face.issuer).as_uri()
    with _fonts_lock, force_locale("zh"):
        return pdf.render_pdf(
            "card.html", None, _font_config(), cards=[face], chrome=chrome, title=face.name
        )


def render_sheets(faces: list[CardFace], target: str | Path, title: str = "") -> int:
    """A4 sheets of ten cards written to `target`; returns the number of cards."""
    faces = [replace(f, qr=qr_data_uri(f.verify_url)) for f in faces]
    sheets = [faces[i : i + SHEET] for i in range(0, len(faces), SHEET)]
    chrome = chrome_path(faces[0].issuer).as_uri()  # one issuer, the zone, for every face
    with _fonts_lock, force_locale("zh"):
        pdf.render_pdf(
            "cards_sheet.html",
            target,
            _font_config(),
            sheets=sheets,
            chrome=chrome,
            title=title,
        )
    return len(faces)
