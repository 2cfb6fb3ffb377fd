"""Printing every name: the extension blocks of CJK print, a character with no glyph is named
when it is saved and on the print pages, long names step down to fit their box, QR codes
point where the app serves and open, a batch's bar moves every 20 cards, and lines break
between names, not inside them."""

from __future__ import annotations

import re
import subprocess
import threading
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from webapp import jobs, pdf
from webapp.cards import batch
from webapp.cards.printing import (
    NAME_SIZES,
    POSITION_SIZES,
    TEXT_WIDTH,
    CardFace,
    fit,
    fitted,
    render_card,
)
from webapp.clock import today
from webapp.config import Config
from webapp.extensions import db
from webapp.models import Grid, Job, Worker

from .test_cards import add_workers, cards_of, issue, run_batch
from .test_workers import new_worker

# Real names and places: 䶮 and 㳇 are in CJK Extension A, 𬌗 in Extension E.
EXTENSION_NAMES = "刘䶮 李𬌗 㳇溪村"
# 𪚥 (zhé, four dragons, Extension B) is a real character Noto Sans CJK SC has no glyph for.
NO_GLYPH = "\U0002a6a5"
LONGEST_NAME = "阿卜杜热西提·阿卜杜克力木"
MM = 72 / 25.4  # points in a millimetre


def words(path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """pdftotext's words on a page: (text, xMin, yMin, xMax, yMax) in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        out,
    )
    return [(unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in found]


def face(**overrides) -> CardFace:
    values = {
        "issuer": "开发区",
        "name": "赵网格",
        "position": "网格员",
        "grid_path": "江南街道 › 湖海塘社区 › 第一网格",
        "serial": "VA11-DVA1-1D00",
        "valid_until": "2027-12-01",
        "photo_url": None,
        "verify_url": "https://wg.example.cn/v/VA11DVA11D00",
    }
    values.update(overrides)
    return fitted(CardFace(**values))


# 19. Every name prints.


def test_extension_characters_print_with_glyphs_of_the_shipped_font(app, tmp_path):
    """刘䶮 李𬌗 㳇溪村 render without a missing glyph (the tests fail on one), with the CJK
    font embedded, and the text extracts whole; the shipped font's cmap has each."""
    from fontTools.ttLib import TTFont

    target = tmp_path / "names.pdf"
    with app.test_request_context():
        pdf.write_pdf(f"<p style=\"font-family:'Gridwork CJK'\">{EXTENSION_NAMES}</p>", target)
    fonts = subprocess.run(["pdffonts", target], capture_output=True, text=True).stdout
    assert "Gridwork-CJK" in fonts and " yes yes " in fonts
    text = subprocess.run(["pdftotext", target, "-"], capture_output=True, text=True).stdout
    assert all(name in text for name in EXTENSION_NAMES.split())
    for weight in ("Regular", "Bold"):
        font = TTFont(str(pdf.FONT_DIR / f"NotoSansSC-{weight}.subset.woff2"), lazy=True)
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in EXTENSION_NAMES.replace(" ", "")), weight
    assert pdf.missing_glyphs(EXTENSION_NAMES) == []


def test_the_font_covers_extension_a_and_what_noto_has_of_b_to_f():
    """The whole of Extension A, and thousands of Extension B–F characters."""
    assert all(pdf.has_glyph(chr(c)) for c in range(0x3400, 0x4DB6))
    b_to_f = sum(pdf.has_glyph(chr(c)) for c in range(0x20000, 0x2EBF0))
    assert b_to_f > 2000
    assert pdf.missing_glyphs(f"张{NO_GLYPH}三\U000f0000") == [NO_GLYPH, "\U000f0000"]


