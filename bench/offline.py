"""`sw.gz_bytes`: the service worker as a phone downloads it, gzipped (budget 3 KB).

Needs no data: `python -m bench.offline` prints the figure on its own."""

from __future__ import annotations

from .common import emit
from .pages import gz

BUDGET = 3072


def run(app) -> None:
    response = app.test_client().get("/sw.js")
    assert response.status_code == 200, response.status_code
    emit("sw.gz_bytes", gz(response.get_data()), "bytes", BUDGET)


if __name__ == "__main__":
    from webapp import create_app

    run(create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
