"""Work ID cards: issue, reissue, revoke, expiry, the public check, and the printed PDFs."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp import clock, codes, jobs
from webapp.cards.printing import faces_for
from webapp.clock import today
from webapp.extensions import db
from webapp.models import Card, Job, Worker

from .conftest import add_worker

A4 = (595.276, 841.89)  # points
CARD = (242.646, 153.071)  # 85.6 × 54 mm in points


def cards_of(app, worker_id: int) -> list[Card]:
    with app.app_context():
        cards = db.session.scalars(
            select(Card).where(Card.worker_id == worker_id).order_by(Card.id)
        ).all()
        db.session.expunge_all()
        return cards


def issue(client, worker_id: int, valid_until: date | None = None):
    valid_until = valid_until or today() + timedelta(days=365)
    return client.post(
        f"/cards/workers/{worker_id}/issue", data={"valid_until": valid_until.isoformat()}
    )


def pdf_info(data: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def page_size(info: dict[str, str]) -> tuple[float, float]:
    width, _, height = info["Page size"].split()[:3]
    return float(width), float(height)


def embedded_fonts(data: bytes, tmp_path) -> list[list[str]]:
    """pdffonts rows: name, type, encoding, emb, sub, uni, ..."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def assert_cjk_font_embedded(data: bytes, tmp_path) -> None:
    fonts = embedded_fonts(data, tmp_path)
    cjk = [row for row in fonts if "Gridwork-CJK" in row[0]]
    assert cjk, fonts
    # Columns from the end: emb sub uni object-id generation.
    assert all(row[-5] == "yes" for row in cjk), fonts


def test_issue_gives_a_valid_card_with_an_unguessable_serial(tree, login_as, app):
    """A supervisor issues a card; its serial is 12 characters of Crockford base 32."""
    client = login_as(tree.supervisor_a)
    response = issue(client, tree.worker_a.id)
    assert response.status_code == 303
    (card,) = cards_of(app, tree.worker_a.id)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", card.serial)
    assert card.state(today()) == "valid"
    assert card.issued_by_id == tree.supervisor_a.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已签发" in page and card.serial[:4] in page


def test_reissue_revokes_the_old_serial(tree, login_as, app):
    """Issuing again revokes the card in force: the old serial checks as not valid."""
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    issue(client, tree.worker_a.id)
    old, new = cards_of(app, tree.worker_a.id)
    assert old.revoked_at is not None and old.revoke_reason == "replaced"
    assert new.revoked_at is None
    assert "无效" in client.get(f"/v/{old.serial}").get_data(as_text=True)
    assert "✓ 有效" in client.get(f"/v/{new.serial}").get_data(as_text=True)
    assert "由新卡替换" in client.get(f"/cards/workers/{tree.worker_a.id}").get_data(as_text=True)


def test_revoke_needs_a_reason_and_takes_effect_at_once(tree, login_as, app):
    """A revoke without a reason is refused; with one, the public page says not valid."""
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    (card,) = cards_of(app, tree.worker_a.id)
    refused = client.post(f"/cards/{card.id}/revoke", data={"reason": ""})
    assert refused.status_code == 422
    assert "请填写原因" in refused.get_data(as_text=True)
    assert client.post(f"/cards/{card.id}/revoke", data={"reason": "遗失"}).status_code == 303
    (card,) = cards_of(app, tree.worker_a.id)
    assert card.state(today()) == "revoked" and card.revoke_reason == "遗失"
    assert "无效" in client.get(f"/v/{card.serial}").get_data(as_text=True)


def test_validity_must_be_in_the_future(tree, login_as, app):
    """A card valid until yesterday, or ten years on, is refused with a message."""
    client = login_as(tree.supervisor_a)
    past = issue(client, tree.worker_a.id, today() - timedelta(days=1))
    assert past.status_code == 422 and "今天之后" in past.get_data(as_text=True)
    far = issue(client, tree.worker_a.id, today() + timedelta(days=3650))
    assert far.status_code == 422
    assert cards_of(app, tree.worker_a.id) == []


def test_deactivated_worker_gets_no_card(tree, login_as, app):
    """A deactivated worker cannot be issued a card, and their card checks as not valid."""
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    (card,) = cards_of(app, tree.worker_a.id)
    client.post(f"/workers/{tree.worker_a.id}/deactivate")
    assert issue(client, tree.worker_a.id).status_code == 422
    assert "无效" in client.get(f"/v/{card.serial}").get_data(as_text=True)


def add_card(app, worker_id: int, valid_until: date, serial: str, revoked: bool = False) -> None:
    with app.app_context():
        card = Card(serial=serial, worker_id=worker_id, valid_until=valid_until)
        if revoked:
            card.revoked_at, card.revoke_reason = today(), "遗失"
        db.session.add(card)
        db.session.commit()


