"""What goes on a micro-grid's QR poster, and the PDF: one A4 page per micro-grid.

The poster hangs in the stairwell: the micro-grid's name and place, a large QR code of its
public page (the printed contract /r/<code>), the leader's name and masked phone, and three
lines on what residents can send. Faces are plain, picklable data made in bulk, so that a
batch can hand them to a helper process (webapp/posters/batch.py), as the cards' batch does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from .. import pdf
from ..extensions import db
from ..identity import mask_phone
from ..models import POSITIONS, ROLES, Grid, Worker

# At most this many people named on a poster: room for the QR code comes first.
LEADERS_SHOWN = 2


@dataclass(frozen=True)
class Leader:
    name: str
    position: str
    phone: str  # masked: 138****8001


@dataclass(frozen=True)
class PosterFace:
    name: str
    place: str
    code: str
    url: str
    leaders: tuple[Leader, ...]
    qr: str = ""  # filled in just before rendering, by whichever process renders


def public_url(code: str) -> str:
    """The absolute URL in the QR code: the micro-grid's public page, a printed contract."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/r/{code}"


def _leads(worker: Worker) -> bool:
    return "micro_leader" in (worker.positions or [])


def _leaders(workers: list[Worker]) -> tuple[Leader, ...]:
    """The micro-grid leaders (微网格长); when none is named, the micro-grid's workers."""
    chosen = [w for w in workers if _leads(w)] or workers
    return tuple(
        Leader(
            w.name,
            str(POSITIONS["micro_leader"] if _leads(w) else ROLES["worker"]),
            mask_phone(w.phone),
        )
        for w in chosen[:LEADERS_SHOWN]
    )


def faces_for(grid_ids: list[int]) -> list[PosterFace]:
    """The posters of these micro-grids, in the order given, in three queries whatever their
    number (the grids, their ancestors' names, their workers)."""
    if not grid_ids:
        return []
    grids = {g.id: g for g in db.session.scalars(select(Grid).where(Grid.id.in_(grid_ids)))}
    above = {i for g in grids.values() for i in g.ancestor_ids[1:-1]}
    names = (
        dict(db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(above))).all())
        if above
        else {}
    )
    workers: dict[int, list[Worker]] = {}
    for worker in db.session.scalars(
        select(Worker).where(Worker.scope_id.in_(grid_ids), Worker.active).order_by(Worker.id)
    ):
        workers.setdefault(worker.scope_id, []).append(worker)
    faces = []
    with force_locale("zh"):  # the poster is for residents: Chinese whoever prints it
        for grid_id in grid_ids:
            grid = grids[grid_id]
            # The place below the zone and above the micro-grid: 江南街道 · 湖海塘社区 · 第一网格.
            place = " · ".join(names[i] for i in grid.ancestor_ids[1:-1] if i in names)
            faces.append(
                PosterFace(
                    name=grid.name,
                    place=place,
                    code=grid.code,
                    url=public_url(grid.code),
                    leaders=_leaders(workers.get(grid_id, [])),
                )
            )
    return faces


def render_posters(faces: list[PosterFace], target: str | Path | None = None) -> bytes | None:
    """A4 posters, one page each, as one PDF (bytes, or written to `target`)."""
    faces = [replace(f, qr=pdf.qr_png_data_uri(f.url)) for f in faces]
    with force_locale("zh"):
        return pdf.render_pdf("poster.html", target, posters=faces, title=faces[0].name)