def test_a_name_without_a_glyph_is_saved_with_a_warning(tree, login_as, app):
    """A resident, a worker and a grid named with 𪚥 are saved, each with a warning in
    Chinese that names the character and the field."""
    client = login_as(tree.admin)
    resident = client.post(
        f"/residents/new/{tree.household_a.id}",
        data={"name": f"{NO_GLYPH}{NO_GLYPH}面", "id_number": "330702200503150021"},
        follow_redirects=True,
    )
    worker = client.post(
        "/workers/new", data=new_worker(name=f"李{NO_GLYPH}"), follow_redirects=True
    )
    grid = client.post(
        f"/grids/{tree.grid_a.id}/new",
        data={"name": f"{NO_GLYPH}村", "code": "MZ", "kind": "building"},
        follow_redirects=True,
    )
    for response in (resident, worker, grid):
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f"{NO_GLYPH} (U+2A6A5)" in page and "打印字体里没有" in page
        assert 'class="flash warning"' in page
    with app.app_context():
        assert db.session.scalar(select(Worker.id).where(Worker.name == f"李{NO_GLYPH}"))
        assert db.session.scalar(select(Grid.id).where(Grid.name == f"{NO_GLYPH}村"))
    ordinary = client.post("/workers/new", data=new_worker(name="李𬌗", phone="13700000010"))
    assert ordinary.status_code == 303
    assert "打印字体" not in client.get(ordinary.headers["Location"]).get_data(as_text=True)


def test_the_print_pages_name_a_character_without_a_glyph(tree, login_as, app, tmp_path):
    """The card page and the batch page say which character of which field will not print;
    the card still prints (no 500), with the typesetter's 〓 where the character goes rather
    than a blank."""
    with app.app_context():
        db.session.get(Worker, tree.worker_a.id).name = f"赵{NO_GLYPH}"
        db.session.commit()
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    page = client.get(f"/cards/workers/{tree.worker_a.id}").get_data(as_text=True)
    assert f"姓名“赵{NO_GLYPH}”：{NO_GLYPH} (U+2A6A5)" in page
    batch_page = client.get(f"/cards/batch/{tree.grid_a.id}").get_data(as_text=True)
    assert f"{NO_GLYPH} (U+2A6A5)" in batch_page
    (card,) = cards_of(app, tree.worker_a.id)
    response = client.get(f"/cards/{card.id}.pdf")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF")
    target = tmp_path / "card.pdf"
    target.write_bytes(response.get_data())
    assert "赵〓" in [w[0] for w in words(target)]


# 20. Long names fit.


def test_names_step_down_in_size_to_fit_their_box():
    """A short name keeps the largest size; longer ones take the largest size at which they
    fit the 34 mm box; the 13-character name fits on one line."""
    assert fit(["赵网格"], NAME_SIZES) == "n13"
    sizes = {name: points for name, points, _lines in NAME_SIZES}
    chosen = []
    for name in ("欧阳娜娜", "司马相如李白", "阿依古丽·买买提", LONGEST_NAME):
        step = fit([name], NAME_SIZES)
        assert pdf.text_width_mm(name, sizes[step]) <= TEXT_WIDTH
        larger = [n for n, p, lines in NAME_SIZES if p > sizes[step] and lines == 1]
        assert all(pdf.text_width_mm(name, sizes[n]) > TEXT_WIDTH * 0.98 for n in larger)
        chosen.append(sizes[step])
    assert chosen == sorted(chosen, reverse=True) and chosen[0] > chosen[-1]
    assert fit([LONGEST_NAME], NAME_SIZES) == "n7"
    assert fit(["网格长、楼道长、党员中心户、志愿者队长"], POSITION_SIZES) != "p8"


def test_the_longest_name_and_positions_print_inside_their_boxes(app, tmp_path):
    """On the card, every character of the longest name, a long list of positions and a
    deep grid path lies inside its box (28–62 mm across), none cut off."""
    long_face = face(
        name=LONGEST_NAME,
        position="网格长、楼道长、党员中心户、志愿者队长",
        grid_path="江南街道 › 龙腾社区第一网格 › 第一村民小组 › 12幢3单元东侧",
    )
    with app.test_request_context():
        target = tmp_path / "card.pdf"
        target.write_bytes(render_card(long_face))
    found = words(target)
    text = "".join(w[0] for w in found)
    for expected in (LONGEST_NAME, long_face.position):
        assert expected in text
    inside = [w for w in found if w[1] >= 27.5 * MM and w[3] <= 62.3 * MM]
    in_boxes = "".join(w[0] for w in inside)
    assert LONGEST_NAME in in_boxes and long_face.position in in_boxes
    assert all(w[3] <= 62.3 * MM for w in found if w[1] >= 27.5 * MM and w[1] < 62 * MM)


# 21. QR codes that work.


def test_the_base_url_follows_the_port(monkeypatch):
    """PUBLIC_BASE_URL unset follows PORT, as `make run` serves; set, it is kept."""
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5203")
    assert Config().PUBLIC_BASE_URL == "http://127.0.0.1:5203"
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://wg.example.cn")
    assert Config().PUBLIC_BASE_URL == "https://wg.example.cn"