def test_public_page_states(tree, client, app):
    """Valid and expired cards say so with the masked name; revoked ones say not valid."""
    add_card(app, tree.worker_a.id, today(), "VA11DVA11D00")
    add_card(app, tree.supervisor_a.id, today() - timedelta(days=1), "EXP1REDEXP1R")
    add_card(app, tree.worker_b.id, today() + timedelta(days=9), "REV0KEDREV0K", revoked=True)
    valid = client.get("/v/VA11DVA11D00")
    assert valid.status_code == 200 and "✓" in valid.get_data(as_text=True)
    assert "赵*格" in valid.get_data(as_text=True)
    expired = client.get("/v/EXP1REDEXP1R").get_data(as_text=True)
    assert "已过期" in expired and "王*任" in expired
    revoked = client.get("/v/REV0KEDREV0K").get_data(as_text=True)
    assert "无效" in revoked and "钱" not in revoked
    assert valid.headers["Cache-Control"] == "no-store"


def page_masking(response, *texts: str) -> str:
    """The page with each of `texts` and the CSRF token masked (the token is signed with the
    second it was made, so two pages a moment apart carry different ones)."""
    page = response.get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    for text in (token, *texts):
        page = page.replace(text, "X")
    return page


def test_unknown_serial_looks_exactly_like_a_revoked_one(tree, client, app):
    """The page for a serial never issued is the revoked page with another number."""
    add_card(app, tree.worker_b.id, today() + timedelta(days=9), "REV0KEDREV0K", revoked=True)
    revoked = client.get("/v/REV0KEDREV0K")
    unknown = client.get("/v/NEVER1SSVED0")
    assert revoked.status_code == unknown.status_code == 200
    assert page_masking(revoked, "REV0-KEDR-EV0K", "REV0KEDREV0K") == page_masking(
        unknown, "NEVE-R1SS-VED0", "NEVER1SSVED0"
    )


def test_serial_is_read_forgivingly(tree, client, app):
    """Lower case, dashes and look-alike letters (O for 0, I or L for 1) find the card."""
    add_card(app, tree.worker_a.id, today(), "VA11DVA11D00")
    assert codes.normalize("va1l-dva1i-doo") == "VA11DVA11D00"
    assert "赵*格" in client.get("/v/va1l-dva1i-doo").get_data(as_text=True)


def test_public_page_holds_no_personal_data(tree, client, app):
    """The public page shows the masked name, position and grid; no phone, no full name."""
    with app.app_context():
        worker = db.session.get(Worker, tree.worker_a.id)
        worker.positions = ["floor_leader"]
        db.session.commit()
    add_card(app, tree.worker_a.id, today(), "VA11DVA11D00")
    page = client.get("/v/VA11DVA11D00").get_data(as_text=True)
    assert "赵*格" in page and "楼道长" in page and "第一网格" in page and "1幢1单元" in page
    for secret in (tree.worker_a.name, tree.worker_a.phone, "photo", "兼职", "/workers/"):
        assert secret not in page


def test_public_check_is_rate_limited(tree, client, app, monkeypatch):
    """Past RATELIMIT_VERIFY a client gets 429 with a message, not the card."""
    monkeypatch.setitem(app.config, "RATELIMIT_VERIFY", "3 per minute")
    for _ in range(3):
        assert client.get("/v/NEVER1SSVED0").status_code == 200
    refused = client.get("/v/NEVER1SSVED0")
    assert refused.status_code == 429
    assert "尝试次数过多" in refused.get_data(as_text=True)


def test_card_pdf_is_card_sized_with_the_cjk_font_embedded(tree, login_as, app, tmp_path):
    """One card prints as one 85.6 × 54 mm page with the CJK font embedded, not boxes."""
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    (card,) = cards_of(app, tree.worker_a.id)
    response = client.get(f"/cards/{card.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF")
    info = pdf_info(data, tmp_path)
    assert info["Pages"].strip() == "1"
    assert page_size(info) == pytest.approx(CARD, abs=0.1)
    assert_cjk_font_embedded(data, tmp_path)


def test_a_card_prints_whatever_the_name_holds(tree, login_as, app):
    """A name that came in with a line break and a slash (an old register, say) still gives a
    file to download, named without them."""
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    (card,) = cards_of(app, tree.worker_a.id)
    with app.app_context():
        db.session.get(Worker, tree.worker_a.id).name = "赵\r\n网/格"
        db.session.commit()
    response = client.get(f"/cards/{card.id}.pdf")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "\n" not in disposition and "/" not in disposition.split("filename", 1)[1]


