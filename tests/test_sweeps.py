"""Screening sweeps (地毯式排查): a supervisor starts one over an area, workers screen every
household once in the window, coverage is counted at every level, and the households nobody
reached are printed."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.grids.queries import child_key
from webapp.households.rules import move as move_household
from webapp.models import Grid, Household, Resident, Screening, Sweep
from webapp.reports.queries import daily_report, period_report
from webapp.sweeps.queries import coverage_at, coverage_per_child

from .conftest import add_household

HX = {"HX-Request": "true"}
DAY = date(2027, 3, 1)  # a Monday, after the fixtures' households were made


@pytest.fixture
def at():
    """Freeze the clock: at(hour, minute=0, day=DAY)."""

    def freeze(hour: int, minute: int = 0, day: date = DAY):
        clock.freeze(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))

    yield freeze
    clock.freeze(None)


def start_sweep(client, grid_id, **overrides):
    data = {
        "key": "key-sweep-0001",
        "name": "春节返金人员排查",
        "starts_on": DAY.isoformat(),
        "ends_on": (DAY + timedelta(days=4)).isoformat(),
        "checks": ["returnee", "fever", "key_person"],
    }
    data.update(overrides)
    return client.post(f"/sweeps/new/{grid_id}", data=data)


def the_sweep() -> Sweep:
    """The sweep a test started (the fixture's tree holds one of grid B's)."""
    return db.session.scalars(select(Sweep).where(Sweep.name == "春节返金人员排查")).one()


def tap(client, sweep_id, household_id, outcome="clear", key="key-scr-0001", **extra):
    data = {"key": key, "outcome": outcome, "page": "row", **extra}
    return client.post(f"/sweeps/{sweep_id}/screen/{household_id}", data=data, headers=HX)


@pytest.fixture
def sweep(tree, login_as, app, at):
    """A sweep over the community, started by an admin on Monday 08:00."""
    at(8)
    client = login_as(tree.admin)
    assert start_sweep(client, tree.community.id).status_code == 303
    with app.app_context():
        return the_sweep().id


def screenings() -> int:
    return db.session.scalar(select(func.count()).select_from(Screening))


def test_supervisor_starts_a_sweep_over_their_area(tree, login_as, app, at):
    at(8)
    client = login_as(tree.supervisor_a)
    response = start_sweep(client, tree.grid_a.id)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "春节返金人员排查" in page
    assert "1 户中已排查 0 户" in page, page[page.find("<main") :]
    with app.app_context():
        assert the_sweep().checks == ["returnee", "fever", "key_person"]


def test_a_field_worker_cannot_start_a_sweep(tree, login_as, at):
    at(8)
    client = login_as(tree.worker_a)
    assert start_sweep(client, tree.micro_a.id).status_code == 403


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"ends_on": (DAY - timedelta(days=1)).isoformat()}, "排查结束日期不能早于开始日期"),
        ({"ends_on": (DAY + timedelta(days=100)).isoformat()}, "一次排查最长 92 天"),
        ({"name": ""}, "请给排查起个名字"),
        ({"starts_on": "2026-13-40"}, "日期"),
    ],
)
def test_a_bad_sweep_says_why_in_chinese_and_saves_nothing(
    tree, login_as, app, at, overrides, message
):
    at(8)
    client = login_as(tree.admin)
    response = start_sweep(client, tree.community.id, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Sweep)) == 1  # grid B's


def test_one_tap_nothing_to_report_screens_the_household(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    page = client.get(f"/sweeps/{sweep}/at/{tree.micro_a.id}").get_data(as_text=True)
    assert "无异常" in page and "101室" in page
    response = tap(client, sweep, tree.household_a.id)
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert "已排查" in row and "赵网格" in row
    assert 'id="sweep-left" hx-swap-oob="true">0<' in row
    with app.app_context():
        assert coverage_at(db.session.get(Sweep, sweep), tree.micro_a).screened == 1


def test_the_same_tap_sent_ten_times_screens_once(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    for _ in range(10):
        assert tap(client, sweep, tree.household_a.id).status_code == 200
    with app.app_context():
        assert screenings() == 1


def test_nobody_at_home_is_an_attempt_not_coverage(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    row = tap(client, sweep, tree.household_a.id, "absent").get_data(as_text=True)
    assert "换个时段" in row
    assert "无异常" in row  # still due: the buttons stay
    with app.app_context():
        c = coverage_at(db.session.get(Sweep, sweep), tree.community)
        assert (c.due, c.screened, c.no_contact) == (2, 0, 1)
    at(18)
    assert tap(client, sweep, tree.household_a.id, key="key-scr-0002").status_code == 200
    with app.app_context():
        c = coverage_at(db.session.get(Sweep, sweep), tree.community)
        assert (c.due, c.screened, c.no_contact) == (2, 1, 0)


def test_a_household_screened_twice_is_a_conflict_that_names_who(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    tap(client, sweep, tree.household_a.id)
    supervisor = login_as(tree.supervisor_a)
    response = tap(supervisor, sweep, tree.household_a.id, key="key-scr-0002")
    assert response.status_code == 409
    assert "赵网格" in response.get_data(as_text=True)
    with app.app_context():
        assert screenings() == 1


def test_coverage_equals_direct_counts_at_every_level(tree, login_as, app, at, sweep):
    with app.app_context():
        for n in range(2, 7):
            add_household(db.session.get(Grid, tree.micro_a.id), f"1幢1单元{n}01室", f"X{n}")
        db.session.commit()
    at(9)
    client = login_as(tree.worker_a)
    ids = [tree.household_a.id]
    with app.app_context():
        ids = list(
            db.session.scalars(select(Household.id).where(Household.grid_id == tree.micro_a.id))
        )
    for i, household_id in enumerate(ids[:3]):
        tap(client, sweep, household_id, key=f"key-scr-{i:04d}")
    tap(client, sweep, ids[3], "absent", key="key-scr-0100")
    with app.app_context():
        s = db.session.get(Sweep, sweep)
        for node in (tree.community, tree.grid_a, tree.micro_a, tree.grid_b, tree.micro_b):
            node = db.session.get(Grid, node.id)
            households = db.session.scalar(
                select(func.count())
                .select_from(Household)
                .join(Grid)
                .where(Grid.path.startswith(node.path), Household.active)
            )
            screened = db.session.scalar(
                select(func.count(func.distinct(Screening.household_id)))
                .join(Grid, Grid.id == Screening.grid_id)
                .where(Grid.path.startswith(node.path), Screening.contact.is_(True))
            )
            c = coverage_at(s, node)
            assert (c.due, c.screened) == (households, screened), node.name
        per_child = coverage_per_child(
            s, db.session.get(Grid, tree.community.id), child_key(tree.community)
        )
        assert per_child[tree.grid_a.path].screened == 3
        assert per_child[tree.grid_a.path].no_contact == 1
        assert per_child[tree.grid_b.path].due == 1


def test_a_household_moved_after_its_screening_counts_once_where_screened(
    tree, login_as, app, at, sweep
):
    at(9)
    client = login_as(tree.worker_a)
    tap(client, sweep, tree.household_a.id)
    at(10)
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        move_household(household, db.session.get(Grid, tree.micro_b.id), tree.admin.id)
        db.session.commit()
        s = db.session.get(Sweep, sweep)
        assert (coverage_at(s, tree.micro_a).due, coverage_at(s, tree.micro_a).screened) == (1, 1)
        assert (coverage_at(s, tree.micro_b).due, coverage_at(s, tree.micro_b).screened) == (1, 0)
        assert coverage_at(s, tree.community).due == 2


def test_a_returnee_found_is_registered_light_yellow(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    page = client.get(f"/sweeps/{sweep}/found/{tree.household_a.id}?page=row")
    assert "外地返回" in page.get_data(as_text=True) or "返回" in page.get_data(as_text=True)
    response = client.post(
        f"/sweeps/{sweep}/found/{tree.household_a.id}",
        data={
            "key": "key-found-001",
            "page": "row",
            "returnee": "y",
            "origin": "温州",
            "returnee_name": "王返乡",
            "returnee_id_number": "330702200503150021",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        assert household.status == "light_yellow"
        assert household.member_count == 2
        returnee = db.session.scalars(select(Resident).where(Resident.name == "王返乡")).one()
        assert returnee.origin == "温州" and "returnee" in returnee.tags
        screening = db.session.scalars(select(Screening)).one()
        assert screening.returnee and screening.contact


def test_a_fever_found_raises_the_household_and_alerts_today(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    response = client.post(
        f"/sweeps/{sweep}/found/{tree.household_a.id}",
        data={"key": "key-found-002", "page": "row", "fever": "y", "temperature": "38.2"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).status == "yellow"
    today = client.get("/today/").get_data(as_text=True)
    assert "排查发现发热" in today and "38.2°C" in today
    supervisor = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    assert "38.2°C" in supervisor


def test_a_key_person_found_is_tagged(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    response = client.post(
        f"/sweeps/{sweep}/found/{tree.household_a.id}",
        data={"key": "key-found-003", "page": "row", "key_person": str(tree.resident_a.id)},
    )
    assert response.status_code == 303
    with app.app_context():
        assert "key_person" in db.session.get(Resident, tree.resident_a.id).tags


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "请勾选发现的情况，或写一句备注"),
        ({"fever": "y", "temperature": "83"}, "34.0"),
        (
            {"returnee": "y", "returnee_name": "王", "returnee_id_number": "330702200503150022"},
            "身份证号",
        ),
    ],
)
def test_a_bad_finding_says_why_and_saves_nothing(tree, login_as, app, at, sweep, data, message):
    at(9)
    client = login_as(tree.worker_a)
    response = client.post(
        f"/sweeps/{sweep}/found/{tree.household_a.id}",
        data={"key": "key-found-004", "page": "row", **data},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert screenings() == 0
        assert db.session.get(Household, tree.household_a.id).status == "green"


def test_the_sweep_closes_by_itself_and_its_figures_stay(tree, login_as, app, at, sweep):
    at(9, day=DAY + timedelta(days=4))  # the last day
    client = login_as(tree.worker_a)
    assert tap(client, sweep, tree.household_a.id).status_code == 200
    at(9, day=DAY + timedelta(days=5))  # the day after: closed, nothing ran
    response = tap(client, sweep, tree.household_a.id, key="key-scr-0009")
    assert response.status_code in (409, 422)
    response = tap(client, sweep, tree.household_b.id, key="key-scr-0010")
    assert response.status_code == 404  # B is not the worker's
    page = client.get(f"/sweeps/{sweep}/at/{tree.micro_a.id}").get_data(as_text=True)
    assert "已于 2027-03-05 结束" in page and "无异常" not in page
    assert "春节返金人员排查" not in client.get("/today/").get_data(as_text=True)
    with app.app_context():
        add_household(db.session.get(Grid, tree.micro_a.id), "1幢1单元901室", "X9")
        db.session.commit()
        c = coverage_at(db.session.get(Sweep, sweep), tree.community)
        assert (c.due, c.screened) == (2, 1)


def test_the_worker_today_list_carries_the_sweep_with_days_left(tree, login_as, at, sweep):
    at(9, day=DAY + timedelta(days=1))
    page = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    assert "春节返金人员排查" in page
    assert "还剩 4 天" in page
    assert "1 户待排查" in page


def test_the_household_page_screens_in_one_tap(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "春节返金人员排查" in page and "无异常" in page
    response = client.post(
        f"/sweeps/{sweep}/screen/{tree.household_a.id}",
        data={"key": "key-scr-0200", "outcome": "clear", "page": "household"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/households/{tree.household_a.id}")
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "已排查" in page


def test_daily_report_and_period_carry_the_sweep(tree, login_as, app, at, sweep):
    at(9)
    client = login_as(tree.worker_a)
    tap(client, sweep, tree.household_a.id)
    at(10)
    with app.app_context():
        node = db.session.get(Grid, tree.community.id)
        report = daily_report(node, DAY)
        total = report.total["sweeps"]
        assert (total.due, total.screened, total.percent) == (2, 1, 50)
        rows = {child.code: row["sweeps"] for child, row in report.rows}
        assert (rows["GA"].due, rows["GA"].screened) == (1, 1)
        assert (rows["GB"].due, rows["GB"].screened) == (1, 0)
        # The day before the sweep has none of it.
        assert daily_report(node, DAY - timedelta(days=1)).total["sweeps"].due == 0
        period = period_report(node, DAY - timedelta(days=3), DAY)
        assert period.total["sweeps"].screened == 1
    page = login_as(tree.admin).get(f"/reports/{tree.community.id}").get_data(as_text=True)
    assert "排查" in page and "50%" in page
    # Its eight columns scroll in their own box on a 360 px phone, not the whole page.
    assert '<div class="scroll"><table class="figures sweeps">' in page


def test_the_missed_households_print_as_a_pdf(tree, login_as, app, at, sweep, tmp_path):
    at(9)
    client = login_as(tree.worker_a)
    tap(client, sweep, tree.household_a.id)
    response = login_as(tree.admin).get(f"/sweeps/{sweep}/at/{tree.community.id}/missed.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    path = tmp_path / "missed.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "9幢2单元202室" in text  # B was not reached
    assert "1幢1单元101室" not in text  # A was
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Gridwork" in fonts or "Noto" in fonts


def test_the_grid_browser_shows_coverage(tree, login_as, at, sweep):
    at(9)
    page = login_as(tree.supervisor_a).get(f"/grids/{tree.grid_a.id}").get_data(as_text=True)
    assert "春节返金人员排查" in page and "1 户中已排查 0 户" in page


def test_a_supervisor_finds_the_sweeps_from_the_menu(tree, login_as, at, sweep):
    at(9)
    client = login_as(tree.supervisor_a)
    assert 'href="/sweeps/"' in client.get("/today/").get_data(as_text=True)
    page = client.get("/sweeps/").get_data(as_text=True)
    assert "春节返金人员排查" in page and "1 户中已排查 0 户" in page
    # A field worker has no menu entry, but their today list leads them to the sweep.
    assert 'href="/sweeps/"' not in login_as(tree.worker_a).get("/today/").get_data(as_text=True)


def test_the_grid_browser_reads_as_many_statements_for_three_open_sweeps_as_for_one(
    tree, login_as, app, at, sweep
):
    """With sweeps open over the community, over grid A and over micro-grid A, the grid browser
    shows each with its own figures, from as many statements as with one sweep open."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def browse(client) -> tuple[str, int]:
        statements.clear()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                page = client.get(f"/grids/{tree.community.id}").get_data(as_text=True)
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        return page, len(statements)

    at(9)
    supervisor = login_as(tree.admin)
    _page, one = browse(supervisor)
    for n, grid in enumerate((tree.grid_a, tree.micro_a), start=2):
        name = f"第{n}轮排查"
        response = start_sweep(supervisor, grid.id, key=f"key-sweep-{n:04d}", name=name)
        assert response.status_code == 303
    with app.app_context():
        ids = dict(db.session.execute(select(Sweep.name, Sweep.id)).all())
    worker = login_as(tree.worker_a)
    tap(worker, ids["第3轮排查"], tree.household_a.id, key="key-scr-0003")
    tap(worker, ids["第2轮排查"], tree.household_a.id, "absent", key="key-scr-0002")
    page, three = browse(login_as(tree.admin))
    assert three == one, (one, three)
    lines = {
        name: page.split(name, 1)[1].split("</p>", 1)[0]
        for name in ("春节返金人员排查", "第2轮排查", "第3轮排查")
    }
    assert "2 户中已排查 0 户" in lines["春节返金人员排查"]
    assert "1 户中已排查 0 户" in lines["第2轮排查"] and "1 户无人在家" in lines["第2轮排查"]
    assert "1 户中已排查 1 户（100%）" in lines["第3轮排查"]