def test_make_run_passes_its_port_to_the_qr_codes():
    """The Makefile's run target sets PUBLIC_BASE_URL from PORT unless it is given."""
    makefile = (pdf.ROOT / "Makefile").read_text()
    assert "run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)" in makefile


@pytest.mark.parametrize(
    "base, warned",
    [
        ("http://127.0.0.1:5000", True),
        ("http://localhost:5203", True),
        ("http://192.168.1.20", True),
        ("http://10.0.0.5:8000", True),
        ("https://wg.example.cn", False),
        ("https://61.153.1.2", False),
    ],
)
def test_print_pages_warn_of_a_private_base_url(base, warned, tree, login_as, app, monkeypatch):
    """The card and batch pages warn, in red, while the QR codes point at this machine or a
    private network."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    for url in (f"/cards/workers/{tree.worker_a.id}", f"/cards/batch/{tree.grid_a.id}"):
        page = client.get(url).get_data(as_text=True)
        warning = f'<p class="flash error print-warning" role="alert">二维码指向 {base}'
        assert (warning in page) is warned, url


def test_a_printed_cards_qr_code_opens_its_check(tree, login_as, app, monkeypatch, tmp_path):
    """The QR code of a printed card, read back from a 300-dpi PNG, is /v/<serial> under
    PUBLIC_BASE_URL."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://127.0.0.1:5203")
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    (card,) = cards_of(app, tree.worker_a.id)
    (tmp_path / "card.pdf").write_bytes(client.get(f"/cards/{card.id}.pdf").get_data())
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", "card.pdf", "card"],
        cwd=tmp_path,
        check=True,
    )
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "card.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert read == f"http://127.0.0.1:5203/v/{card.serial}"


# 22. Progress that moves.


def batch_job(tree, total: int) -> Job:
    """A batch of grid A's cards, issuing the missing ones, recorded but not started."""
    params = {
        "grid_id": tree.grid_a.id,
        "issue": True,
        "valid_until": (today() + timedelta(days=30)).isoformat(),
        "issued_by_id": tree.supervisor_a.id,
    }
    return jobs.create("cards", params, tree.supervisor_a.id, total)


def test_a_batch_reports_progress_every_20_cards(tree, login_as, app, monkeypatch):
    """A batch of 45 cards in one part reports after 20, 40 and 45 cards, not 0 then 45."""
    monkeypatch.setitem(app.config, "CARD_HELPER_PROCESS", False)
    add_workers(app, tree.micro_a.id, 43)  # with worker_a and supervisor_a: 45
    seen: list[int] = []
    real = batch.render_sheets

    def watched(faces, path, title="", laid_out=None):
        def heard(count):
            seen.append(count)
            laid_out(count)

        return real(faces, path, title, laid_out=heard)

    monkeypatch.setattr(batch, "render_sheets", watched)
    progress: list[int] = []
    with app.test_request_context():
        job = batch_job(tree, 45)
        _path, _name, outcome = batch.print_cards(job, progress.append)
    assert seen == [20, 40, 45]
    assert progress == [20, 40, 45]
    assert all(b - a <= 20 for a, b in zip([0, *progress], progress, strict=False))
    assert outcome == {"issued": 45, "printed": 45}


@pytest.mark.slow
def test_the_helper_process_tells_its_progress_too(tree, login_as, app, monkeypatch):
    """With parts of 40 on two processes, the bar hears of the helper's cards as it lays
    them out: no step of more than 20 cards."""
    monkeypatch.setitem(app.config, "CARD_PART_SIZE", 40)
    add_workers(app, tree.micro_a.id, 118)  # 120 cards: three parts
    progress: list[int] = []
    with app.test_request_context():
        job = batch_job(tree, 120)
        batch.print_cards(job, progress.append)
    assert progress[-1] == 120
    steps = [b - a for a, b in zip([0, *progress], progress, strict=False)]
    assert max(steps) <= 20, progress


