"""The green pass on paper: card size (85.6 × 54 mm), one per page or ten to an A4 sheet.

A pass is shown to strangers at a checkpoint and may be lost: it prints the masked name only,
with the enterprise, the validity window, the destination community and the QR code of the
public page (PUBLIC_BASE_URL/p/<code>), whose answer is what counts (a revocation shows there
at once; the paper cannot change).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app
from flask_babel import force_locale

from .. import codes, pdf
from ..cards.queries import names_of_grids
from ..identity import mask_name
from ..models import GreenPass
from .queries import enterprise_of

WIDTH, HEIGHT = 85.6, 54.0
SHEET = pdf.NUp(WIDTH, HEIGHT, columns=2, rows=5)
COMMUNITY_LEVEL = 2


@dataclass(frozen=True)
class PassFace:
    name: str  # masked
    enterprise: str
    community: str
    valid_from: str
    valid_until: str
    code: str  # grouped, as printed
    url: str
    qr: str = ""


def pass_url(code: str) -> str:
    """The absolute URL printed in the QR code: the stable public contract /p/<code>."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/p/{code}"


def faces_for(passes: list[GreenPass]) -> list[PassFace]:
    """The faces of these passes (their employees, filings and enterprises loaded)."""
    communities = {}
    for green_pass in passes:
        ids = green_pass.employee.grid.ancestor_ids
        communities[green_pass.id] = ids[COMMUNITY_LEVEL] if len(ids) > COMMUNITY_LEVEL else ids[-1]
    names = names_of_grids(set(communities.values()))
    return [
        PassFace(
            name=mask_name(p.employee.name),
            enterprise=enterprise_of(p).name,
            community=names.get(communities[p.id], ""),
            valid_from=p.valid_from.isoformat(),
            valid_until=p.valid_until.isoformat(),
            code=codes.display(p.code),
            url=pass_url(p.code),
        )
        for p in passes
    ]


def _ready(face: PassFace) -> PassFace:
    return replace(
        face,
        qr=pdf.qr_png_data_uri(face.url),
        name=pdf.printable(face.name),
        enterprise=pdf.printable(face.enterprise),
        community=pdf.printable(face.community),
    )


def render_pass(face: PassFace) -> bytes:
    """One pass on one page of card size."""
    with force_locale("zh"):  # shown at a checkpoint of the zone: Chinese whoever prints it
        return pdf.render_pdf("green_pass.html", passes=[_ready(face)], title=face.code)


def render_sheet(faces: list[PassFace], title: str) -> bytes:
    """A4 sheets of ten passes with crop marks (standard 10-up card stock)."""
    with force_locale("zh"):
        return pdf.render_pdf(
            "green_pass_sheet.html", layout=SHEET, passes=[_ready(f) for f in faces], title=title
        )
