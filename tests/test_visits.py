"""Logging visits (走访): one tap, idempotent, flagged when suspiciously repeated."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.clock import now
from webapp.extensions import db
from webapp.models import Household, Visit

HX_ROW = {"HX-Request": "true"}


def count_visits(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Visit))


def post_visit(client, household_id, headers=None, **data):
    data.setdefault("key", "key-visit-0001")
    data.setdefault("method", "door")
    return client.post(f"/visits/new/{household_id}", data=data, headers=headers or {})


def test_worker_logs_a_visit_from_the_list(tree, login_as, app):
    """One tap on a row: the row comes back with the visit time, and the counters out of band."""
    client = login_as(tree.worker_a)
    headers = {**HX_ROW, "HX-Target": f"h{tree.household_a.id}"}
    response = post_visit(client, tree.household_a.id, headers, page="row")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="h{tree.household_a.id}"' in body and "<html" not in body
    assert 'id="summary"' in body and 'hx-swap-oob="true"' in body
    assert "今日已走访 1 户" in body  # the counters include the visit just written
    assert len(response.get_data()) <= 1536
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        household = db.session.get(Household, tree.household_a.id)
        assert visit.persons_seen == 1 and visit.grid_id == tree.micro_a.id
        assert household.last_visit_at == visit.visited_at


def test_a_visit_from_today_answers_without_the_counters(tree, login_as):
    """Today's list has no micro-grid counters: the row comes back alone."""
    client = login_as(tree.worker_a)
    headers = {**HX_ROW, "HX-Target": f"h{tree.household_a.id}"}
    response = post_visit(client, tree.household_a.id, headers, page="today")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="h{tree.household_a.id}"' in body
    assert 'id="summary"' not in body


def test_note_and_temperatures_show_in_the_history(tree, login_as):
    """What the worker wrote down at the door is in the new history line and on the page."""
    client = login_as(tree.worker_a)
    response = post_visit(
        client, tree.household_a.id, HX_ROW, note="老人在家", temperatures="36.5 37.1"
    )
    assert "36.5 37.1 °C · 老人在家" in response.get_data(as_text=True)
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "36.5 37.1 °C · 老人在家" in page


def test_without_javascript_a_visit_redirects(tree, login_as, app):
    """A plain form post gets a 303 back to the page it came from."""
    client = login_as(tree.worker_a)
    response = post_visit(client, tree.household_a.id, page="row")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/grids/{tree.micro_a.id}")
    assert count_visits(app) == 1


def test_full_page_and_fragment_show_the_same_visit(tree, login_as):
    """After a visit, the household card in the fragment and in the page agree."""
    client = login_as(tree.worker_a)
    fragment = post_visit(client, tree.household_a.id, HX_ROW, method="phone").get_data(
        as_text=True
    )
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    stamp = fragment.split("最近走访: ")[1][:11]
    assert f"最近走访: {stamp}" in page
    assert "电话走访" in page


def test_same_key_ten_times_makes_one_visit(tree, login_as, app):
    """A double tap or a retry sends the same key: one row, the same answer every time."""
    client = login_as(tree.worker_a)
    headers = {**HX_ROW, "HX-Target": f"h{tree.household_a.id}"}
    answers = {
        post_visit(client, tree.household_a.id, headers, page="row").status_code for _ in range(10)
    }
    assert answers == {200}
    assert count_visits(app) == 1


def test_second_visit_within_ten_minutes_is_flagged(tree, login_as, app):
    """A second visit by the same worker within 10 minutes is kept but flagged."""
    client = login_as(tree.worker_a)
    post_visit(client, tree.household_a.id, key="key-visit-0001")
    post_visit(client, tree.household_a.id, key="key-visit-0002")
    with app.app_context():
        flags = db.session.scalars(select(Visit.possible_duplicate).order_by(Visit.id)).all()
    assert flags == [False, True]
    supervisor = login_as(tree.supervisor_a)
    assert "可能重复" in supervisor.get("/today/").get_data(as_text=True)


