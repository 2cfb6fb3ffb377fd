"""Resident requests: the public page and form, the tracking page, the work on a request
(accept, dispatch, urge, return, merge, resolve, rating), escalation by time limits, disputes'
mediation, epidemic leads, and requests entered for a resident."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import make_app
from webapp import clock
from webapp.extensions import db
from webapp.models import Case, CaseEvent, ServiceRequest

NEED = {"category": "need", "text": "楼道灯坏了，晚上看不见", "key": "sendkey-0001"}


def send(client, code="MA", **changes):
    data = {**NEED, **changes}
    return client.post(f"/r/{code}", data=data)


def tracking_code(response) -> str:
    return response.headers["Location"].split("/r/track/")[1].split("?")[0]


def count_requests(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ServiceRequest))


def test_public_page_shows_the_micro_grid_and_its_form(tree, client):
    """Anyone opens /r/<code>: the micro-grid, its place, the form, and who sees their data."""
    page = client.get("/r/MA").get_data(as_text=True)
    assert "1幢1单元" in page and "湖海塘社区" in page and "江南街道" in page
    assert 'name="category"' in page and 'name="website"' in page
    assert "查询页面不会显示" in page


def test_leader_phone_is_masked_unless_they_agreed(tree, client, app):
    """The leader's phone is masked; a tap-to-call link only once they agreed to show it."""
    page = client.get("/r/MA").get_data(as_text=True)
    assert "赵网格" in page and "139****0003" in page and "tel:" not in page
    with app.app_context():
        from webapp.models import Worker

        db.session.get(Worker, tree.worker_a.id).phone_public = True
        db.session.commit()
    assert 'href="tel:13900000003"' in client.get("/r/MA").get_data(as_text=True)


def test_a_resident_sends_a_need_and_gets_a_tracking_code(tree, client, app):
    """A plain form post makes one request and goes to its tracking page with the code."""
    response = send(client, name="王阿姨", phone="13812345678", address="1幢1单元301")
    assert response.status_code == 303
    code = tracking_code(response)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "截图" in page and code[:4] in page
    assert count_requests(app) == 2  # the tree's own request of B, and this one


