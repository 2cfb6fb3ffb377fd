"""What goes on a card, and the PDFs: one card at card size, or A4 sheets of ten.

Card faces are plain data (CardFace), made from the database in bulk and picklable, so a
batch can hand them to a helper process that renders while this one reads the next part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from .. import codes, pdf, photos
from ..extensions import db
from ..models import Card, Grid, Worker
from .chrome import HEIGHT, WIDTH, chrome_path
from .queries import grid_path_names, held_positions, names_of_grids, root_name

# Standard 10-up card stock: an A4 sheet of cards 2 across and 5 down.
SHEET = pdf.NUp(WIDTH, HEIGHT, columns=2, rows=5)


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
                    serial=codes.display(card.serial),
                    valid_until=card.valid_until.isoformat(),
                    photo_url=photo.as_uri() if worker.photo_version and photo.is_file() else None,
                    verify_url=verify_url(card.serial),
                )
            )
    return faces


def render_card(face: CardFace) -> bytes:
    """One card on one page of 85.6 × 54 mm."""
    face = replace(face, qr=pdf.qr_png_data_uri(face.verify_url))
    chrome = chrome_path(face.issuer).as_uri()
    with force_locale("zh"):
        return pdf.render_pdf("card.html", cards=[face], chrome=chrome, title=face.name)


def render_sheets(faces: list[CardFace], target: str | Path, title: str = "") -> int:
    """A4 sheets of ten cards written to `target`; returns the number of cards."""
    faces = [replace(f, qr=pdf.qr_png_data_uri(f.verify_url)) for f in faces]
    chrome = chrome_path(faces[0].issuer).as_uri()  # one issuer, the zone, for every face
    with force_locale("zh"):
        pdf.render_pdf(
            "cards_sheet.html", target, layout=SHEET, cards=faces, chrome=chrome, title=title
        )
    return len(faces)
