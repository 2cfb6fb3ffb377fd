"""Checkpoints (卡口): the office sets one up and puts a worker on it; the worker taps one check
at a time and sees the shift's counters; an arrival registered and handed over appears on the
destination micro-grid's today list until a worker there receives them, and is overdue after
the time limit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.models import Checkpoint, CheckpointCheck, Handover, Resident

HX = {"HX-Request": "true"}
DAY = date(2027, 3, 1)


@pytest.fixture
def at():
    """Freeze the clock: at(hour, minute=0, day=DAY)."""

    def freeze(hour: int, minute: int = 0, day: date = DAY):
        clock.freeze(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))

    yield freeze
    clock.freeze(None)


def checks() -> int:
    return db.session.scalar(select(func.count()).select_from(CheckpointCheck))


def handovers() -> int:
    return db.session.scalar(select(func.count()).select_from(Handover))


@pytest.fixture
def checkpoint(tree, login_as, app, at):
    """A checkpoint of the township, set up by the admin, with worker A on the day shift."""
    at(8)
    admin = login_as(tree.admin)
    response = admin.post(
        "/checkpoints/",
        data={"key": "key-cp-000001", "name": "东入口卡口", "place": "江南路口", "grid_code": "T1"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        cp = db.session.scalars(select(Checkpoint)).one()
        cp_id = cp.id
    response = admin.post(
        f"/checkpoints/{cp_id}/staff", data={"worker_phone": tree.worker_a.phone, "shift": "day"}
    )
    assert response.status_code == 303
    assert "赵网格" in admin.get(f"/checkpoints/{cp_id}/staff").get_data(as_text=True)
    return cp_id


def tap(client, cp, value, key="key-tap-00001", **extra):
    return client.post(
        f"/checkpoints/{cp}/check", data={"key": key, "tap": value, **extra}, headers=HX
    )


def arrival(**overrides):
    data = {
        "key": "key-handover-01",
        "name": "孙返乡",
        "id_number": "330702199203031236",
        "phone": "13700002222",
        "origin": "温州",
        "address": "1幢1单元102室",
        "destination": "湖海塘社区 1幢1单元",
    }
    data.update(overrides)
    return data


def test_a_worker_on_the_checkpoint_finds_it_on_today_and_taps_one_check(
    tree, login_as, app, at, checkpoint
):
    at(9)
    client = login_as(tree.worker_a)
    today = client.get("/today/").get_data(as_text=True)
    assert "东入口卡口" in today and "白班" in today
    page = client.get(f"/checkpoints/{checkpoint}").get_data(as_text=True)
    assert "放行" in page and "劝返" in page and "送隔离点" in page and "登记后放行" in page
    answer = tap(client, checkpoint, "person.let_through")
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert 'id="cp-counters" class="cp-counters" hx-swap-oob="true"' in body
    assert "<dt>人员</dt><dd>1</dd>" in body
    tap(client, checkpoint, "vehicle.let_through", key="key-tap-00002")
    body = tap(client, checkpoint, "person.turned_back", key="key-tap-00003").get_data(as_text=True)
    assert "<dt>人员</dt><dd>2</dd>" in body
    assert "<dt>车辆</dt><dd>1</dd>" in body
    assert "<dt>劝返</dt><dd>1</dd>" in body
    with app.app_context():
        assert checks() == 3


def test_the_same_tap_sent_ten_times_is_one_check(tree, login_as, app, at, checkpoint):
    at(9)
    client = login_as(tree.worker_a)
    for _ in range(10):
        assert tap(client, checkpoint, "person.let_through").status_code == 200
    with app.app_context():
        assert checks() == 1


def test_counters_are_per_shift_and_hour(tree, login_as, app, at, checkpoint):
    from webapp.checkpoints.queries import counters, per_hour, shift_window

    client = login_as(tree.worker_a)
    at(9, 10)
    tap(client, checkpoint, "person.let_through", key="key-tap-00001")
    at(9, 50)
    tap(client, checkpoint, "person.let_through", key="key-tap-00002")
    at(10, 5)
    tap(client, checkpoint, "vehicle.let_through", key="key-tap-00003")
    at(17)  # the evening shift starts from zero
    body = tap(client, checkpoint, "person.isolation", key="key-tap-00004").get_data(as_text=True)
    assert "<dt>人员</dt><dd>1</dd>" in body and "<dt>送隔离点</dt><dd>1</dd>" in body
    with app.app_context():
        cp = db.session.get(Checkpoint, checkpoint)
        first, after = shift_window("day", datetime(2027, 3, 1, 12))
        day = counters(cp, first, after)
        assert (day.persons, day.vehicles, day.outcomes["let_through"]) == (2, 1, 2)
        hours = per_hour(cp, datetime(2027, 3, 1), datetime(2027, 3, 2))
        assert hours == {9: (2, 0), 10: (0, 1), 17: (1, 0)}
        shifts = dict(
            db.session.execute(
                select(CheckpointCheck.shift, func.count()).group_by(CheckpointCheck.shift)
            ).all()
        )
        assert shifts == {"day": 3, "evening": 1}


def test_a_fever_leaves_only_turning_back_or_isolation(tree, login_as, app, at, checkpoint):
    at(9)
    client = login_as(tree.worker_a)
    refused = tap(client, checkpoint, "person.let_through", temperature="37.8")
    assert refused.status_code == 422
    assert "发热" in refused.get_data(as_text=True)
    refused = client.post(f"/checkpoints/{checkpoint}/handover", data=arrival(temperature="38.2"))
    assert refused.status_code == 422
    assert "发热" in refused.get_data(as_text=True)
    with app.app_context():
        assert checks() == 0 and handovers() == 0
    sent = tap(client, checkpoint, "person.isolation", temperature="37.8", key="key-tap-00002")
    assert sent.status_code == 200
    assert "<dt>发热</dt><dd>1</dd>" in sent.get_data(as_text=True)
    with app.app_context():
        made = db.session.scalars(select(CheckpointCheck)).one()
        assert (made.fever, made.temperature, made.outcome) == (True, 37.8, "isolation")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"tap": "person.dance"}, "请选择检查结果"),
        ({"tap": "person.let_through", "temperature": "hot"}, "体温"),
        ({"tap": "person.let_through", "temperature": "50"}, "34.0"),
        ({"tap": "person.let_through", "key": ""}, "重新加载"),
    ],
)
def test_a_bad_tap_says_why_in_chinese_and_saves_nothing(
    tree, login_as, app, at, checkpoint, data, message
):
    at(9)
    client = login_as(tree.worker_a)
    response = client.post(
        f"/checkpoints/{checkpoint}/check", data={"key": "key-tap-00001", **data}, headers=HX
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert checks() == 0


def test_only_the_checkpoints_staff_open_its_screen(tree, login_as, at, checkpoint):
    at(9)
    other = login_as(tree.worker_b)
    assert other.get(f"/checkpoints/{checkpoint}").status_code == 404
    assert tap(other, checkpoint, "person.let_through").status_code == 404
    assert other.get("/checkpoints/").status_code == 403


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"id_number": "330702199203031238"}, "身份证号不正确"),
        ({"phone": "12345"}, "请输入11位手机号"),
        ({"name": ""}, "请输入姓名"),
        ({"destination": "不存在的小区"}, "没有匹配的微网格"),
        ({"destination": "单元"}, "江南街道 · 湖海塘社区 · 第二网格 · 9幢2单元"),
    ],
)
def test_a_bad_handover_says_why_in_chinese_and_saves_nothing(
    tree, login_as, app, at, checkpoint, overrides, message
):
    at(9)
    client = login_as(tree.worker_a)
    response = client.post(f"/checkpoints/{checkpoint}/handover", data=arrival(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert checks() == 0 and handovers() == 0


def test_a_handover_appears_on_the_destination_today_and_closes_when_received(
    tree, login_as, app, at, checkpoint
):
    at(9)
    staff = login_as(tree.worker_a)
    form = staff.get(f"/checkpoints/{checkpoint}/handover").get_data(as_text=True)
    assert "data-outbox" in form
    for _ in range(3):  # resent by the outbox: one handover
        response = staff.post(f"/checkpoints/{checkpoint}/handover", data=arrival(destination="MA"))
        assert response.status_code == 303
    with app.app_context():
        assert handovers() == 1 and checks() == 1
        handover_id = db.session.scalars(select(Handover.id)).one()
    # Worker A is also micro-grid A's worker: the arrival is on their today list at once.
    today = staff.get("/today/").get_data(as_text=True)
    assert "待接收的交接" in today and "孙返乡" in today
    assert "330702199203031236" not in today and "13700002222" not in today
    # Nobody of B sees it.
    other = login_as(tree.worker_b)
    assert "孙返乡" not in other.get("/today/").get_data(as_text=True)
    assert other.get(f"/checkpoints/handovers/{handover_id}").status_code == 404
    # The supervisor of grid A sees it in their subtree.
    supervisor = login_as(tree.supervisor_a)
    assert "孙返乡" in supervisor.get("/today/").get_data(as_text=True)
    page = supervisor.get(f"/checkpoints/handovers/{handover_id}").get_data(as_text=True)
    assert "330702********1236" in page and "137****2222" in page
    assert "330702199203031236" not in page
    at(11)
    received = supervisor.post(
        f"/checkpoints/handovers/{handover_id}", data={"household": tree.household_a.id}
    )
    assert received.status_code == 303
    with app.app_context():
        handover = db.session.get(Handover, handover_id)
        assert handover.received_at == datetime(2027, 3, 1, 11)
        resident = db.session.get(Resident, handover.resident_id)
        assert resident.household_id == tree.household_a.id
        assert resident.status == "light_yellow" and "returnee" in resident.tags
        assert resident.origin == "温州"
    assert "已接收 孙返乡" in supervisor.get("/today/").get_data(as_text=True)  # the flash
    assert "待接收的交接" not in supervisor.get("/today/").get_data(as_text=True)


def test_a_handover_links_a_resident_already_registered(tree, login_as, app, at, checkpoint):
    at(9)
    staff = login_as(tree.worker_a)
    staff.post(
        f"/checkpoints/{checkpoint}/handover",
        data=arrival(name="张三", id_number=tree.resident_a.id_number, destination="MA"),
    )
    with app.app_context():
        handover_id = db.session.scalars(select(Handover.id)).one()
        residents = db.session.scalar(select(func.count()).select_from(Resident))
    neither = staff.post(f"/checkpoints/handovers/{handover_id}", data={})
    assert neither.status_code == 422
    assert "请选择" in neither.get_data(as_text=True)
    response = staff.post(
        f"/checkpoints/handovers/{handover_id}", data={"resident": tree.resident_a.id}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Handover, handover_id).resident_id == tree.resident_a.id
        assert db.session.scalar(select(func.count()).select_from(Resident)) == residents


def test_a_handover_not_received_in_time_is_overdue(tree, login_as, app, at, checkpoint):
    at(9)
    staff = login_as(tree.worker_a)
    staff.post(f"/checkpoints/{checkpoint}/handover", data=arrival(destination="MA"))
    at(8, 59, day=DAY + timedelta(days=1))
    assert "件逾期" not in staff.get("/today/").get_data(as_text=True)
    at(9, 0, day=DAY + timedelta(days=1))
    today = staff.get("/today/").get_data(as_text=True)
    assert "1 件逾期" in today
    supervisor = login_as(tree.supervisor_a)
    page = supervisor.get("/today/").get_data(as_text=True)
    assert "1 件逾期" in page
    assert "逾期交接" in page  # the per-area column


def test_the_time_limit_is_a_setting(tree, login_as, app, at, checkpoint):
    """The limit is read when the handover's clock starts (as a request's is)."""
    at(9)
    staff = login_as(tree.worker_a)
    app.config["HANDOVER_LIMIT_HOURS"] = 2
    try:
        staff.post(f"/checkpoints/{checkpoint}/handover", data=arrival(destination="MA"))
    finally:
        app.config["HANDOVER_LIMIT_HOURS"] = 24
    at(10, 59)
    assert "件逾期" not in staff.get("/today/").get_data(as_text=True)
    at(11)
    assert "1 件逾期" in staff.get("/today/").get_data(as_text=True)
