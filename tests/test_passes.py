"""Green passes (绿色通行证) at /p/<code>: anyone sees the state with the masked name and the
enterprise only; checkpoint staff let a valid pass through with one tap, which counts a
green-channel check and hands the employee to their destination micro-grid; a pass is revoked
with a reason; a pass prints at card size with the QR of its public page."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp import clock, codes
from webapp.extensions import db
from webapp.models import (
    AuditEntry,
    Checkpoint,
    CheckpointCheck,
    CheckpointPost,
    Enterprise,
    FiledEmployee,
    GreenPass,
    Handover,
    IndustryDepartment,
    ReturnFiling,
)
from webapp.passes import rules

from .conftest import add_worker

HX = {"HX-Request": "true"}
DAY = date(2027, 3, 1)
# What the fixture's employee is and what must never reach the public page.
NAME, ID_NUMBER, PHONE = "王小明", "330702199203031236", "13700002222"
SECRETS = (NAME, ID_NUMBER, PHONE, "温州", "8幢3单元", "1幢1单元", "湖海塘")


@dataclass
class Passes:
    checkpoint_id: int
    valid: GreenPass
    expired: GreenPass
    not_yet: GreenPass
    filing_id: int
    enterprise_id: int
    reviewer_phone: str


@pytest.fixture
def at():
    """Freeze the clock: at(hour, minute=0, day=DAY)."""

    def freeze(hour: int, minute: int = 0, day: date = DAY):
        clock.freeze(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))

    yield freeze
    clock.freeze(None)


def _employee(filing, name, id_number, arrival, grid_id, address="8幢3单元501室"):
    employee = FiledEmployee(
        filing=filing,
        name=name,
        id_number=id_number,
        phone=PHONE,
        origin="温州",
        arrival_date=arrival,
        means="train",
        stay_address=address,
        grid_id=grid_id,
        community_decision="approved",
        community_at=datetime(2027, 2, 20, 10),
    )
    db.session.add(employee)
    return employee


@pytest.fixture
def passes(tree, app, at) -> Passes:
    """An enterprise of grid A, a filing approved by its department and the community, with
    three employees going to micro-grid A: passes valid today, expired, and not yet valid;
    worker A on a checkpoint's day shift."""
    at(9)
    with app.app_context():
        department = IndustryDepartment(name="经信局")
        db.session.add(department)
        db.session.flush()
        reviewer = add_worker("周审核", "13900000009", "reviewer", tree.root)
        reviewer.department_id = department.id
        enterprise = Enterprise(
            name="金华精工机械有限公司",
            uscc="91330701MA28XXXX0X",
            address="江南路1号",
            grid_id=tree.grid_a.id,
            department_id=department.id,
            contact_name="陈经理",
            contact_phone="13600001111",
        )
        db.session.add(enterprise)
        db.session.flush()
        filing = ReturnFiling(
            enterprise=enterprise,
            created_by_id=tree.supervisor_a.id,
            department_decision="approved",
            department_by_id=reviewer.id,
            department_at=datetime(2027, 2, 20, 9),
        )
        valid = _employee(filing, NAME, ID_NUMBER, DAY, tree.micro_a.id)
        old = _employee(
            filing, "李老", "330702198001011230", DAY - timedelta(days=30), tree.micro_a.id
        )
        later = _employee(
            filing, "张后", "330702198501011233", DAY + timedelta(days=10), tree.micro_a.id
        )
        db.session.flush()
        made = [rules.issue(e, datetime(2027, 2, 20, 11)) for e in (valid, old, later)]
        checkpoint = Checkpoint(name="东入口卡口", place="江南路口", grid_id=tree.township.id)
        db.session.add(checkpoint)
        db.session.add(
            CheckpointPost(checkpoint=checkpoint, worker_id=tree.worker_a.id, shift="day")
        )
        db.session.commit()
        for p in made:
            db.session.refresh(p)
        found = Passes(
            checkpoint.id, *made, filing.id, enterprise.id, reviewer_phone=reviewer.phone
        )
        db.session.expunge_all()
        return found


def checks() -> int:
    return db.session.scalar(select(func.count()).select_from(CheckpointCheck))


def handovers() -> int:
    return db.session.scalar(select(func.count()).select_from(Handover))