def test_two_open_sweeps_read_together_count_as_each_alone(tree, login_as, app, at, sweep):
    """A sweep over grid A beside the community's: a household screened there and then
    deactivated stays due and screened where it was; one screened and then moved out of grid A
    stays due in grid A and nowhere else; read together, each sweep's figures are what it
    shows alone, at every node and per child."""
    from webapp.households.rules import deactivate
    from webapp.sweeps.queries import coverages_at, coverages_per_child

    with app.app_context():
        for n in (2, 3):
            add_household(db.session.get(Grid, tree.micro_a.id), f"1幢1单元{n}01室", f"X{n}")
        db.session.commit()
        second = db.session.scalar(select(Household.id).where(Household.address == "1幢1单元201室"))
    at(8)
    admin = login_as(tree.admin)
    response = start_sweep(admin, tree.grid_a.id, key="key-sweep-0002", name="楼内排查")
    assert response.status_code == 303
    with app.app_context():
        inner = db.session.scalar(select(Sweep.id).where(Sweep.name == "楼内排查"))
    at(9)
    worker = login_as(tree.worker_a)
    assert tap(worker, inner, tree.household_a.id, key="key-scr-0001").status_code == 200
    assert tap(worker, inner, second, key="key-scr-0002").status_code == 200
    at(10)
    with app.app_context():
        deactivate(db.session.get(Household, second), tree.admin.id)
        household = db.session.get(Household, tree.household_a.id)
        move_household(household, db.session.get(Grid, tree.micro_b.id), tree.admin.id)
        db.session.commit()
        both = [db.session.get(Sweep, sweep), db.session.get(Sweep, inner)]
        outer_sweep, inner_sweep = both
        nodes = [db.session.get(Grid, g.id) for g in (tree.community, tree.grid_a, tree.micro_a)]
        for node in nodes:
            together = coverages_at(both, node)
            for s in both:
                assert together[s.id] == coverage_at(s, node), (s.name, node.name)
            per_child = coverages_per_child(both, node, child_key(node))
            for s in both:
                assert per_child[s.id] == coverage_per_child(s, node, child_key(node))
        community, grid_a, _micro_a = nodes
        inner_c = coverage_at(inner_sweep, community)
        assert (inner_c.due, inner_c.screened) == (3, 2)  # A's household, the gone one, X3
        assert coverage_at(inner_sweep, db.session.get(Grid, tree.micro_b.id)).due == 0
        outer_c = coverage_at(outer_sweep, community)
        assert (outer_c.due, outer_c.screened) == (3, 0)  # the gone one is due in neither
        assert coverage_per_child(inner_sweep, community, child_key(community)) == {
            grid_a.path: inner_c
        }