def test_not_at_home_counts_no_person(tree, login_as, app):
    """Nobody at home: the visit is kept with 0 persons seen."""
    client = login_as(tree.worker_a)
    post_visit(client, tree.household_a.id, not_at_home="y", persons_seen="3")
    with app.app_context():
        assert db.session.scalar(select(Visit.persons_seen)) == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"method": "fly"}, "不是有效的选择"),
        ({"temperatures": "50"}, "34.0 至 43.0"),
        ({"temperatures": "abc"}, "体温请填数字"),
        ({"key": ""}, "重新加载"),
        ({"persons_seen": "-1"}, "应在 0 到 50 之间"),
        ({"persons_seen": "many"}, "不是有效的整数"),
        ({"visited_at": "yesterday"}, "不是有效的日期与时间值"),
    ],
)
def test_bad_visits_are_refused(tree, login_as, app, data, message):
    """Unknown method, impossible temperature, missing key: 422, a message, nothing saved."""
    client = login_as(tree.worker_a)
    response = post_visit(client, tree.household_a.id, HX_ROW, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_visits(app) == 0


def test_visit_in_the_future_is_refused(tree, login_as, app):
    """A visit time an hour ahead is refused in Chinese."""
    client = login_as(tree.worker_a)
    later = (now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = post_visit(client, tree.household_a.id, HX_ROW, visited_at=later)
    assert response.status_code == 422
    assert "不能是将来" in response.get_data(as_text=True) or "未来" in response.get_data(
        as_text=True
    )
    assert count_visits(app) == 0


def test_queued_visit_keeps_its_recorded_time(tree, login_as, app):
    """A visit sent late by the outbox keeps the time it was recorded on the phone."""
    client = login_as(tree.worker_a)
    earlier = (now() - timedelta(hours=3)).replace(second=0)
    post_visit(client, tree.household_a.id, visited_at=earlier.strftime("%Y-%m-%dT%H:%M"))
    with app.app_context():
        assert db.session.scalar(select(Visit.visited_at)) == earlier


def test_queued_visit_time_in_utc_is_stored_as_china_time(tree, login_as, app):
    """The outbox sends the recorded instant in UTC; the visit is filed at that China time."""
    client = login_as(tree.worker_a)
    earlier = (now() - timedelta(hours=3)).replace(second=0)
    utc = (earlier - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    post_visit(client, tree.household_a.id, visited_at=utc)
    with app.app_context():
        assert db.session.scalar(select(Visit.visited_at)) == earlier


def test_worker_cannot_visit_another_grid(tree, login_as, app):
    """Guessing a household id of grid B answers 404 and saves nothing."""
    client = login_as(tree.worker_a)
    assert post_visit(client, tree.household_b.id).status_code == 404
    assert count_visits(app) == 0


def test_visit_stays_with_the_old_grid_after_a_move(tree, login_as, app):
    """Statistics stay right: a visit keeps the micro-grid of its time."""
    client = login_as(tree.admin)
    post_visit(client, tree.household_a.id)
    client.post(
        f"/households/{tree.household_a.id}/edit",
        data={"address": "1幢1单元101室", "grid_code": "MB", "version": "1"},
    )
    with app.app_context():
        assert db.session.scalar(select(Visit.grid_id)) == tree.micro_a.id


def test_the_row_button_says_what_it_does(tree, login_as):
    """A worker opens their micro-grid: each row's button reads 记走访 ("Log visit" in English),
    an action, not the state 已走访."""
    client = login_as(tree.worker_a)
    body = client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert ">记走访</button>" in body and ">已走访</button>" not in body
    client.get("/lang/en")
    body = client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert ">Log visit</button>" in body and ">Visited</button>" not in body


def test_the_details_fold_is_saved_by_the_method_buttons_below_it(tree, login_as):
    """On the household page the method buttons stand under the details' fold, labelled 记走访,
    and the form's first button is a disabled one: Enter in a detail field presses no method."""
    client = login_as(tree.worker_a)
    body = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    form = body[body.index('class="visit"') : body.index("</form>", body.index('class="visit"'))]
    first_button = form[form.index("<button") : form.index(">", form.index("<button"))]
    assert "disabled" in first_button and 'name="method"' not in first_button
    assert form.index('name="note"') < form.index('value="phone"')
    assert "记走访" in form