def through(client, green_pass, checkpoint_id, key="key-through-01", headers=HX):
    return client.post(
        f"/passes/{green_pass.id}/through",
        data={"key": key, "checkpoint": checkpoint_id},
        headers=headers,
    )


def test_anyone_sees_a_valid_pass_with_the_masked_name_and_enterprise_only(passes, client):
    """The public page: the state in big, 王*明 and the enterprise, nothing else."""
    response = client.get(f"/p/{passes.valid.code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "✓ 有效" in page and "gp-valid" in page
    assert "王*明" in page and "金华精工机械有限公司" in page
    assert "有效期 2027-02-28 至 2027-03-15" in page
    assert codes.display(passes.valid.code) in page
    for secret in SECRETS:
        assert secret not in page
    assert "绿色通道放行" not in page and "作废" not in page


def test_the_code_is_read_as_typed_with_look_alikes(passes, client):
    """Lower case, dashes and O for 0 find the same pass."""
    typed = codes.display(passes.valid.code).lower().replace("0", "o")
    assert "王*明" in client.get(f"/p/{typed}").get_data(as_text=True)


@pytest.mark.parametrize(
    "which, word", [("expired", "已过期"), ("not_yet", "尚未生效")], ids=["expired", "not-yet"]
)
def test_expired_and_not_yet_valid_passes_say_so(passes, client, which, word):
    """Past its window or before it: the state, with the masked name and the enterprise."""
    page = client.get(f"/p/{getattr(passes, which).code}").get_data(as_text=True)
    assert word in page and f"gp-{which}" in page and "金华精工机械有限公司" in page
    assert "✓ 有效" not in page


def test_every_unknown_code_gets_the_same_friendly_page(passes, client):
    """An unknown code and text that is no code answer one page, with nothing of any pass."""
    unknown = client.get("/p/ZZZZZZZZZZZZ").get_data(as_text=True)
    junk = client.get("/p/hello").get_data(as_text=True)
    sections = []
    for page in (unknown, junk):
        section = page[page.index('<section class="gp') : page.index("</section>")]
        assert "查无此证" in section and "金华" not in page and "*" not in section
        sections.append(section)
    assert sections[0].replace("ZZZZ-ZZZZ-ZZZZ", "X") == sections[1].replace("hello", "X")


def test_the_public_check_is_rate_limited(passes, client, app, monkeypatch):
    """Past RATELIMIT_VERIFY a client gets 429, not the pass."""
    monkeypatch.setitem(app.config, "RATELIMIT_VERIFY", "3 per minute")
    for _ in range(3):
        assert client.get("/p/ZZZZZZZZZZZZ").status_code == 200
    assert client.get(f"/p/{passes.valid.code}").status_code == 429


def test_checkpoint_staff_see_the_button_others_do_not(passes, tree, login_as, at):
    """Worker A (on the checkpoint) gets 绿色通道放行; worker B (on none) and the public not."""
    at(10)
    staff = login_as(tree.worker_a).get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert "绿色通道放行" in staff and "东入口卡口" in staff
    assert "目的地：湖海塘社区 1幢1单元" in staff
    assert "330702********1236" in staff and ID_NUMBER not in staff and PHONE not in staff
    other = login_as(tree.worker_b).get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert "王*明" in other and "绿色通道放行" not in other


def test_letting_through_ten_times_makes_one_check_and_one_handover(
    passes, tree, login_as, app, at
):
    """The outbox may send the tap again: one green-channel check, one handover, arrived once."""
    at(10)
    client = login_as(tree.worker_a)
    for _ in range(10):
        answer = through(client, passes.valid, passes.checkpoint_id)
        assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert "<html" not in body and "已走绿色通道放行" in body and "1幢1单元" in body
    assert len(body.encode()) < 2048
    with app.app_context():
        assert checks() == 1 and handovers() == 1
        check = db.session.scalars(select(CheckpointCheck)).one()
        assert check.green_channel and check.outcome == "handed_over" and check.kind == "person"
        handover = db.session.scalars(select(Handover)).one()
        employee = db.session.get(FiledEmployee, passes.valid.employee_id)
        assert handover.employee_id == employee.id and handover.grid_id == tree.micro_a.id
        assert (handover.name, handover.id_number, handover.phone) == (NAME, ID_NUMBER, PHONE)
        assert handover.origin == "温州" and handover.address == "8幢3单元501室"
        assert employee.arrived_at == datetime(2027, 3, 1, 10)


def test_a_second_passage_is_a_green_channel_check_without_a_new_handover(
    passes, tree, login_as, app, at
):
    """The community knows the employee after the first passage: later ones only count."""
    at(10)
    client = login_as(tree.worker_a)
    through(client, passes.valid, passes.checkpoint_id, key="key-through-01")
    at(15)
    through(client, passes.valid, passes.checkpoint_id, key="key-through-02")
    with app.app_context():
        assert checks() == 2 and handovers() == 1
        outcomes = set(db.session.scalars(select(CheckpointCheck.outcome)))
        assert outcomes == {"handed_over", "let_through"}
        assert db.session.get(FiledEmployee, passes.valid.employee_id).arrived_at.hour == 10


def test_without_javascript_the_tap_goes_back_to_the_pass_with_a_message(
    passes, tree, login_as, at
):
    """A plain form post: a redirect to the pass's page, which says it was done."""
    at(10)
    client = login_as(tree.worker_a)
    answer = through(client, passes.valid, passes.checkpoint_id, headers={})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(passes.valid.code)
    assert "已走绿色通道放行" in client.get(answer.headers["Location"]).get_data(as_text=True)


def test_the_handover_appears_on_the_destination_today_and_closes_when_received(
    passes, tree, login_as, app, at
):
    """Let through at the checkpoint, on micro-grid A's today list, closed when received."""
    at(10)
    client = login_as(tree.worker_a)
    through(client, passes.valid, passes.checkpoint_id)
    today = client.get("/today/").get_data(as_text=True)
    assert "待接收的交接" in today and NAME in today
    assert ID_NUMBER not in today and PHONE not in today
    assert NAME not in login_as(tree.worker_b).get("/today/").get_data(as_text=True)
    with app.app_context():
        handover_id = db.session.scalars(select(Handover.id)).one()
    client = login_as(tree.worker_a)
    received = client.post(
        f"/checkpoints/handovers/{handover_id}", data={"household": tree.household_a.id}
    )
    assert received.status_code == 303
    assert "待接收的交接" not in client.get("/today/").get_data(as_text=True)


@pytest.mark.parametrize("which", ["expired", "not_yet"])
def test_a_pass_out_of_its_window_shows_no_button_and_refuses_a_post(
    passes, tree, login_as, app, at, which
):
    """No button; a post anyway is refused in Chinese and saves nothing."""
    at(10)
    client = login_as(tree.worker_a)
    green_pass = getattr(passes, which)
    page = client.get(f"/p/{green_pass.code}").get_data(as_text=True)
    assert "绿色通道放行" not in page and "请按普通来人核验" in page
    answer = through(client, green_pass, passes.checkpoint_id)
    assert answer.status_code == 422 and "请按普通来人核验" in answer.get_data(as_text=True)
    with app.app_context():
        assert checks() == 0 and handovers() == 0


def test_a_worker_on_no_checkpoint_cannot_let_through(passes, tree, login_as, app, at):
    """Worker B is on no checkpoint: 404, as outside their scope, nothing saved."""
    at(10)
    client = login_as(tree.worker_b)
    assert through(client, passes.valid, passes.checkpoint_id).status_code == 404
    with app.app_context():
        assert checks() == 0


def test_a_checkpoint_the_worker_is_not_on_is_refused(passes, tree, login_as, app, at):
    """Another checkpoint's id in the form: a Chinese message, nothing saved."""
    at(10)
    with app.app_context():
        other = Checkpoint(name="西卡口", place="西路", grid_id=tree.township.id)
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    client = login_as(tree.worker_a)
    answer = through(client, passes.valid, other_id)
    assert answer.status_code == 422 and "请选择您所在的卡口" in answer.get_data(as_text=True)
    with app.app_context():
        assert checks() == 0


def test_staff_on_two_checkpoints_choose_and_the_shift_now_comes_first(
    passes, tree, login_as, app, at
):
    """Put on two checkpoints, the worker chooses; the one of the current shift is checked."""
    with app.app_context():
        evening = Checkpoint(name="北卡口", place="北路", grid_id=tree.township.id)
        db.session.add(evening)
        db.session.add(
            CheckpointPost(checkpoint=evening, worker_id=tree.worker_a.id, shift="evening")
        )
        db.session.commit()
        evening_id = evening.id
    client = login_as(tree.worker_a)
    at(17)
    page = client.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert f'value="{evening_id}" checked' in page and "东入口卡口" in page
    at(10)
    page = client.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert f'value="{passes.checkpoint_id}" checked' in page


def test_a_supervisor_revokes_a_pass_with_a_reason_and_the_public_page_says_so(
    passes, tree, login_as, app, client, at
):
    """Revoked with a reason, on the audit trail; public page 已作废; let-through refused."""
    at(10)
    supervisor = login_as(tree.supervisor_a)
    page = supervisor.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert "作废此通行证" in page
    url = f"/passes/{passes.valid.id}/revoke"
    empty = supervisor.post(url, data={"reason": " "})
    assert empty.status_code == 422 and "请填写作废通行证的原因" in empty.get_data(as_text=True)
    assert supervisor.post(url, data={"reason": "员工未返岗"}).status_code == 303
    with app.app_context():
        revoked = db.session.get(GreenPass, passes.valid.id)
        assert (
            revoked.revoke_reason == "员工未返岗" and revoked.revoked_by_id == tree.supervisor_a.id
        )
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "pass_revoked")
        ).one()
        assert entry.object_id == passes.valid.id and entry.details["reason"] == "员工未返岗"
    supervisor.post("/logout")
    public = client.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert "已作废" in public and "gp-revoked" in public and "员工未返岗" not in public
    staff = login_as(tree.worker_a)
    assert "绿色通道放行" not in staff.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    answer = through(staff, passes.valid, passes.checkpoint_id)
    assert answer.status_code == 422 and "已被作废" in answer.get_data(as_text=True)
    with app.app_context():
        assert checks() == 0


