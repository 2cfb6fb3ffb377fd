"""Colour changes (四色预警 + 浅黄): kept with who, when, from, to and why; never lost."""

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Household, Resident, StatusChange

from .conftest import RETURNEE

HX = {"HX-Request": "true"}


def mark(client, household_id, status="red", key="key-status-01", version="1", **extra):
    data = {"key": key, "status": status, "reason": "确诊病例", "version": version, **extra}
    return client.post(f"/statuses/household/{household_id}", data=data, headers=HX)


def history(app):
    with app.app_context():
        return db.session.execute(
            select(
                StatusChange.from_status, StatusChange.to_status, StatusChange.worker_id
            ).order_by(StatusChange.id)
        ).all()


def test_worker_marks_a_household_red_with_a_reason(tree, login_as, app):
    """The card comes back red; the change is in the history with who and why."""
    client = login_as(tree.worker_a)
    response = mark(client, tree.household_a.id)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "s-red" in body and "<html" not in body
    assert 'hx-swap-oob="afterbegin:#timeline"' in body and "确诊病例" in body
    # The colour picker comes back holding red, so that reopening it does not offer green.
    assert 'id="swatches" hx-swap-oob="true"' in body
    assert 'value="red" checked' in body and 'value="green" checked' not in body
    assert len(response.get_data()) <= 1536
    assert history(app) == [("green", "red", tree.worker_a.id)]
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "绿 → 红，确诊病例" in page


def test_marking_from_the_list_swaps_the_row_only(tree, login_as):
    """From a micro-grid row the answer is the row and the counters, within 1.5 KB."""
    client = login_as(tree.worker_a)
    headers = {**HX, "HX-Target": f"h{tree.household_a.id}"}
    response = client.post(
        f"/statuses/household/{tree.household_a.id}",
        data={"key": "key-status-02", "status": "orange", "reason": "密接", "page": "row"},
        headers=headers,
    )
    assert response.status_code == 200
    assert len(response.get_data()) <= 1536
    body = response.get_data(as_text=True)
    assert 'class="dot s-orange"' in body
    # The counters already count the household as orange.
    assert '<b class="s-orange">橙 1</b>' in body


def test_reason_is_required(tree, login_as, app):
    """No reason, no change: 422 with the message in Chinese."""
    client = login_as(tree.worker_a)
    response = client.post(
        f"/statuses/household/{tree.household_a.id}",
        data={"key": "key-status-03", "status": "green", "reason": ""},
        headers=HX,
    )
    assert response.status_code == 422
    assert "请填写调整原因" in response.get_data(as_text=True)
    assert history(app) == []


def test_unknown_colour_is_refused(tree, login_as, app):
    """A colour that does not exist is refused."""
    client = login_as(tree.worker_a)
    assert mark(client, tree.household_a.id, status="purple").status_code == 422
    assert history(app) == []


def test_same_key_ten_times_changes_once(tree, login_as, app):
    """Ten copies of one submission: one change in the history, the same answer each time."""
    client = login_as(tree.worker_a)
    codes = {mark(client, tree.household_a.id).status_code for _ in range(10)}
    assert codes == {200}
    assert len(history(app)) == 1


def test_two_workers_at_once_get_a_conflict(tree, login_as, app):
    """Two sessions saw version 1; the second gets the conflict message with the current colour
    and can re-apply; the history holds exactly what happened."""
    first = login_as(tree.worker_a)
    assert mark(first, tree.household_a.id, "orange", key="key-first-0001").status_code == 200
    second = app.test_client()
    second.post("/login", data={"phone": tree.supervisor_a.phone, "password": "secret-pass-1"})
    conflict = mark(second, tree.household_a.id, "yellow", key="key-second-001")
    body = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    # Who changed it, when and why, and the history redrawn with that change in it.
    assert f"{tree.worker_a.name} 于" in body and "修改了这户" in body and "橙" in body
    assert 'id="timeline"' in body and "hx-swap-oob" in body
    assert history(app) == [("green", "orange", tree.worker_a.id)]
    new_version = body.split('id="version" value="')[1].split('"')[0]
    again = mark(second, tree.household_a.id, "yellow", key="key-second-002", version=new_version)
    assert again.status_code == 200
    assert [h[:2] for h in history(app)] == [("green", "orange"), ("orange", "yellow")]