def test_a_revoked_card_does_not_print(tree, login_as, app):
    """Printing a revoked card sends the user back with a message."""
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    (card,) = cards_of(app, tree.worker_a.id)
    client.post(f"/cards/{card.id}/revoke", data={"reason": "遗失"})
    response = client.get(f"/cards/{card.id}.pdf", follow_redirects=True)
    assert "只有有效的工作证才能打印" in response.get_data(as_text=True)


def test_qr_code_holds_the_absolute_verification_url(tree, app, monkeypatch):
    """The QR is /v/<serial> under PUBLIC_BASE_URL."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://wg.example.cn/")
    add_card(app, tree.worker_a.id, today(), "VA11DVA11D00")
    with app.app_context():
        card_id = db.session.scalar(select(Card.id).where(Card.serial == "VA11DVA11D00"))
        (face,) = faces_for([card_id])
        assert face.verify_url == "https://wg.example.cn/v/VA11DVA11D00"
        assert face.serial == "VA11-DVA1-1D00" and face.name == "赵网格"
        assert face.grid_path == "江南街道 › 湖海塘社区 › 第一网格 › 1幢1单元"


def add_workers(app, grid_id: int, n: int) -> list[int]:
    with app.app_context():
        from webapp.models import Grid

        grid = db.session.get(Grid, grid_id)
        workers = [
            add_worker(f"网格员{i:02d}", f"1360000{i:04d}", "worker", grid) for i in range(n)
        ]
        db.session.commit()
        return [w.id for w in workers]


def run_batch(client, grid_id: int, **form) -> Job:
    data = {"issue": "y", "valid_until": (today() + timedelta(days=365)).isoformat(), **form}
    response = client.post(f"/cards/batch/{grid_id}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    jobs.wait_for_in_process_jobs()
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    with client.application.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
    return job


def test_batch_prints_ten_cards_to_an_a4_sheet(tree, login_as, app, tmp_path):
    """A subtree of 12 workers prints on two A4 sheets: ten, then two, fonts embedded."""
    add_workers(app, tree.micro_a.id, 10)  # with worker_a and supervisor_a's grid: 12
    client = login_as(tree.supervisor_a)
    job = run_batch(client, tree.grid_a.id)
    assert job.status == "done", job.error
    assert job.progress == job.total == 12
    assert job.result_name.endswith(".pdf") and "第一网格" in job.result_name
    data = client.get(f"/progress/{job.id}/download").get_data()
    assert data.startswith(b"%PDF")
    info = pdf_info(data, tmp_path)
    assert info["Pages"].strip() == "2"
    assert page_size(info) == pytest.approx(A4, abs=0.1)
    assert_cjk_font_embedded(data, tmp_path)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    with app.app_context():
        serials = db.session.scalars(select(Card.serial)).all()
    per_page = []
    for page in (1, 2):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), path, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        per_page.append(sum(f"{s[:4]}-{s[4:8]}-{s[8:]}" in text for s in serials))
    assert per_page == [10, 2]


def test_batch_page_lists_the_users_recent_batches(tree, login_as, app):
    """After a batch, its page links to the batch's progress, for the one who started it."""
    client = login_as(tree.supervisor_a)
    job = run_batch(client, tree.grid_a.id)
    page = client.get(f"/cards/batch/{tree.grid_a.id}").get_data(as_text=True)
    assert "最近的打印任务" in page and f"/progress/{job.id}" in page
    other = login_as(tree.admin).get(f"/cards/batch/{tree.grid_a.id}").get_data(as_text=True)
    assert f"/progress/{job.id}" not in other


def test_batch_issues_cards_only_to_those_without_one(tree, login_as, app):
    """A batch issues cards to workers without a valid card and keeps the others' serials."""
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    (kept,) = cards_of(app, tree.worker_a.id)
    job = run_batch(client, tree.grid_a.id)
    assert job.status == "done"
    assert [c.serial for c in cards_of(app, tree.worker_a.id)] == [kept.serial]
    assert len(cards_of(app, tree.supervisor_a.id)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Card)) == 3  # with card_b


def test_batch_without_issuing_prints_only_valid_cards(tree, login_as, app):
    """Unticking 'issue' prints only cards already valid; none at all is a clear failure,
    with a way back to the selection rather than a retry that would fail the same way."""
    client = login_as(tree.supervisor_a)
    job = run_batch(client, tree.grid_a.id, issue="")
    assert job.status == "failed" and "没有有效的工作证" in job.error
    page = client.get(f"/progress/{job.id}").get_data(as_text=True)
    assert "重试" not in page and "修改打印范围" in page


