"""Resident requests: the public page and form, the tracking page, the work on a request
(accept, dispatch, urge, return, merge, resolve, rating), escalation by time limits, disputes'
mediation, epidemic leads, and requests entered for a resident."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import make_app
from webapp.extensions import db
from webapp.models import Case, ServiceRequest

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