def test_a_revoked_filing_revokes_its_passes_on_the_public_page(passes, client, app):
    """The filing revoked after the passes were issued: every one of them reads revoked."""
    with app.app_context():
        db.session.get(ReturnFiling, passes.filing_id).revoked_at = datetime(2027, 3, 1, 8)
        db.session.commit()
    assert "已作废" in client.get(f"/p/{passes.valid.code}").get_data(as_text=True)


def test_the_department_reviewer_may_revoke_a_field_worker_may_not(passes, tree, login_as, app):
    """The enterprise's department reviewer gets the form; a field worker gets 403."""
    from .conftest import PASSWORD

    client = app.test_client()  # a reviewer of its own: the field worker signs in on another
    client.post("/login", data={"phone": passes.reviewer_phone, "password": PASSWORD})
    assert "作废此通行证" in client.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    worker = login_as(tree.worker_a)
    assert "作废此通行证" not in worker.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert worker.post(f"/passes/{passes.valid.id}/revoke", data={"reason": "x"}).status_code == 403


def test_a_supervisor_of_another_branch_gets_404(passes, tree, login_as, app):
    """Neither the destination nor the enterprise in their subtree: not found."""
    with app.app_context():
        other = add_worker("孙主任", "13900000010", "supervisor", tree.grid_b)
        db.session.commit()
        db.session.expunge(other)
    client = login_as(other)
    assert "作废此通行证" not in client.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert client.post(f"/passes/{passes.valid.id}/revoke", data={"reason": "x"}).status_code == 404
    assert client.get(f"/passes/{passes.valid.id}.pdf").status_code == 404


