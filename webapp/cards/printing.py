"""What goes on a card, and the PDFs: one card at card size, or A4 sheets of ten.

Card faces are plain data (CardFace), made from the database in bulk and picklable, so a
batch can hand them to a helper process that renders while this one reads the next part.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import codes, pdf, photos
from ..extensions import db
from ..models import Card, Grid, Worker
from .chrome import HEIGHT, WIDTH, chrome_path
from .queries import grid_path_names, held_positions, names_of_grids, root_name

# Standard 10-up card stock: an A4 sheet of cards 2 across and 5 down.
SHEET = pdf.NUp(WIDTH, HEIGHT, columns=2, rows=5)
# A batch's part is laid out this many cards (two sheets) at a time, its bar moving after each.
PROGRESS_STEP = 20

# The text boxes of templates/pdf/card.html (mm) and the sizes their text steps down through
# to fit: (CSS class, points, lines). A name takes the largest size at which it fits its box
# on one line, else two lines of the smallest; 阿卜杜热西提·阿卜杜克力木 (13 characters) fits
# at 7 pt. The classes are the template's; the last one of each list is the fallback.
TEXT_WIDTH = 34.0
NAME_SIZES = (
    ("n13", 13, 1),
    ("n11", 11, 1),
    ("n10", 10, 1),
    ("n9", 9, 1),
    ("n8", 8, 1),
    ("n7", 7, 1),
    ("n7x2", 7, 2),
    ("n6x2", 6, 2),
)
POSITION_SIZES = (("p8", 8, 1), ("p7", 7, 1), ("p6", 6, 1), ("p5", 5.5, 1), ("p5x2", 5.5, 2))
GRID_SIZES = (("g65", 6.5, 3), ("g6", 6, 4), ("g55", 5.5, 4))
GRID_SEPARATOR = " › "
POSITION_SEPARATOR = "、"  # as queries.held_positions joins them


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
    # The size step of each text box (NAME_SIZES, POSITION_SIZES, GRID_SIZES).
    name_fit: str = "n13"
    position_fit: str = "p8"
    grid_fit: str = "g65"

    @property
    def grid_parts(self) -> list[str]:
        """The grid path's names: each is kept whole on a line, the breaks come between."""
        return self.grid_path.split(GRID_SEPARATOR)

    @property
    def position_parts(self) -> list[str]:
        """The positions held, each kept whole on a line."""
        return self.position.split(POSITION_SEPARATOR)


def _lines(parts: list[str], points: float, width: float, separator: str) -> int:
    """How many lines `parts` take when broken only between parts (each part kept whole)."""
    lines, used = 1, 0.0
    gap = pdf.text_width_mm(separator, points)
    for part in parts:
        wide = pdf.text_width_mm(part, points)
        if used and used + gap + wide > width:
            lines, used = lines + 1, wide
        else:
            used += (gap if used else 0) + wide
    return lines


def fit(
    parts: list[str], sizes: tuple, width: float = TEXT_WIDTH, separator: str = GRID_SEPARATOR
) -> str:
    """The first size step at which `parts` fit `width` in the step's lines (a single name
    is one part: it wraps anywhere, so two lines hold twice the width)."""
    for name, points, lines in sizes:
        if len(parts) == 1 and pdf.text_width_mm(parts[0], points) <= width * lines * 0.98:
            return name
        if len(parts) > 1 and _lines(parts, points, width * 0.98, separator) <= lines:
            return name
    return sizes[-1][0]


def fitted(face: CardFace) -> CardFace:
    """The face with its size steps chosen (faces_for does it; tests call it on made faces)."""
    return replace(
        face,
        name_fit=fit([face.name], NAME_SIZES),
        position_fit=fit(face.position_parts, POSITION_SIZES, separator=POSITION_SEPARATOR),
        grid_fit=fit(face.grid_parts, GRID_SIZES),
    )


def face_problems(face: CardFace) -> list[str]:
    """What would not print whole on this card: which characters, in which field."""
    with force_locale("zh"):
        labels = (_("Name"), _("Position"), _("Assigned grid"), _("Issuer"))
    texts = (face.name, face.position, face.grid_path, face.issuer)
    return pdf.unprintable(dict(zip(labels, texts, strict=True)))


def base_url_warning() -> str | None:
    """A warning when the QR codes would point at this machine or a private network: a
    resident's phone scanning the card could not open the page."""
    base = current_app.config["PUBLIC_BASE_URL"]
    host = urlsplit(base).hostname or ""
    try:
        address = ipaddress.ip_address(host)
        private = address.is_loopback or address.is_private or address.is_link_local
    except ValueError:
        private = host == "localhost" or host.endswith((".localhost", ".local", ".lan"))
    if not private:
        return None
    return _(
        "The QR codes point at %(url)s, an address of this machine or a private network: a"
        " resident's phone cannot open it. Set PUBLIC_BASE_URL to the office's public address"
        " before printing.",
        url=base,
    )


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
                fitted(
                    CardFace(
                        issuer=issuer,
                        name=worker.name,
                        position=held_positions(worker),
                        grid_path=grid_path_names(grid, names),
                        serial=codes.display(card.serial),
                        valid_until=card.valid_until.isoformat(),
                        photo_url=photo.as_uri()
                        if worker.photo_version and photo.is_file()
                        else None,
                        verify_url=verify_url(card.serial),
                    )
                )
            )
    return faces


def _ready(face: CardFace) -> CardFace:
    """The face as it prints: its QR code drawn, a character without a glyph marked 〓 (the
    print pages name it: face_problems, print_problems)."""
    return replace(
        face,
        qr=pdf.qr_png_data_uri(face.verify_url),
        name=pdf.printable(face.name),
        position=pdf.printable(face.position),
        grid_path=pdf.printable(face.grid_path),
    )


def render_card(face: CardFace) -> bytes:
    """One card on one page of 85.6 × 54 mm."""
    face = _ready(face)
    chrome = chrome_path(face.issuer).as_uri()
    with force_locale("zh"):
        return pdf.render_pdf("card.html", cards=[face], chrome=chrome, title=face.name)


def render_sheets(
    faces: list[CardFace],
    target: str | Path,
    title: str = "",
    laid_out: Callable[[int], None] | None = None,
) -> int:
    """A4 sheets of ten cards written to `target`; returns the number of cards.

    Laid out PROGRESS_STEP cards at a time: `laid_out(n)` hears how many are laid out so far.
    """
    faces = [_ready(f) for f in faces]
    chrome = chrome_path(faces[0].issuer).as_uri()  # one issuer, the zone, for every face
    steps = [faces[i : i + PROGRESS_STEP] for i in range(0, len(faces), PROGRESS_STEP)]
    with force_locale("zh"):
        htmls = (
            render_template(
                "pdf/cards_sheet.html", layout=SHEET, cards=step, chrome=chrome, title=title
            )
            for step in steps
        )

        def step_done(number: int) -> None:
            if laid_out is not None:
                laid_out(min(number * PROGRESS_STEP, len(faces)))

        pdf.write_pdf_in_steps(htmls, target, step_done)
    return len(faces)
