# ruff: noqa: F811  (the fixtures imported from test_checkpoints are parameters here)
"""A checkpoint's shift summary (item 8, printing): at the end of a shift the staff or a
supervisor prints it; the page and the PDF show the same figures, which equal direct counts."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime

from sqlalchemy import func, select

from tests.test_checkpoints import HX, arrival, at, checkpoint, tap  # noqa: F401
from webapp.extensions import db
from webapp.models import CheckpointCheck, Handover


def busy_shift(tree, login_as, at, checkpoint, app):
    """Worker A's day shift: taps at 9 and 10, a fever, a handover, a green-channel check."""
    client = login_as(tree.worker_a)
    at(9, 5)
    tap(client, checkpoint, "person.let_through", key="key-tap-00001")
    tap(client, checkpoint, "person.let_through", key="key-tap-00002")
    tap(client, checkpoint, "vehicle.turned_back", key="key-tap-00003")
    at(10, 30)
    tap(client, checkpoint, "person.isolation", key="key-tap-00004", temperature="38.0")
    client.post(f"/checkpoints/{checkpoint}/handover", data=arrival(destination="MA"))
    at(17)  # the evening shift: not in the day's summary
    tap(client, checkpoint, "person.turned_back", key="key-tap-00005")
    with app.app_context():
        # A green-channel passage, as the passes' let-through marks it.
        first = db.session.scalars(select(CheckpointCheck).order_by(CheckpointCheck.id)).first()
        first.green_channel = True
        db.session.commit()
    return client


def direct(app, **where) -> int:
    with app.app_context():
        stmt = (
            select(func.count())
            .select_from(CheckpointCheck)
            .where(
                CheckpointCheck.checked_at >= datetime(2027, 3, 1, 8),
                CheckpointCheck.checked_at < datetime(2027, 3, 1, 16),
                *(getattr(CheckpointCheck, k) == v for k, v in where.items()),
            )
        )
        return db.session.scalar(stmt)


def figure(page: str, name: str) -> int:
    return int(re.search(rf'id="sum-{name}">(\d+)<', page).group(1))


def test_the_staff_prints_the_shift_summary_and_its_figures_are_direct_counts(
    app, tree, login_as, at, checkpoint
):
    """The day shift's summary counts what a direct count of its checks gives."""
    client = busy_shift(tree, login_as, at, checkpoint, app)
    page = client.get(f"/checkpoints/{checkpoint}/summary?date=2027-03-01&shift=day")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert figure(body, "persons") == direct(app, kind="person") == 4
    assert figure(body, "vehicles") == direct(app, kind="vehicle") == 1
    assert figure(body, "fevers") == direct(app, fever=True) == 1
    assert figure(body, "green") == direct(app, green_channel=True) == 1
    with app.app_context():
        handed = db.session.scalar(select(func.count()).select_from(Handover))
    assert figure(body, "handovers") == handed == 1
    assert '<th class="label">09:00–10:00</th><td>2</td><td>1</td>' in body
    assert (
        '<th class="label">10:00–11:00</th><td>2</td><td class="zero">0</td><td>1</td><td>1</td>'
        in body
    )
    assert "赵网格" in body and "东入口卡口" in body and "白班" in body
    assert "送隔离点" in body and "劝返" in body
    partial = client.get(f"/checkpoints/{checkpoint}/summary?date=2027-03-01&shift=day", headers=HX)
    assert "<html" not in partial.get_data(as_text=True)


def test_the_pdf_says_what_the_page_says(app, tree, login_as, at, checkpoint):
    """The PDF's text holds the page's figures, hour by hour."""
    client = busy_shift(tree, login_as, at, checkpoint, app)
    url = f"/checkpoints/{checkpoint}/summary"
    body = client.get(f"{url}?date=2027-03-01&shift=day").get_data(as_text=True)
    pdf = client.get(f"{url}/pdf?date=2027-03-01&shift=day")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    assert "东入口卡口" in text and "班次小结" in text
    assert re.search(r"09:00–10:00\s+2\s+1\s+0\s+0", text)
    assert re.search(r"10:00–11:00\s+2\s+0\s+1\s+1", text)
    for name in ("persons", "vehicles", "green", "fevers", "handovers"):
        assert str(figure(body, name)) in text
    assert "赵网格" in text


def test_a_bad_day_or_shift_says_why_and_others_cannot_print(app, tree, login_as, at, checkpoint):
    """A wrong date is a 422 in Chinese; a worker not on the checkpoint gets 404; the
    supervisor of its node prints it."""
    at(9)
    staff = login_as(tree.worker_a)
    bad = staff.get(f"/checkpoints/{checkpoint}/summary?date=tomorrow")
    assert bad.status_code == 422 and "2020-02-15" in bad.get_data(as_text=True)
    assert staff.get(f"/checkpoints/{checkpoint}/summary/pdf?shift=noon").status_code == 422
    assert login_as(tree.worker_b).get(f"/checkpoints/{checkpoint}/summary").status_code == 404
    # The checkpoint is the township's: the supervisor of 第一网格 is below it.
    assert login_as(tree.supervisor_a).get(f"/checkpoints/{checkpoint}/summary").status_code == 404
    assert login_as(tree.admin).get(f"/checkpoints/{checkpoint}/summary").status_code == 200