def test_htmx_submit_answers_with_the_code_fragment(tree, client, app):
    """With htmx the answer is the fragment with the code, not a whole page."""
    response = client.post("/r/MA", data=NEED, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "/r/track/" in body and "code-big" in body


def test_tracking_page_shows_no_requester_data_and_no_worker_phone(tree, client, app, login_as):
    """The tracking page names the step and a masked worker, never phone, name or address."""
    code = tracking_code(send(client, name="王阿姨", phone="13812345678", address="1幢1单元301"))
    worker = login_as(tree.worker_a)
    case_id = by_code(app, code).id
    worker.post(f"/requests/{case_id}/accept")
    page = client.get(f"/r/track/{code}").get_data(as_text=True)
    assert "已受理" in page and "赵*" in page
    for secret in ("王阿姨", "13812345678", "1幢1单元301", "13900000003", "赵网格"):
        assert secret not in page


def by_code(app, code) -> Case:
    with app.app_context():
        return db.session.scalar(select(Case).where(Case.code == code))


def test_ten_identical_submits_make_one_request(tree, client, app):
    """A double tap or a retry with the same key is one request, with the same code."""
    codes = {tracking_code(send(client)) for _ in range(10)}
    assert len(codes) == 1
    assert count_requests(app) == 2


def test_the_same_text_again_with_a_new_key_is_the_same_request(tree, client, app):
    """Reloading the page and sending the same words again does not make a second one."""
    first = tracking_code(send(client, key="sendkey-aaaa"))
    again = tracking_code(send(client, key="sendkey-bbbb"))
    assert first == again and count_requests(app) == 2


def test_honeypot_saves_nothing(tree, client, app):
    """A robot that fills the hidden field gets no request made."""
    response = send(client, website="http://spam.example")
    assert response.status_code == 400
    assert count_requests(app) == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"text": ""}, "请写明"),
        ({"text": "长" * 10_000}, "最多 500 个字"),
        ({"category": "lottery"}, "不是有效的选择"),
        ({"phone": "12345"}, "11位手机号"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_saved(tree, client, app, changes, message):
    """Empty or overlong text, an unknown category, a bad phone: a Chinese message, no request."""
    response = send(client, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_requests(app) == 1


def test_a_bad_photo_is_refused_and_nothing_saved(tree, client, app):
    """A file that is not a picture is refused with the photos' message."""
    data = {**NEED, "photo": (io.BytesIO(b"not a picture" * 40), "x.jpg")}
    response = client.post("/r/MA", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "不是可读取的 JPEG 或 PNG 图片" in response.get_data(as_text=True)
    assert count_requests(app) == 1


def test_a_photo_is_kept_for_the_workers(tree, client, app, login_as):
    """A real photo is stored (re-encoded) and the micro-grid's worker can open it."""
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(out, "PNG")
    data = {**NEED, "photo": (io.BytesIO(out.getvalue()), "lamp.png")}
    response = client.post("/r/MA", data=data, content_type="multipart/form-data")
    case_id = by_code(app, tracking_code(response)).id
    photo = login_as(tree.worker_a).get(f"/requests/{case_id}/photo")
    assert photo.status_code == 200 and photo.data[:2] == b"\xff\xd8"


def test_unknown_and_inactive_codes_look_alike(tree, client, app):
    """An unknown grid code, a grid that is not a micro-grid and an inactive one: one 404."""
    with app.app_context():
        from webapp.models import Grid

        db.session.get(Grid, tree.micro_b.id).active = False
        db.session.commit()
    bodies = set()
    for url in ("/r/NOPE", "/r/GA", "/r/MB"):
        response = client.get(url)
        assert response.status_code == 404
        bodies.add(response.get_data(as_text=True).split("<main")[1])
    assert len(bodies) == 1 and "没有找到" in bodies.pop()


def test_unknown_tracking_code_looks_like_a_wrong_one(tree, client):
    """A code that was never given and text that is no code get the same page."""
    one = client.get("/r/track/AAAABBBBCCCC")
    two = client.get("/r/track/hello")
    assert one.status_code == two.status_code == 404
    assert (
        one.get_data(as_text=True).split("<main")[1] == two.get_data(as_text=True).split("<main")[1]
    )


def test_rate_limit_per_address(db_url, tree):
    """Past the per-address limit the form answers 429 in Chinese and saves nothing more."""
    app = make_app(db_url, RATELIMIT_REQUEST_ADDRESS="2 per minute")
    client = app.test_client()
    for n in range(2):
        assert send(client, key=f"sendkey-{n:04d}", text=f"第{n}次").status_code == 303
    refused = send(client, key="sendkey-9999", text="第三次")
    assert refused.status_code == 429 and "过多" in refused.get_data(as_text=True)
    assert count_requests(app) == 3


def test_rate_limit_per_micro_grid(db_url, tree):
    """A flood aimed at one micro-grid from many addresses stops at its own limit."""
    app = make_app(db_url, RATELIMIT_REQUEST_GRID="2 per minute")
    client = app.test_client()
    for n in range(3):
        response = client.post(
            "/r/MA",
            data={**NEED, "key": f"sendkey-{n:04d}", "text": f"第{n}次"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"},
        )
    assert response.status_code == 429
    assert send(client, code="MB", key="sendkey-other").status_code == 303


# --- the work on a request -------------------------------------------------------------------

T0 = datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def frozen():
    clock.freeze(T0)
    yield lambda at: clock.freeze(at)
    clock.freeze(None)


def sent_request(client, app, category="need", text="楼道灯坏了", **extra) -> Case:
    key = "k-" + hashlib.md5(f"{category}{text}".encode()).hexdigest()[:16]
    response = send(client, category=category, text=text, key=key, **extra)
    return by_code(app, tracking_code(response))


def timeline_of(app, case_id) -> list[tuple[str, datetime, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(CaseEvent.kind, CaseEvent.at, CaseEvent.grid_id)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.at, CaseEvent.id)
        )
        return [tuple(r) for r in rows]


def test_worker_sees_it_on_today_accepts_and_resolves_resident_rates(
    tree, client, app, login_as, frozen
):
    """The micro-grid's worker finds it on today (with its count), accepts, resolves; the
    resident rates it satisfied and it closes."""
    case = sent_request(client, app)
    worker = login_as(tree.worker_a)
    today = worker.get("/today/").get_data(as_text=True)
    assert "居民诉求" in today and "楼道灯坏了" in today
    assert f'/requests/{case.id}"' in today
    assert worker.post(f"/requests/{case.id}/accept").status_code == 303
    frozen(T0 + timedelta(hours=3))
    assert worker.post(f"/requests/{case.id}/resolve", data={"text": "已换灯泡"}).status_code == 303
    resident = app.test_client()
    page = resident.get(f"/r/track/{case.code}").get_data(as_text=True)
    assert "已办结" in page and "已换灯泡" in page
    resident.post(f"/r/track/{case.code}/rate", data={"rating": "satisfied"})
    assert "已关闭" in resident.get(f"/r/track/{case.code}").get_data(as_text=True)
    kinds = [k for k, _at, _g in timeline_of(app, case.id)]
    assert kinds == ["submitted", "accepted", "resolved", "rated", "closed"]


def test_a_closed_request_cannot_be_rated_twice(tree, client, app, login_as, frozen):
    """A second rating of a closed request: a Chinese message, nothing changes."""
    case = sent_request(client, app)
    login_as(tree.worker_a).post(f"/requests/{case.id}/resolve", data={"text": "好了"})
    resident = app.test_client()
    resident.post(f"/r/track/{case.code}/rate", data={"rating": "satisfied"})
    again = resident.post(f"/r/track/{case.code}/rate", data={"rating": "unsatisfied"})
    assert again.status_code == 422
    assert "只能评价已办结" in again.get_data(as_text=True)
    assert by_code(app, case.code).rating == "satisfied"


def test_escalation_without_any_page_opened(tree, client, app, frozen):
    """An epidemic lead nobody accepts rises a level every 2 hours: at 2 h to the grid, at
    4 h to the community, at 6 h to the township, each at the minute it fell due."""
    case = sent_request(client, app, category="epidemic", text="301 昨天从风险地区回来")
    from webapp.cases import clock as case_clock
    from webapp.cases.timeline import steps

    with app.app_context():

        def held(at):
            loaded = db.session.get(Case, case.id)
            return case_clock.position(loaded, at)

        assert held(T0 + timedelta(hours=1, minutes=59)).holder_id == tree.micro_a.id
        assert held(T0 + timedelta(hours=2)).holder_id == tree.grid_a.id
        assert held(T0 + timedelta(hours=4)).holder_id == tree.community.id
        later = held(T0 + timedelta(hours=6, minutes=30))
        assert later.holder_id == tree.township.id and later.overdue
        rises = [
            (s.at, s.grid.id)
            for s in steps(db.session.get(Case, case.id), T0 + timedelta(hours=6, minutes=30))
            if s.kind == "escalated"
        ]
        assert rises == [
            (T0 + timedelta(hours=2), tree.grid_a.id),
            (T0 + timedelta(hours=4), tree.community.id),
            (T0 + timedelta(hours=6), tree.township.id),
        ]


def test_lists_and_counts_agree_with_the_clock(tree, client, app, login_as, frozen):
    """After 24 h unaccepted a need is the grid leader's, red, and no longer the micro-grid's."""
    case = sent_request(client, app)
    frozen(T0 + timedelta(hours=24))
    worker = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    assert f'/requests/{case.id}"' not in worker
    supervisor = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    assert f'/requests/{case.id}"' in supervisor and "已超时" in supervisor
    listed = login_as(tree.supervisor_a).get("/requests/?overdue=1").get_data(as_text=True)
    assert f'/requests/{case.id}"' in listed


def test_acting_after_a_rise_writes_it_at_its_own_time(tree, client, app, login_as, frozen):
    """The grid leader accepts at 30 h: the timeline keeps the rise at 24 h, then the accept."""
    case = sent_request(client, app)
    frozen(T0 + timedelta(hours=30))
    login_as(tree.supervisor_a).post(f"/requests/{case.id}/accept")
    steps_ = timeline_of(app, case.id)
    assert steps_[1] == ("escalated", T0 + timedelta(hours=24), tree.grid_a.id)
    assert steps_[2][0] == "accepted" and steps_[2][1] == T0 + timedelta(hours=30)
    assert by_code(app, case.code).accepted_in_time is False


def test_return_goes_up_one_level_with_its_reason(tree, client, app, login_as, frozen):
    """The micro-grid returns it (not its matter): the grid holds it, the reason is kept."""
    case = sent_request(client, app)
    response = login_as(tree.worker_a).post(
        f"/requests/{case.id}/return", data={"text": "属于物业管理范围"}
    )
    assert response.status_code == 303
    after = by_code(app, case.code)
    assert after.state == "returned" and after.holder_id == tree.grid_a.id
    assert timeline_of(app, case.id)[-1][0] == "returned"


def test_supervisor_dispatches_to_a_named_worker_and_urges(tree, client, app, login_as, frozen):
    """派单 to the micro-grid's worker with a note, then 督办: both on the timeline, and the
    urge on the worker's today list."""
    case = sent_request(client, app)
    supervisor = login_as(tree.supervisor_a)
    supervisor.post(f"/requests/{case.id}/return", data={"text": "先看看"})
    response = supervisor.post(
        f"/requests/{case.id}/dispatch",
        data={"target": f"w{tree.worker_a.id}", "text": "请今天上门"},
    )
    assert response.status_code == 303
    supervisor.post(f"/requests/{case.id}/urge", data={"text": "尽快"})
    after = by_code(app, case.code)
    assert after.assignee_id == tree.worker_a.id and after.holder_id == tree.micro_a.id
    kinds = [k for k, _a, _g in timeline_of(app, case.id)]
    assert kinds[-2:] == ["dispatched", "urged"]
    today = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    assert "督办" in today


def test_dispatch_outside_the_way_is_refused(tree, client, app, login_as):
    """A target that is not offered (grid B) is refused in Chinese; nothing changes."""
    case = sent_request(client, app)
    response = login_as(tree.supervisor_a).post(
        f"/requests/{case.id}/dispatch", data={"target": f"g{tree.micro_b.id}"}
    )
    assert response.status_code in (404, 422)
    assert by_code(app, case.code).holder_id == tree.micro_a.id


def test_merge_a_duplicate(tree, client, app, login_as):
    """A duplicate is merged into the first request; both timelines say so."""
    first = sent_request(client, app, text="门口垃圾没人清")
    second = sent_request(client, app, text="门口垃圾堆了三天")
    response = login_as(tree.supervisor_a).post(
        f"/requests/{second.id}/merge", data={"into": first.code.lower()}
    )
    assert response.status_code == 303
    assert by_code(app, second.code).state == "merged"
    assert timeline_of(app, first.id)[-1][0] == "merged_in"


def test_unsatisfied_reopens_it_one_level_up(tree, client, app, login_as):
    """不满意: the request is reopened for the level above the micro-grid that resolved it."""
    case = sent_request(client, app)
    login_as(tree.worker_a).post(f"/requests/{case.id}/resolve", data={"text": "处理了"})
    app.test_client().post(
        f"/r/track/{case.code}/rate", data={"rating": "unsatisfied", "comment": "灯还是不亮"}
    )
    after = by_code(app, case.code)
    assert after.state == "reopened" and after.holder_id == tree.grid_a.id
    supervisor = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    assert f'/requests/{case.id}"' in supervisor


def test_mediation_of_a_dispute_is_recorded_and_resolves_it(tree, client, app, login_as):
    """The leader mediates with the women's federation chair: the record, and it is resolved."""
    case = sent_request(client, app, category="dispute", text="楼上楼下因漏水吵架")
    response = login_as(tree.worker_a).post(
        f"/requests/{case.id}/mediation",
        data={
            "parties": "301 张某, 201 李某",
            "mediator": str(tree.worker_a.id),
            "others": "李红, 社区妇联主席",
            "held_on": "2026-11-30",
            "place": "社区调解室",
            "outcome": "settled",
            "agreement": "301 负责维修，费用各半",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        from webapp.models import Mediation

        mediation = db.session.scalar(select(Mediation))
        assert [m["name"] for m in mediation.mediators] == ["赵网格", "李红"]
        assert mediation.mediators[1]["role"] == "社区妇联主席"
    assert by_code(app, case.code).state == "resolved"
    page = login_as(tree.worker_a).get(f"/requests/{case.id}").get_data(as_text=True)
    assert "调解成功" in page and "社区调解室" in page


def test_a_failed_mediation_is_referred_up(tree, client, app, login_as):
    """未达成 with "refer it up": the request goes to the grid, still open."""
    case = sent_request(client, app, category="dispute", text="家庭纠纷")
    login_as(tree.worker_a).post(
        f"/requests/{case.id}/mediation",
        data={
            "parties": "王某夫妇",
            "others": "李红, 社区妇联主席",
            "held_on": "2026-11-30",
            "place": "家中",
            "outcome": "failed",
            "refer_up": "y",
        },
    )
    after = by_code(app, case.code)
    assert after.state == "returned" and after.holder_id == tree.grid_a.id


def test_epidemic_lead_links_a_household_and_raises_it_light_yellow(tree, client, app, login_as):
    """One tap raises the linked household to light yellow, the request as the reason."""
    case = sent_request(client, app, category="epidemic", text="101 家人昨天从外地回来")
    worker = login_as(tree.worker_a)
    worker.post(f"/requests/{case.id}/link", data={"household_id": tree.household_a.id})
    assert worker.post(f"/requests/{case.id}/raise").status_code == 303
    with app.app_context():
        from webapp.models import Household, StatusChange

        assert db.session.get(Household, tree.household_a.id).status == "light_yellow"
        change = db.session.scalar(select(StatusChange))
        assert case.code[:4] in change.reason and change.worker_id == tree.worker_a.id


def test_worker_enters_a_request_for_a_resident(tree, app, login_as):
    """From the household page: the same flow, entered by the worker, on today."""
    worker = login_as(tree.worker_a)
    assert "代居民登记诉求" in worker.get(f"/households/{tree.household_a.id}").get_data(
        as_text=True
    )
    response = worker.post(
        f"/requests/households/{tree.household_a.id}/new",
        data={"category": "need", "text": "老人需要代买药", "key": "worker-key-1", "phone": ""},
    )
    assert response.status_code == 303
    with app.app_context():
        sent = db.session.scalar(
            select(ServiceRequest).where(ServiceRequest.household_id == tree.household_a.id)
        )
        assert sent.channel == "worker" and sent.case.created_by_id == tree.worker_a.id
    assert "老人需要代买药" in worker.get("/today/").get_data(as_text=True)


def test_requester_phone_is_masked_and_revealed_on_the_trail(tree, client, app, login_as):
    """The holder sees 138****5678 and, after the logged reveal, the full number."""
    case = sent_request(client, app, phone="13812345678", name="王阿姨")
    worker = login_as(tree.worker_a)
    page = worker.get(f"/requests/{case.id}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    revealed = worker.post(f"/requests/{case.id}/reveal").get_data(as_text=True)
    assert "13812345678" in revealed
    with app.app_context():
        from webapp.models import AuditEntry

        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reveal"))
        assert entry.object_type == "request" and entry.object_id == case.id


def test_request_list_export_is_masked_unless_full(tree, client, app, login_as):
    """The supervisor's export masks phones; in full only when asked by one who may reveal."""
    sent_request(client, app, phone="13812345678")
    supervisor = login_as(tree.supervisor_a)
    masked = supervisor.get("/requests/export?fmt=csv").get_data()
    assert b"138****5678" in masked and b"13812345678" not in masked
    full = supervisor.get("/requests/export?fmt=csv&full=1").get_data()
    assert b"13812345678" in full
    xlsx = supervisor.get("/requests/export?fmt=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


# --- the report's figures, counted one request at a time -------------------------------------


def direct_request_figures(prefix: str, start: datetime, end: datetime, at: datetime):
    """The requests' figures of [start, end) for the subtree at `prefix`, row by row."""
    from webapp.cases.states import OPEN, SATISFIED
    from webapp.models import Grid, Mediation
    from webapp.requests.report import RequestFigures

    paths = dict(db.session.execute(select(Grid.id, Grid.path)).all())
    f = RequestFigures()
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.kind == "request"))}
    for c in cases.values():
        if not paths[c.grid_id].startswith(prefix) or c.created_at >= end:
            continue

        def inside(moment):
            return moment is not None and start <= moment < end

        f.new += inside(c.created_at)
        f.accepted_in_time += inside(c.accepted_at) and bool(c.accepted_in_time)
        f.resolved += inside(c.resolved_at)
        f.overdue += c.state in OPEN and c.due_at is not None and c.due_at <= at
        f.rated += inside(c.rated_at)
        f.satisfied += inside(c.rated_at) and c.rating in SATISFIED
    for m in db.session.scalars(select(Mediation)):
        case = cases[m.case_id]
        if paths[case.grid_id].startswith(prefix) and start.date() <= m.held_on < end.date():
            f.mediated += 1
            f.settled += m.outcome == "settled"
    return f


def test_report_figures_equal_direct_counts(tree, client, app, login_as, frozen):
    """New, accepted in time, resolved, overdue now, satisfaction and mediations per child
    node equal a count made one request at a time, on the page and in the PDF alike."""
    from webapp.models import Grid
    from webapp.reports.queries import daily_report

    a = sent_request(client, app, text="甲")
    b = sent_request(client, app, text="乙")
    dispute = sent_request(client, app, category="dispute", text="丙")
    sent_request(client, app, category="epidemic", text="丁")  # left alone: overdue at 2 h
    worker = login_as(tree.worker_a)
    worker.post(f"/requests/{a.id}/accept")
    worker.post(f"/requests/{a.id}/resolve", data={"text": "好"})
    worker.post(
        f"/requests/{dispute.id}/mediation",
        data={
            "parties": "甲乙",
            "others": "李红, 社区妇联主席",
            "held_on": "2026-12-01",
            "place": "调解室",
            "outcome": "settled",
        },
    )
    app.test_client().post(f"/r/track/{a.code}/rate", data={"rating": "mostly"})
    app.test_client().post(f"/r/track/{dispute.code}/rate", data={"rating": "unsatisfied"})
    frozen(T0 + timedelta(hours=30))
    worker.post(f"/requests/{b.id}/accept")  # late
    at = T0 + timedelta(hours=30)
    start, end = datetime(2026, 12, 1), datetime(2026, 12, 2)
    with app.app_context():
        for node_id in (tree.root.id, tree.community.id, tree.grid_a.id):
            node = db.session.get(Grid, node_id)
            report = daily_report(node, T0.date(), at)
            assert report.total["requests"] == direct_request_figures(node.path, start, end, at)
            for child, row in report.rows:
                assert row["requests"] == direct_request_figures(child.path, start, end, at)
        total = daily_report(db.session.get(Grid, tree.grid_a.id), T0.date(), at).total
    figures = total["requests"]
    assert (figures.new, figures.resolved, figures.mediated, figures.settled) == (4, 2, 1, 1)
    assert figures.rated == 2 and figures.satisfaction == 50 and figures.overdue >= 1
    supervisor = login_as(tree.supervisor_a)
    page = supervisor.get(f"/reports/{tree.grid_a.id}?date=2026-12-01").get_data(as_text=True)
    assert "居民诉求（按下辖区域）" in page and "50%" in page


def test_demo_has_a_month_of_requests_with_true_things_to_show(app):
    """The small demo: every category, late ones with their rises, mediations, ratings; every
    request's page and tracking page open."""
    from bench.common import signed_in_client
    from webapp.demo import load_demo
    from webapp.models import Mediation

    with app.app_context():
        load_demo("small", echo=lambda line: None)
        categories = set(
            db.session.scalars(select(Case.category).where(Case.kind == "request").distinct())
        )
        kinds = set(db.session.scalars(select(CaseEvent.kind).distinct()))
        # Requests only: the checkpoints' handovers are cases too (of their own kind).
        requests = select(Case).where(Case.kind == "request")
        ids = db.session.scalars(requests.with_only_columns(Case.id).limit(40)).all()
        codes = db.session.scalars(requests.with_only_columns(Case.code).limit(25)).all()
        assert categories == {"need", "complaint", "dispute", "epidemic"}
        assert {"escalated", "accepted", "resolved", "rated", "closed", "mediation"} <= kinds
        assert db.session.scalar(select(func.count()).select_from(Mediation)) > 0
        future = db.session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.at > clock.now())
        )
        assert future == 0
    admin = signed_in_client(app)
    assert all(admin.get(f"/requests/{i}").status_code == 200 for i in ids)
    public = app.test_client()
    assert all(public.get(f"/r/track/{code}").status_code == 200 for code in codes)


def test_report_page_and_pdf_show_the_same_request_figures(tree, client, app, login_as, tmp_path):
    """The requests' table has the same numbers on the report page and in its PDF."""
    import re
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    case = sent_request(client, app)
    login_as(tree.worker_a).post(f"/requests/{case.id}/resolve", data={"text": "好"})
    app.test_client().post(f"/r/track/{case.code}/rate", data={"rating": "satisfied"})
    supervisor = login_as(tree.supervisor_a)
    page = supervisor.get(f"/reports/{tree.grid_a.id}").get_data(as_text=True)
    table = page.split('class="figures requests"', 1)[1].split("</table>", 1)[0]
    cells = re.sub(r"<[^>]+>", " ", table.split("1幢1单元", 1)[1].split("</tr>", 1)[0]).split()
    path = tmp_path / "report.pdf"
    path.write_bytes(supervisor.get(f"/reports/{tree.grid_a.id}/pdf").data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    block = text.split("居民诉求（按下辖区域）", 1)[1]
    line = next(line for line in block.splitlines() if line.strip().startswith("1幢1单元"))
    assert line.split("1幢1单元", 1)[1].split() == cells == ["1", "1", "1", "0", "100%", "0", "0"]
