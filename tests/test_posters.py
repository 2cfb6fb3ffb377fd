"""QR posters (二维码海报): a micro-grid's A4 poster for the stairwell, and a subtree's posters
as one background job."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest

from webapp import jobs
from webapp.extensions import db
from webapp.models import Grid, Job, Worker

from .conftest import add_grid
from .test_cards import assert_cjk_font_embedded, pdf_info


def make_leader(app, worker):
    with app.app_context():
        db.session.get(Worker, worker.id).positions = ["micro_leader"]
        db.session.commit()


def add_micro_grids(app, parent_id: int, n: int) -> list[int]:
    with app.app_context():
        parent = db.session.get(Grid, parent_id)
        grids = [add_grid(parent, 4, f"{i}幢{i}单元", f"MX{i}", "stairwell") for i in range(n)]
        db.session.commit()
        return [g.id for g in grids]


def decoded_qr(data: bytes, tmp_path) -> list[str]:
    """The QR codes on the first page: rendered to PNG (pdftoppm) and read back (zbarimg)."""
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, tmp_path / "p"],
        check=True,
    )
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "p.png"], capture_output=True, text=True
    ).stdout
    return out.split()


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_poster_is_one_a4_page_whose_qr_opens_the_public_page(
    tree, login_as, app, tmp_path, monkeypatch
):
    """The micro-grid's worker downloads its poster: A4, the CJK font embedded, the QR read
    back from the rendered page is the absolute /r/<code>, the leader's phone masked."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://wg.example.cn/")
    make_leader(app, tree.worker_a)
    client = login_as(tree.worker_a)
    assert f"/posters/grids/{tree.micro_a.id}.pdf" in client.get(
        f"/grids/{tree.micro_a.id}"
    ).get_data(as_text=True)
    response = client.get(f"/posters/grids/{tree.micro_a.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    info = pdf_info(data, tmp_path)
    assert info["Pages"].strip() == "1" and "A4" in info["Page size"]
    assert_cjk_font_embedded(data, tmp_path)
    assert decoded_qr(data, tmp_path) == ["https://wg.example.cn/r/MA"]
    text = pdf_text(data, tmp_path)
    assert tree.micro_a.name in text and "湖海塘社区" in text and "扫码找网格" in text
    assert "微网格长 赵网格 139****0003" in text and "13900000003" not in text
    assert "疫情线索" in text


def test_without_a_named_leader_the_micro_grids_workers_are_on_it(tree, login_as, tmp_path):
    """No 微网格长 named: the micro-grid's own worker stands on the poster instead."""
    data = login_as(tree.worker_a).get(f"/posters/grids/{tree.micro_a.id}.pdf").get_data()
    assert "网格员 赵网格 139****0003" in pdf_text(data, tmp_path)


def test_only_an_active_micro_grid_has_a_poster(tree, login_as, app):
    """A node above the micro-grids, or a deactivated micro-grid, has no poster: 404."""
    client = login_as(tree.admin)
    assert client.get(f"/posters/grids/{tree.grid_a.id}.pdf").status_code == 404
    with app.app_context():
        db.session.get(Grid, tree.micro_a.id).active = False
        db.session.commit()
    assert client.get(f"/posters/grids/{tree.micro_a.id}.pdf").status_code == 404


def test_another_branchs_poster_is_not_found(tree, login_as):
    """A worker of A asking for B's poster or B's batch gets 404."""
    client = login_as(tree.worker_a)
    assert client.get(f"/posters/grids/{tree.micro_b.id}.pdf").status_code == 404
    assert client.post(f"/posters/grids/{tree.grid_b.id}/batch").status_code == 404


def run_batch(client, grid_id: int) -> Job:
    response = client.post(f"/posters/grids/{grid_id}/batch")
    assert response.status_code == 303, response.get_data(as_text=True)
    jobs.wait_for_in_process_jobs()
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    with client.application.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
    return job


def test_the_subtree_job_prints_one_page_per_micro_grid(tree, login_as, app, tmp_path):
    """The community's batch: every micro-grid under it, one A4 page each, in one PDF."""
    add_micro_grids(app, tree.grid_a.id, 3)  # with MA and MB: five micro-grids
    client = login_as(tree.admin)
    page = client.get(f"/grids/{tree.community.id}").get_data(as_text=True)
    assert f"/posters/grids/{tree.community.id}/batch" in page
    batch_page = client.get(f"/posters/grids/{tree.community.id}/batch")
    assert "5 个在用的微网格" in batch_page.get_data(as_text=True)
    job = run_batch(client, tree.community.id)
    assert job.status == "done", job.error
    assert job.progress == job.total == 5
    assert job.result_name.endswith(".pdf") and "湖海塘社区" in job.result_name
    data = client.get(f"/progress/{job.id}/download").get_data()
    assert pdf_info(data, tmp_path)["Pages"].strip() == "5"
    assert_cjk_font_embedded(data, tmp_path)
    assert "/r/MA" in pdf_text(data, tmp_path) and "/r/MB" in pdf_text(data, tmp_path)


def test_a_large_subtree_comes_as_a_zip_of_parts(tree, login_as, app, tmp_path, monkeypatch):
    """With parts of 2 posters, five micro-grids give a ZIP of 3 PDFs: 2 + 2 + 1 pages."""
    monkeypatch.setitem(app.config, "POSTER_PART_SIZE", 2)
    monkeypatch.setitem(app.config, "CARD_HELPER_PROCESS", False)
    add_micro_grids(app, tree.grid_b.id, 3)
    client = login_as(tree.admin)
    job = run_batch(client, tree.root.id)
    assert job.status == "done", job.error
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/progress/{job.id}/download").get_data()))
    pages = [pdf_info(archive.read(n), tmp_path)["Pages"].strip() for n in archive.namelist()]
    assert pages == ["2", "2", "1"]


@pytest.mark.slow
def test_the_helper_process_renders_parts_too(tree, login_as, app, tmp_path, monkeypatch):
    """With the second rendering process on, every part arrives, in the tree's order."""
    monkeypatch.setitem(app.config, "POSTER_PART_SIZE", 1)
    add_micro_grids(app, tree.grid_a.id, 2)
    job = run_batch(login_as(tree.admin), tree.root.id)
    assert job.status == "done", job.error
    client = login_as(tree.admin)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/progress/{job.id}/download").get_data()))
    texts = [pdf_text(archive.read(n), tmp_path) for n in archive.namelist()]
    assert len(texts) == 4 and "/r/MA" in texts[0] and "/r/MB" in texts[3]


def test_an_area_without_micro_grids_is_refused_on_the_page(tree, login_as, app):
    """A new grid with no micro-grid yet: the page says so, no job is started."""
    with app.app_context():
        empty = add_grid(db.session.get(Grid, tree.community.id), 3, "第三网格", "GC")
        db.session.commit()
        empty_id = empty.id
    response = login_as(tree.admin).post(f"/posters/grids/{empty_id}/batch")
    assert response.status_code == 422
    assert "这个区域没有微网格" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Job).filter_by(kind="posters").count() == 0


def test_the_job_page_lists_the_users_recent_poster_batches(tree, login_as):
    """After a batch, its page links to its progress."""
    client = login_as(tree.supervisor_a)
    job = run_batch(client, tree.grid_a.id)
    page = client.get(f"/posters/grids/{tree.grid_a.id}/batch").get_data(as_text=True)
    assert f"/progress/{job.id}" in page