def test_the_progress_page_names_the_batch_and_ends_with_its_outcome(tree, login_as, app):
    """The page says which area and how many workers, links back to the batch page, and
    ends with how many cards were issued and printed."""
    add_workers(app, tree.micro_a.id, 3)
    client = login_as(tree.supervisor_a)
    issue(client, tree.worker_a.id)
    job = run_batch(client, tree.grid_a.id)
    assert job.status == "done" and job.outcome == {"issued": 4, "printed": 5}
    page = client.get(f"/progress/{job.id}").get_data(as_text=True)
    assert "第一网格 · 5 名网格员" in page
    assert f'href="/cards/batch/{tree.grid_a.id}"' in page
    assert "已签发 4 张，已打印 5 张" in page


def test_a_failure_that_would_come_back_offers_no_retry(tree, login_as, app):
    """Nobody with a valid card and issuing unticked: the job fails with the reason, offers
    no retry (it would fail the same way) but a way back to the selection."""
    client = login_as(tree.supervisor_a)
    job = run_batch(client, tree.grid_a.id, issue="")
    assert job.status == "failed" and not job.retryable
    page = client.get(f"/progress/{job.id}").get_data(as_text=True)
    assert "没有有效的工作证" in page and "/retry" not in page
    assert f'href="/cards/batch/{tree.grid_a.id}"' in page
    assert client.post(f"/progress/{job.id}/retry").status_code == 303
    with app.app_context():
        assert db.session.get(Job, job.id).status == "failed"  # not run again


def test_a_batch_that_failed_unexpectedly_can_be_retried(tree, login_as, app, monkeypatch):
    """An unexpected error (a full disk, say) may not come back: Try again is offered."""
    client = login_as(tree.supervisor_a)

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(batch, "render_sheets", broken)
    job = run_batch(client, tree.grid_a.id)
    assert job.status == "failed" and job.retryable
    assert f"/progress/{job.id}/retry" in client.get(f"/progress/{job.id}").get_data(as_text=True)


def test_report_pdfs_in_new_threads_share_one_font_configuration(tree, login_as, app, monkeypatch):
    """The development server answers each request on a new thread: two report PDFs asked
    for on two threads load the fonts once."""
    made, real = [], pdf.FontConfiguration

    def counted():
        made.append(real())
        return made[-1]

    monkeypatch.setattr(pdf, "_fonts", None)
    monkeypatch.setattr(pdf, "FontConfiguration", counted)
    client = login_as(tree.supervisor_a)
    answers = []

    def ask():
        answers.append(client.get(f"/reports/{tree.grid_a.id}/pdf"))

    for _ in range(2):
        thread = threading.Thread(target=ask)
        thread.start()
        thread.join()
    assert [a.status_code for a in answers] == [200, 200]
    assert all(a.get_data().startswith(b"%PDF") for a in answers)
    assert len(made) == 1


# 23. Line breaks keep names and figures whole.


def test_a_grid_path_breaks_between_names_never_inside_one(app, tmp_path):
    """龙腾社区第一网格 is never split across lines on the card: each name is whole on its
    line."""
    names = ["江南街道", "龙腾社区第一网格", "第一村民小组", "12幢3单元"]
    with app.test_request_context():
        target = tmp_path / "card.pdf"
        target.write_bytes(render_card(face(grid_path=" › ".join(names))))
    lines: dict[float, str] = {}
    for text, x0, y0, _x1, _y1 in words(target):
        if x0 >= 27.5 * MM and y0 >= 31 * MM:
            lines[round(y0)] = lines.get(round(y0), "") + text
    assert len(lines) >= 2  # it does break
    for name in names:
        assert any(name in line for line in lines.values()), (name, lines)


def test_a_report_keeps_each_sub_areas_name_on_one_line(tree, login_as, app, tmp_path):
    """In the daily report's table of sub-areas, 龙腾社区第一网格 stays whole on its line
    (no 龙腾社区第 / 一网格), and so does every figure with its unit in the key figures."""
    with app.app_context():
        db.session.get(Grid, tree.grid_a.id).name = "龙腾社区第一网格"
        db.session.get(Grid, tree.grid_b.id).name = "龙腾社区第二网格"
        db.session.commit()
    client = login_as(tree.admin)
    response = client.get(f"/reports/{tree.community.id}/pdf")
    assert response.status_code == 200
    target = tmp_path / "report.pdf"
    target.write_bytes(response.get_data())
    texts = [w[0] for w in words(target)]
    assert "龙腾社区第一网格" in texts and "龙腾社区第二网格" in texts
    assert not any(t in ("龙腾社区第", "龙腾社区第一", "一网格", "网格") for t in texts)