def decoded_qr(data: bytes, tmp_path) -> list[str]:
    pdf = tmp_path / "pass.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, tmp_path / "p"],
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


def test_the_pass_prints_at_card_size_and_its_qr_opens_the_public_page(
    passes, tree, login_as, app, tmp_path, monkeypatch
):
    """Masked name, enterprise, window, community, grouped code; the QR decodes to /p/<code>."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://grid.example.cn")
    client = login_as(tree.supervisor_a)
    page = client.get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert f"/passes/{passes.valid.id}.pdf" in page
    response = client.get(f"/passes/{passes.valid.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.get_data()
    assert decoded_qr(data, tmp_path) == [f"https://grid.example.cn/p/{passes.valid.code}"]
    text = pdf_text(data, tmp_path)
    assert "绿色通行证" in text and "王*明" in text and "金华精工机械有限公司" in text
    assert "湖海塘社区" in text and "2027-02-28至2027-03-15" in text and "有效期" in text
    assert codes.display(passes.valid.code) in text
    for secret in (NAME, ID_NUMBER, PHONE, "8幢3单元"):
        assert secret not in text


def test_an_expired_pass_is_not_printed(passes, tree, login_as):
    """Out of force: back to its page with a message."""
    client = login_as(tree.supervisor_a)
    response = client.get(f"/passes/{passes.expired.id}.pdf")
    assert response.status_code == 303


def test_a_filing_prints_its_passes_in_force_ten_to_a_sheet(passes, tree, login_as, app, tmp_path):
    """The valid and the not-yet-valid pass on one A4 sheet; the expired one left out."""
    client = login_as(tree.supervisor_a)
    response = client.get(f"/passes/filings/{passes.filing_id}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.get_data(), tmp_path)
    assert "王*明" in text and "张*" in text and "李*" not in text
    assert sorted(decoded_qr(response.get_data(), tmp_path)) == sorted(
        f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/p/{p.code}"
        for p in (passes.valid, passes.not_yet)
    )


def test_a_typed_code_on_the_checkpoint_screen_opens_the_pass(passes, tree, login_as, at):
    """The screen offers the field; a code typed with dashes goes to the pass's page."""
    at(10)
    client = login_as(tree.worker_a)
    screen = client.get(f"/checkpoints/{passes.checkpoint_id}").get_data(as_text=True)
    assert "扫码核验绿色通行证" in screen and 'action="/passes/find"' in screen
    typed = codes.display(passes.valid.code).lower()
    answer = client.get("/passes/find", query_string={"code": typed})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(passes.valid.code)
    bad = client.get("/passes/find", query_string={"code": "12"})
    assert bad.status_code == 422 and "12 位字母和数字" in bad.get_data(as_text=True)


