"""Self-reports (自报): a resident under home observation reports their own temperature from
their phone through a personal link; the worker goes to the door only when a slot is missed or
a fever is reported."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.models import AuditEntry, FollowUp, Household, Observation, SelfReportLink
from webapp.reports.queries import daily_report

DAY = date(2027, 3, 1)


@pytest.fixture
def at():
    def freeze(hour: int, minute: int = 0, day: date = DAY):
        clock.freeze(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))

    yield freeze
    clock.freeze(None)


@pytest.fixture
def observed(tree, app, at):
    """Grid A's resident under home observation from DAY for 14 days; its id."""
    at(8)
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        observation = Observation(
            resident=household.residents[0],
            household=household,
            start_date=DAY,
            planned_end=DAY + timedelta(days=14),
            reason="外地返回",
            created_by_id=tree.worker_a.id,
        )
        db.session.add(observation)
        db.session.commit()
        return observation.id


def issue(client, observation_id) -> str:
    response = client.post(f"/self-reports/{observation_id}")
    assert response.status_code == 303
    link = db.session.scalars(
        select(SelfReportLink).where(SelfReportLink.observation_id == observation_id)
    ).one()
    return link.code


def send(client, code, temperature="36.6", key="key-self-0001", **extra):
    return client.post(f"/s/{code}", data={"key": key, "temperature": temperature, **extra})


def follow_ups() -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp)))


def test_the_worker_hands_out_a_link_shown_as_a_qr_code(tree, login_as, app, observed, at):
    client = login_as(tree.worker_a)
    with app.app_context():
        code = issue(client, observed)
        page = client.get(f"/observations/{observed}").get_data(as_text=True)
        assert f"/s/{code}" in page and 'src="data:image/png;base64,' in page
        assert db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "self_report_link_issued")
        )
        # Asking again gives the same link, not a second one.
        assert issue(client, observed) == code


def test_the_resident_sees_only_their_initial_and_the_slots(
    tree, login_as, app, observed, client, at
):
    with app.app_context():
        code = issue(login_as(tree.worker_a), observed)
    client.post("/logout")
    at(9)
    page = client.get(f"/s/{code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "张*" in text and "张三" not in text
    assert "1幢1单元101室" not in text and "13912345678" not in text
    assert "330702199001011237" not in text and "湖海塘" not in text
    assert "上午" in text and 'name="temperature"' in text


def test_a_report_fills_the_open_slot_once_marked_self_reported(
    tree, login_as, app, observed, client, at
):
    with app.app_context():
        code = issue(login_as(tree.worker_a), observed)
    client.post("/logout")
    at(9)
    for _ in range(10):
        assert send(client, code).status_code == 303
    with app.app_context():
        (entry,) = follow_ups()
        assert entry.self_reported and entry.worker_id is None
        assert (entry.slot_date, entry.slot, entry.temperature) == (DAY, "am", 36.6)
    assert "✓ 36.6°C" in client.get(f"/s/{code}").get_data(as_text=True)
    # The worker's follow-up list says who recorded it: the resident themselves.
    page = login_as(tree.worker_a).get(f"/observations/{observed}").get_data(as_text=True)
    assert "<td>自报</td>" in page


def test_a_self_reported_fever_raises_the_household_and_alerts(
    tree, login_as, app, observed, client, at
):
    with app.app_context():
        code = issue(login_as(tree.worker_a), observed)
    client.post("/logout")
    at(9)
    assert send(client, code, "38.1").status_code == 303
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).status == "yellow"
    assert "38.1" in login_as(tree.worker_a).get("/today/").get_data(as_text=True)


def test_a_slot_not_self_reported_stays_due_for_the_worker(tree, login_as, app, observed, at):
    worker = login_as(tree.worker_a)
    with app.app_context():
        issue(worker, observed)
    at(13)  # the morning slot is over, and nobody reported it
    today = worker.get("/today/").get_data(as_text=True)
    assert f"/observations/{observed}" in today and "逾期" in today


@pytest.mark.parametrize(
    "temperature, message", [("", "请填写体温"), ("abc", "36.5"), ("45", "34.0")]
)
def test_a_bad_report_says_why_and_saves_nothing(
    tree, login_as, app, observed, client, at, temperature, message
):
    with app.app_context():
        code = issue(login_as(tree.worker_a), observed)
    client.post("/logout")
    at(9)
    response = send(client, code, temperature)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert follow_ups() == []


def test_a_revoked_an_expired_and_an_unknown_link_look_alike(
    tree, login_as, app, observed, client, at
):
    worker = login_as(tree.worker_a)
    with app.app_context():
        code = issue(worker, observed)
    assert worker.post(f"/self-reports/{observed}/revoke").status_code == 303
    worker.post("/logout")
    at(9)
    revoked = client.get(f"/s/{code}")
    unknown = client.get("/s/ZZZZZZZZZZZZ")
    assert revoked.status_code == unknown.status_code == 404
    # The same page, but for the address it was asked at (the language link carries it).
    same = revoked.get_data(as_text=True).replace(code, "ZZZZZZZZZZZZ")
    assert same == unknown.get_data(as_text=True)
    assert send(client, code).status_code == 404
    with app.app_context():
        assert follow_ups() == []

    # A new link after the observation's last day does not work either.
    worker = login_as(tree.worker_a)
    with app.app_context():
        link = SelfReportLink(observation_id=observed, code="T1T1T1T1T1T1", created_by_id=1)
        db.session.add(link)
        db.session.commit()
    worker.post("/logout")
    at(9, day=DAY + timedelta(days=15))
    assert client.get("/s/T1T1T1T1T1T1").status_code == 404


def test_the_daily_report_counts_self_reported_follow_ups(
    tree, login_as, app, observed, client, at
):
    with app.app_context():
        code = issue(login_as(tree.worker_a), observed)
    client.post("/logout")
    at(9)
    send(client, code)
    with app.app_context():
        from webapp.models import Grid

        report = daily_report(db.session.get(Grid, tree.community.id), DAY)
        assert report.total["selfreports"].self_reported == 1
    page = login_as(tree.admin).get(f"/reports/{tree.community.id}?date={DAY}")
    assert "自报" in page.get_data(as_text=True)
