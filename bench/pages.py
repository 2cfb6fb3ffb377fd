"""Page figures: the phone's micro-grid page in bytes, and the zone's grid browser in seconds."""

from __future__ import annotations

import gzip
import re
import statistics
import time

from sqlalchemy import func, select

from .common import emit, signed_in_client


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def micro_grid_with(app, households: int = 50) -> int:
    """A micro-grid holding exactly `households` active households.

    Takes the one closest above and deactivates the surplus (this is the bench's own database).
    """
    from webapp.extensions import db
    from webapp.models import Household

    with app.app_context():
        count = func.count().label("n")
        grid_id = db.session.scalar(
            select(Household.grid_id)
            .where(Household.active)
            .group_by(Household.grid_id)
            .having(count >= households)
            .order_by(count)
            .limit(1)
        )
        surplus = db.session.scalars(
            select(Household)
            .where(Household.grid_id == grid_id, Household.active)
            .order_by(Household.id)
            .offset(households)
        ).all()
        for household in surplus:
            household.active = False
        db.session.commit()
        return grid_id


def run(app) -> None:
    client = signed_in_client(app, "admin")
    grid_id = micro_grid_with(app)
    page = client.get(f"/grids/{grid_id}")
    assert page.status_code == 200
    html = page.get_data()
    html_gz = gz(html)
    emit("page.microgrid.html_gz_bytes", html_gz, "bytes", 8192)

    statics = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    static_gz = sum(gz(client.get(url.decode()).get_data()) for url in statics)
    emit("page.first_visit_gz_bytes", html_gz + static_gz, "bytes", 30720)

    from webapp.extensions import db
    from webapp.models import Grid

    with app.app_context():
        root_id = db.session.scalar(select(Grid.id).where(Grid.parent_id.is_(None)))
    client.get(f"/grids/{root_id}")  # warm the caches once, as a running server would be
    times = []
    for _ in range(7):
        started = time.perf_counter()
        assert client.get(f"/grids/{root_id}").status_code == 200
        times.append(time.perf_counter() - started)
    emit("browser.zone.s", statistics.median(times), "s", 0.5)