def test_marking_a_resident_raises_the_household(tree, login_as, app):
    """A resident marked orange makes a green household orange too, both in the history."""
    client = login_as(tree.worker_a)
    response = client.post(
        f"/statuses/resident/{tree.resident_a.id}",
        data={"key": "key-resident-1", "status": "orange", "reason": "密切接触者"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Resident, tree.resident_a.id).status == "orange"
        assert db.session.get(Household, tree.household_a.id).status == "orange"
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 2


@pytest.mark.parametrize("url", ["/statuses/household/{hb}", "/statuses/resident/{rb}"])
def test_worker_cannot_mark_another_grid(tree, login_as, app, url):
    """Guessing an id of grid B answers 404 and changes nothing."""
    client = login_as(tree.worker_a)
    target = url.format(hb=tree.household_b.id, rb=tree.resident_b.id)
    data = {"key": "key-guess-0001", "status": "red", "reason": "x"}
    assert client.post(target, data=data).status_code == 404
    assert history(app) == []


def test_turning_red_shows_on_todays_list(tree, login_as):
    """A household that turned red today is on the today list of its supervisor."""
    mark(login_as(tree.worker_a), tree.household_a.id)
    page = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    assert "今日转为红码/橙码" in page and tree.household_a.address in page


def test_a_change_made_between_loading_and_writing_is_refused(tree, app):
    """Another worker's change lands after this request loaded the household: the colour is not
    written over it and nothing is recorded (the view answers 409)."""
    from sqlalchemy.orm.exc import StaleDataError

    from webapp.statuses.rules import set_household_status

    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)  # version 1
        with db.engine.begin() as other:  # the other worker's write, committed meanwhile
            other.execute(
                Household.__table__.update()
                .where(Household.__table__.c.id == household.id)
                .values(status="orange", version=2)
            )
        with pytest.raises(StaleDataError):
            set_household_status(household, "red", "确诊病例", tree.worker_a.id, "key-race-0001")
        db.session.rollback()
        assert db.session.get(Household, household.id).status == "orange"
    assert history(app) == []


def test_a_returnee_raises_the_household_and_counts_as_a_member(tree, login_as, app):
    """The colour is written at once and the member count at the commit, one version after the
    other: both land, and the page's version lets the next change through."""
    with app.app_context():
        before = db.session.get(Household, tree.household_a.id).member_count
    client = login_as(tree.worker_a)
    client.post(
        f"/residents/new/{tree.household_a.id}",
        data=RETURNEE,
    )
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        assert (household.status, household.member_count) == ("light_yellow", before + 1)
        version = household.version
    again = mark(client, tree.household_a.id, "yellow", key="key-after-0001", version=str(version))
    assert again.status_code == 200
    assert [h[:2] for h in history(app)] == [("green", "light_yellow"), ("light_yellow", "yellow")]


def test_a_copy_that_loses_the_version_race_answers_as_the_first(tree, login_as, app, monkeypatch):
    """A copy loaded the household before the first copy committed, then finds the version
    moved on: its key went through, so it gets the first copy's answer, not the conflict."""
    import threading

    from webapp import scope

    client = login_as(tree.worker_a)
    other = app.test_client()
    other.post("/login", data={"phone": tree.worker_a.phone, "password": "secret-pass-1"})
    load, answers, raced = scope.get_household_or_404, [], []

    def load_then_let_the_first_copy_commit(household_id: int):
        household = load(household_id)  # version 1, as both copies saw it
        if not raced:  # only the late copy waits; the first one goes straight through
            raced.append(True)
            first = threading.Thread(
                target=lambda: answers.append(mark(other, tree.household_a.id, key="key-race-0002"))
            )
            first.start()
            first.join()
        return household

    monkeypatch.setattr(scope, "get_household_or_404", load_then_let_the_first_copy_commit)
    late = mark(client, tree.household_a.id, key="key-race-0002")
    assert answers[0].status_code == 200
    assert late.status_code == 200, late.get_data(as_text=True)
    assert "s-red" in late.get_data(as_text=True) and "刚才有人修改了该户" not in late.get_data(
        as_text=True
    )
    assert history(app) == [("green", "red", tree.worker_a.id)]


def test_ten_copies_sent_together_make_one_change(tree, login_as, app):
    """Ten copies of one colour change sent at once by ten threads: one row, ten 200s."""
    import threading

    client = login_as(tree.worker_a)
    cookie = client.get_cookie("session").value
    start, codes = threading.Barrier(10), []

    def send():
        copy = app.test_client()
        copy.set_cookie("session", cookie)
        start.wait()
        codes.append(mark(copy, tree.household_a.id, key="key-race-0010").status_code)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] * 10
    assert history(app) == [("green", "red", tree.worker_a.id)]
