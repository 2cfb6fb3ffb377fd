"""Home observation (居家观察): twice-daily follow-ups, due and overdue slots, fevers, errands,
and observations that end by themselves."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.models import Errand, FollowUp, Household, Observation, StatusChange

HX = {"HX-Request": "true"}
DAY = date(2026, 3, 2)


@pytest.fixture
def at(request):
    """Freeze the clock; tests call at(hour, minute=0, day=DAY)."""

    def freeze(hour: int, minute: int = 0, day: date = DAY):
        clock.freeze(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))

    yield freeze
    clock.freeze(None)


def start(client, resident_id, start=DAY, days=14):
    return client.post(
        f"/observations/new/{resident_id}",
        data={
            "key": f"key-obs-{resident_id:04d}",
            "start_date": start.isoformat(),
            "planned_end": (start + timedelta(days=days)).isoformat(),
            "reason": "外地返回",
        },
    )


def follow_up(client, observation_id, key="key-fu-00001", **data):
    data = {"key": key, "temperature": "36.6", **data}
    return client.post(f"/observations/{observation_id}/follow-ups", data=data, headers=HX)


def observation_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Observation.id).order_by(Observation.id.desc()))


def test_starting_observation_makes_the_household_yellow(tree, login_as, app, at):
    """A worker puts a resident under observation; the household becomes at least yellow."""
    at(9)
    client = login_as(tree.worker_a)
    assert start(client, tree.resident_a.id).status_code == 303
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).status == "yellow"
        assert db.session.scalar(select(Observation.planned_end)) is not None


def test_slots_due_and_overdue_at_given_times(tree, login_as, app, at):
    """At 09:00 the morning slot is due; at 15:00 without a morning follow-up it is overdue and
    the afternoon one is due; after both are recorded nothing is open."""
    at(9)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    page = client.get("/today/").get_data(as_text=True)
    assert "上午 · 待随访" in page
    at(15)
    page = client.get("/today/").get_data(as_text=True)
    assert "上午 · 已逾期" in page and "下午 · 待随访" in page
    obs = observation_id(app)
    assert follow_up(client, obs, slot="am", key="key-fu-am-01").status_code == 200
    assert follow_up(client, obs, slot="pm", key="key-fu-pm-01").status_code == 200
    assert "暂无待随访" in client.get("/today/").get_data(as_text=True)


def test_a_slot_not_begun_is_refused(tree, login_as, app, at):
    """At 09:00 the afternoon follow-up cannot be recorded yet."""
    at(9)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    response = follow_up(client, observation_id(app), slot="pm")
    assert response.status_code == 422
    assert "尚未开始" in response.get_data(as_text=True)


def test_second_follow_up_in_one_slot_is_a_conflict(tree, login_as, app, at):
    """Two different follow-ups for one slot: the second is told who recorded it."""
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    obs = observation_id(app)
    follow_up(client, obs, key="key-fu-first1")
    response = follow_up(client, obs, key="key-fu-second")
    assert response.status_code == 409
    assert "赵网格" in response.get_data(as_text=True)


def test_same_key_ten_times_records_once(tree, login_as, app, at):
    """Retries of one follow-up make one row and the same answer."""
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    obs = observation_id(app)
    assert {follow_up(client, obs).status_code for _ in range(10)} == {200}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 1


def test_a_follow_up_joins_the_list_on_the_page(tree, login_as, app, at):
    """The htmx answer puts the new follow-up at the top of the list, out of band, within
    1.5 KB; a retry of it answers with the slots only (its first answer added the row)."""
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    obs = observation_id(app)
    assert "尚无随访记录" in client.get(f"/observations/{obs}").get_data(as_text=True)
    first = follow_up(client, obs, temperature="36.8").get_data(as_text=True)
    assert 'hx-swap-oob="afterbegin:#follow-ups"' in first and "<td>36.8</td>" in first
    # The "no follow-ups yet" row hides itself beside the new one (app.css): nothing to delete,
    # so a second follow-up's answer has no missing target either.
    assert "follow-ups-empty" not in first
    assert len(first.encode()) <= 1536
    again = follow_up(client, obs, temperature="36.8").get_data(as_text=True)
    assert "#follow-ups" not in again and "36.8°C ✓" in again
    page = client.get(f"/observations/{obs}").get_data(as_text=True)
    assert "<td>36.8</td>" in page and "尚无随访记录" not in page


def test_fever_raises_the_household_and_alerts_the_supervisor(tree, login_as, app, at):
    """38.2 °C at a follow-up raises a light-yellow household to yellow and lists it as an alert."""
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    with app.app_context():
        db.session.get(Household, tree.household_a.id).status = "light_yellow"
        db.session.commit()
    response = follow_up(client, observation_id(app), temperature="38.2", symptoms="cough")
    assert response.status_code == 200
    assert len(response.get_data()) <= 1536
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).status == "yellow"
    page = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    assert "发热及症状预警" in page and "38.2" in page


def test_fever_never_lowers_a_red_household(tree, login_as, app, at):
    """A fever raises to yellow at least; a red household stays red."""
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    with app.app_context():
        db.session.get(Household, tree.household_a.id).status = "red"
        db.session.commit()
    follow_up(client, observation_id(app), temperature="39.0")
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).status == "red"


def test_supplies_needed_create_an_errand(tree, login_as, app, at):
    """Supplies needed make an errand on the today list; one tap marks it done."""
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    follow_up(client, observation_id(app), supplies="大米、食用油")
    page = client.get("/today/").get_data(as_text=True)
    assert "帮忙购置生活必需品：大米、食用油" in page
    with app.app_context():
        errand_id = db.session.scalar(
            select(Errand.id).where(Errand.household_id == tree.household_a.id)
        )
    client.post(f"/errands/{errand_id}/done", headers=HX)
    with app.app_context():
        assert db.session.get(Errand, errand_id).done_at is not None


def test_an_errand_is_written_in_chinese_whoever_records_it(tree, login_as, app, at):
    """A worker using the English pages starts an observation and asks for supplies: the
    colour change's reason and the errand read in the office's language, for every worker."""
    at(10)
    client = login_as(tree.worker_a)
    client.get("/lang/en?next=/today/")
    start(client, tree.resident_a.id)
    follow_up(client, observation_id(app), supplies="masks")
    with app.app_context():
        errand = select(Errand.description).where(Errand.household_id == tree.household_a.id)
        assert db.session.scalar(errand) == "帮忙购置生活必需品：masks"
        reasons = db.session.scalars(select(StatusChange.reason)).all()
    assert reasons  # the start raised the household
    assert all("Follow-up" not in r and "under home observation" not in r for r in reasons)


@pytest.mark.parametrize("temperature", ["50", "abc", "33.9", ""])
def test_bad_temperatures_are_refused(tree, login_as, app, at, temperature):
    """50, 'abc', below 34 or nothing: 422 with a Chinese message, nothing saved."""
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    response = follow_up(client, observation_id(app), temperature=temperature)
    assert response.status_code == 422
    assert "体温" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_observation_ends_by_itself(tree, login_as, app, at):
    """The day after the planned end nobody is under observation and no follow-up is due."""
    at(9)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id, days=2)
    at(9, day=DAY + timedelta(days=2))
    assert "上午 · 待随访" in client.get("/today/").get_data(as_text=True)
    at(9, day=DAY + timedelta(days=3))
    page = client.get("/today/").get_data(as_text=True)
    assert "暂无待随访" in page
    household = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "居家观察至" not in household


def test_release_early_and_extend_need_a_reason(tree, login_as, app, at):
    """Extending moves the end; releasing ends it today; both keep their reason."""
    at(9)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    obs = observation_id(app)
    later = (DAY + timedelta(days=20)).isoformat()
    assert (
        client.post(f"/observations/{obs}/extend", data={"planned_end": later}).status_code == 422
    )
    client.post(f"/observations/{obs}/extend", data={"planned_end": later, "reason": "复查"})
    client.post(f"/observations/{obs}/release", data={"reason": "核酸阴性"})
    with app.app_context():
        observation = db.session.get(Observation, obs)
        assert observation.planned_end == DAY + timedelta(days=20)
        assert observation.released_on == DAY
        assert [e.action for e in observation.events] == ["start", "extend", "release"]
    assert "暂无待随访" in client.get("/today/").get_data(as_text=True)


def test_a_refused_extension_comes_back_in_its_fold(tree, login_as, app, at):
    """An end before the current one: the Extend fold is open, with the message by its date
    and the reason as typed; nothing changes."""
    at(9)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    obs = observation_id(app)
    earlier = (DAY + timedelta(days=3)).isoformat()
    response = client.post(
        f"/observations/{obs}/extend", data={"planned_end": earlier, "reason": "复查未完"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    fold = page[page.index('<details class="card" open>') :]
    assert "新的结束日期必须晚于" in fold and 'value="复查未完"' in fold
    with app.app_context():
        assert db.session.get(Observation, obs).planned_end == DAY + timedelta(days=14)


def test_worker_cannot_follow_up_another_grid(tree, login_as, app):
    """Guessing the id of an observation in grid B answers 404."""
    client = login_as(tree.worker_a)
    assert follow_up(client, tree.observation_b.id).status_code == 404


def test_current_and_ended_mean_the_same_in_python_and_in_sql(app, tree):
    """Observation.current_on and ended_on give the same answer on a loaded row and in a query,
    for observations released early, released late, never released, across their edges."""
    start = DAY
    end = DAY + timedelta(days=3)
    releases = [None, DAY, DAY + timedelta(days=1), end, end + timedelta(days=2)]
    with app.app_context():
        resident_id = tree.resident_a.id
        for n, released in enumerate(releases):
            db.session.add(
                Observation(
                    resident_id=resident_id,
                    household_id=tree.household_a.id,
                    start_date=start,
                    planned_end=end,
                    released_on=released,
                    reason="边界",
                    created_by_id=tree.worker_a.id,
                    client_key=f"edge-{n:04d}",
                )
            )
        db.session.commit()
        rows = db.session.scalars(select(Observation).where(Observation.reason == "边界")).all()
        for offset in range(-1, 8):
            day = DAY + timedelta(days=offset)
            for test in (Observation.current_on, Observation.ended_on):
                in_sql = set(
                    db.session.scalars(
                        select(Observation.id).where(Observation.reason == "边界", test(day))
                    )
                )
                in_python = {o.id for o in rows if getattr(o, test.__name__)(day)}
                assert in_sql == in_python, (test.__name__, day)


def test_an_alert_means_the_same_in_python_and_in_sql(app, tree, at):
    """FollowUp.is_alert (a fever or a symptom) agrees on a loaded row and in a query."""
    at(9)
    with app.app_context():
        cases = [(36.5, []), (37.2, ["cough"]), (37.3, []), (38.0, ["fatigue"]), (36.9, [])]
        for n, (temperature, symptoms) in enumerate(cases):
            db.session.add(
                FollowUp(
                    observation_id=tree.observation_b.id,
                    slot_date=DAY - timedelta(days=n),
                    slot="am",
                    worker_id=tree.worker_b.id,
                    grid_id=tree.micro_b.id,
                    temperature=temperature,
                    symptoms=symptoms,
                    client_key=f"alert-{n:04d}",
                )
            )
        db.session.commit()
        rows = db.session.scalars(select(FollowUp)).all()
        in_sql = set(db.session.scalars(select(FollowUp.id).where(FollowUp.is_alert)))
        assert in_sql == {f.id for f in rows if f.is_alert}
        assert len(in_sql) == 3


def test_a_375_follow_up_shows_a_warning_not_a_green_tick(tree, login_as, app, at):
    """37.5 °C is at or above the fever threshold (FEVER_TEMPERATURE, 37.3): the slot on the
    observation's page shows ⚠ 发热 in red, not a green ✓; 36.6 °C shows the ✓."""
    assert app.config["FEVER_TEMPERATURE"] <= 37.5
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    obs = observation_id(app)
    body = follow_up(client, obs, temperature="37.5", slot="am").get_data(as_text=True)
    assert "37.5°C ⚠ 发热" in body and "37.5°C ✓" not in body
    assert 'class="slot alert"' in body and 'class="slot done"' not in body
    at(15)
    follow_up(client, obs, temperature="36.6", slot="pm", key="key-fu-pm-02")
    page = client.get(f"/observations/{obs}").get_data(as_text=True)
    assert "36.6°C ✓" in page and "37.5°C ⚠ 发热" in page


def test_the_fever_alert_row_shows_the_address(tree, login_as, app, at):
    """The supervisor's fever alert names the resident and where they live."""
    at(10)
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    follow_up(client, observation_id(app), temperature="38.0")
    page = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    first = page.index('<li class="alert">')
    alert = page[first : page.index("</li>", first)]
    assert "张三" in alert and "1幢1单元101室" in alert and "38.0" in alert