def test_the_demo_lets_passes_through_at_its_checkpoints_once(passes, app, at):
    """The demo's hook uses the rule: as many checks as handovers, none twice, none early."""
    import random

    from webapp.demo.passes import let_passes_through

    with app.app_context():
        made = let_passes_through(clock.now(), random.Random(3), lambda line: None)
        assert 1 <= made <= 2
        assert checks() == handovers() == made
        assert db.session.scalar(select(func.count()).where(CheckpointCheck.green_channel)) == made
        later = db.session.get(FiledEmployee, passes.not_yet.employee_id)
        assert later.arrived_at is None
        assert let_passes_through(clock.now(), random.Random(3), lambda line: None) == 0


def test_the_demo_hook_skips_quietly_without_checkpoints(tree, app):
    """No checkpoint, no pass: nothing happens and nothing is said."""
    import random

    from webapp.demo.passes import let_passes_through

    said = []
    with app.app_context():
        assert let_passes_through(clock.now(), random.Random(3), said.append) == 0
    assert said == []


def test_no_page_of_a_pass_shows_the_full_id_number_or_phone(passes, tree, login_as, client):
    """The public, the staff, the supervisor: masked numbers only, on every pass's page."""
    readers = [None, tree.worker_a, tree.supervisor_a, tree.admin]
    for reader in readers:
        reading = login_as(reader) if reader else client
        for green_pass in (passes.valid, passes.expired, passes.not_yet):
            for headers in ({}, HX):
                page = reading.get(f"/p/{green_pass.code}", headers=headers).get_data(as_text=True)
                assert ID_NUMBER not in page and PHONE not in page
                assert "13600001111" not in page  # the enterprise's contact


def test_a_signed_in_worker_with_nothing_to_do_with_the_pass_sees_the_public_facts_only(
    passes, tree, login_as
):
    """Worker B (no checkpoint, another branch): no destination, no masked ID number."""
    page = login_as(tree.worker_b).get(f"/p/{passes.valid.code}").get_data(as_text=True)
    assert "王*明" in page and "目的地" not in page and "330702" not in page


def test_the_filings_pages_get_their_print_links_from_one_macro(passes, app):
    """The macro the filing's rows and the whitelist import links the pass, its PDF, the sheet."""
    from flask import render_template_string

    with app.test_request_context():
        green_pass = db.session.get(GreenPass, passes.valid.id)
        html = render_template_string(
            '{% from "passes/_links.html" import pass_links, filing_sheet %}'
            "{{ pass_links(p) }} {{ filing_sheet(p.employee.filing) }}",
            p=green_pass,
        )
    assert f"/p/{green_pass.code}" in html and f"/passes/{green_pass.id}.pdf" in html
    assert f"/passes/filings/{passes.filing_id}.pdf" in html