def test_batch_of_chosen_workers(tree, login_as, app, tmp_path):
    """Ticking workers prints just them."""
    ids = add_workers(app, tree.micro_a.id, 3)
    client = login_as(tree.supervisor_a)
    page = client.get(f"/cards/batch/{tree.grid_a.id}").get_data(as_text=True)
    assert "网格员01" in page
    job = run_batch(client, tree.grid_a.id, workers=[ids[0], ids[2]])
    assert job.status == "done" and job.total == 2
    assert len(cards_of(app, ids[1])) == 0


def test_batch_of_nobody_is_refused_on_the_form(tree, login_as):
    """A position nobody holds gives the form back with a message, and no job."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/cards/batch/{tree.grid_a.id}",
        data={"positions": ["unit_leader"], "valid_until": today().isoformat()},
    )
    assert response.status_code == 422
    assert "没有符合条件的网格员" in response.get_data(as_text=True)


def test_large_batch_comes_as_a_zip_of_parts(tree, login_as, app, monkeypatch):
    """With parts of 5 cards, 12 workers give a ZIP of 3 PDFs in tree order."""
    monkeypatch.setitem(app.config, "CARD_PART_SIZE", 5)
    monkeypatch.setitem(app.config, "CARD_HELPER_PROCESS", False)
    add_workers(app, tree.micro_a.id, 10)
    client = login_as(tree.supervisor_a)
    job = run_batch(client, tree.grid_a.id)
    assert job.status == "done" and job.result_name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/progress/{job.id}/download").get_data()))
    names = archive.namelist()
    assert [n[-7:] for n in names] == ["001.pdf", "002.pdf", "003.pdf"]
    assert all(archive.read(n).startswith(b"%PDF") for n in names)


@pytest.mark.slow
def test_helper_process_renders_parts_too(tree, login_as, app, monkeypatch, tmp_path):
    """With the second rendering process on, the parts still all arrive, in order."""
    monkeypatch.setitem(app.config, "CARD_PART_SIZE", 3)
    add_workers(app, tree.micro_a.id, 10)
    client = login_as(tree.supervisor_a)
    job = run_batch(client, tree.grid_a.id)
    assert job.status == "done", job.error
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/progress/{job.id}/download").get_data()))
    assert len(archive.namelist()) == 4
    for name in archive.namelist():
        data = archive.read(name)
        info = pdf_info(data, tmp_path)
        assert info["Pages"].strip() == "1"
        assert_cjk_font_embedded(data, tmp_path)


def test_worker_page_loads_the_card_panel(tree, login_as, app):
    """The worker's page links to the card; the panel offers issue, print and photo upload."""
    client = login_as(tree.supervisor_a)
    page = client.get(f"/workers/{tree.worker_a.id}").get_data(as_text=True)
    assert f"/cards/workers/{tree.worker_a.id}" in page
    issue(client, tree.worker_a.id)
    (card,) = cards_of(app, tree.worker_a.id)
    panel = client.get(f"/cards/workers/{tree.worker_a.id}", headers={"HX-Request": "true"})
    text = panel.get_data(as_text=True)
    assert "<html" not in text and f"/cards/{card.id}.pdf" in text
    assert f"/cards/workers/{tree.worker_a.id}/photo" in text
    assert "<html" in client.get(f"/cards/workers/{tree.worker_a.id}").get_data(as_text=True)


def test_grid_pages_link_to_the_batch(tree, login_as):
    """Managers find 'print the cards of this area' on grid and micro-grid pages."""
    client = login_as(tree.supervisor_a)
    for grid in (tree.grid_a, tree.micro_a):
        page = client.get(f"/grids/{grid.id}").get_data(as_text=True)
        assert f"/cards/batch/{grid.id}" in page
    field = login_as(tree.worker_a)
    assert "/cards/batch/" not in field.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)


def test_a_card_expires_after_its_date(tree, login_as, app):
    """The day after valid_until the card is expired everywhere and no longer prints."""
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id, today() + timedelta(days=1))
    (card,) = cards_of(app, tree.worker_a.id)
    assert "✓ 有效" in client.get(f"/v/{card.serial}").get_data(as_text=True)
    clock.freeze(datetime.combine(today() + timedelta(days=2), datetime.min.time()))
    try:
        assert "已过期" in client.get(f"/v/{card.serial}").get_data(as_text=True)
        panel = client.get(f"/cards/workers/{tree.worker_a.id}").get_data(as_text=True)
        assert "已过期" in panel and f"/cards/{card.id}.pdf" not in panel
        refused = client.get(f"/cards/{card.id}.pdf", follow_redirects=True)
        assert "只有有效的工作证才能打印" in refused.get_data(as_text=True)
    finally:
        clock.freeze(None)
