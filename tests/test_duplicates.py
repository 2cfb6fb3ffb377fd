"""Duplicates: a supervisor sees the possible duplicate residents and households of their
area side by side, merges them (every visit, colour change, observation, follow-up and errand
goes to the record kept, and no report of a past day changes but for the duplicate itself), or
marks them as different; flagged visits are kept or struck out of the counts."""

from __future__ import annotations

from contextlib import contextmanager
from copy import deepcopy
from dataclasses import asdict
from datetime import date, datetime, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import func, literal, select

from webapp import clock
from webapp.auth.signed_in import load_signed_in
from webapp.duplicates import queries
from webapp.extensions import db
from webapp.identity import id_check_char
from webapp.models import (
    AuditEntry,
    Errand,
    FollowUp,
    Grid,
    Household,
    Merge,
    NotDuplicate,
    Observation,
    Resident,
    StatusChange,
    Visit,
    VisitResolution,
)
from webapp.observations import rules as observations
from webapp.reports.queries import daily_report, period_report
from webapp.residents import rules as residents
from webapp.statuses.rules import set_household_status
from webapp.visits.rules import log_visit

from .conftest import add_grid

TODAY = date(2024, 3, 5)
NOW = datetime(2024, 3, 5, 15, 0)
YESTERDAY = TODAY - timedelta(days=1)
# Resident A of the tree: 张三, born 1990, 330702199001011237.
BODY_A = "33070219900101123"


def id_number(body: str) -> str:
    """A valid ID number from its first 17 digits."""
    return body + id_check_char(body)


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@contextmanager
def signed_in(app, worker_id: int):
    """A request of `worker_id`, for calling the queries the pages call."""
    with app.test_request_context():
        login_user(load_signed_in(worker_id))
        yield


def at(moment: datetime):
    """Run the following writes at `moment` (the clock is put back to NOW afterwards)."""
    clock.freeze(moment)


def add_household(grid_id: int, address: str) -> int:
    household = Household(grid_id=grid_id, address=address, created_at=NOW - timedelta(days=30))
    db.session.add(household)
    db.session.flush()
    return household.id


def register(household_id: int, name: str, number: str, phone: str | None = None) -> int:
    household = db.session.get(Household, household_id)
    resident = residents.register(household, residents.Details(name, number, phone))
    db.session.flush()
    return resident.id


def pairs(app, worker_id: int, kind: str) -> dict[tuple[int, int], tuple[str, ...]]:
    with signed_in(app, worker_id):
        return {(p.first_id, p.second_id): p.reasons for p in queries.PAIRS[kind]()}


def pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))


def merge(client, kind: str, one: int, other: int, keep: int):
    route = "residents" if kind == "resident" else "households"
    return client.post(
        f"/duplicates/{route}/{one}/merge",
        data={"other": str(other), "keep": str(keep), "page": "1"},
        follow_redirects=True,
    )


def counts() -> dict[str, int]:
    """How many rows of every kind a merge could write."""
    models = (Merge, NotDuplicate, AuditEntry, StatusChange, VisitResolution, Observation)
    found = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}
    found["active_residents"] = db.session.scalar(
        select(func.count()).select_from(Resident).where(Resident.active)
    )
    found["active_households"] = db.session.scalar(
        select(func.count()).select_from(Household).where(Household.active)
    )
    return found


# --- candidates -------------------------------------------------------------------------------


def test_residents_alike_by_name_and_year_phone_or_one_digit_are_offered(app, tree):
    """张三 of 1990 twice in the community, a shared phone, and ID numbers one digit apart in
    each block of the number (region, year, month and day, sequence) are all offered; a
    look-alike in another community and numbers two digits apart are not."""
    with app.app_context():
        other_community = add_grid(db.session.get(Grid, tree.township.id), 2, "江北社区", "C2")
        far_grid = add_grid(other_community, 3, "江北一格", "G2")
        far_micro = add_grid(far_grid, 4, "5幢1单元", "M2", "stairwell")
        here = add_household(tree.micro_b.id, "9幢2单元203室")
        far = add_household(far_micro.id, "5幢1单元101室")
        same_name = register(here, "张三", id_number("33070219900505001"), "13700000001")
        far_name = register(far, "张三", id_number("33070219900606001"), "13700000002")
        region = register(here, "王一", id_number("33070319900101123"), "13700000003")
        year = register(here, "王二", id_number("33070219910101123"), "13700000004")
        day = register(here, "王三", id_number("33070219900102123"), "13700000005")
        sequence = register(here, "王四", id_number("33070219900101125"), "13700000006")
        two_apart = register(here, "王五", id_number("33070219900102125"), "13700000007")
        shared_a = register(here, "周一", id_number("33070219800101001"), "13600000000")
        shared_b = register(far, "吴二", id_number("33070219700101002"), "13600000000")
        db.session.commit()
    a = tree.resident_a.id
    found = pairs(app, tree.admin.id, "resident")
    assert "name_year" in found[pair(a, same_name)]
    assert pair(a, far_name) not in found
    for one_off in (region, year, day, sequence):
        assert "id_number" in found[pair(a, one_off)], one_off
    assert pair(a, two_apart) not in found
    assert found[pair(shared_a, shared_b)] == ("phone",)
    # The tree's residents A and B share a phone.
    assert found[pair(a, tree.resident_b.id)] == ("phone",)


def test_households_at_one_normalised_address_in_a_micro_grid_are_offered(app, tree):
    """1栋 1单元 １０１室 and 1号楼1单元101室 are 1幢1单元101室; the same address in another
    micro-grid, or another room, is not."""
    with app.app_context():
        full_width = add_household(tree.micro_a.id, "1栋 1单元 １０１室")
        number_building = add_household(tree.micro_a.id, "1号楼1单元101室")
        other_room = add_household(tree.micro_a.id, "1幢1单元102室")
        elsewhere = add_household(tree.micro_b.id, "1幢1单元101室")
        db.session.commit()
    a = tree.household_a.id
    found = pairs(app, tree.admin.id, "household")
    assert found[pair(a, full_width)] == ("address",)
    assert pair(a, number_building) in found
    assert pair(full_width, number_building) in found
    assert not {pair(a, other_room), pair(a, elsewhere)} & found.keys()


def test_the_database_normalises_addresses_as_python_does(app, tree):
    """The page's SQL and the merge's check say the same of every address."""
    addresses = [
        "1栋 1单元 １０１室",
        "１号楼２单元",
        "Ａ座ｂ区　3栋",
        "3幢（东）－2",
        "9幢2单元202室",
    ]
    with app.app_context():
        for address in addresses:
            stages = queries.normalised(select(literal(address).label("address")), "address")
            in_sql = db.session.scalar(select(stages.c.address))
            assert in_sql == queries.normalised_address(address), address
        assert queries.normalised_address("1栋 1单元 １０１室") == "1幢1单元101室"


def test_a_pair_marked_as_not_duplicates_is_not_offered_again(app, tree, login_as):
    client = login_as(tree.admin)
    a, b = tree.resident_a.id, tree.resident_b.id
    page = client.get("/duplicates/?kind=resident").get_data(as_text=True)
    assert f'id="pair-{a}-{b}"' in page
    assert "330702********1237" in page and "330702199001011237" not in page
    assert "139****5678" in page and "13912345678" not in page
    response = client.post(
        f"/duplicates/residents/{b}/not-duplicates",
        data={"other": str(a), "page": "1"},
        follow_redirects=True,
    )
    assert "不再提示" in response.get_data(as_text=True)
    assert f'id="pair-{a}-{b}"' not in client.get("/duplicates/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NotDuplicate)) == 1
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "not_duplicate"))
        assert (entry.object_id, entry.details["other"]) == (a, b)


def test_the_list_is_paginated(app, tree, login_as):
    """Twenty-five pairs of households: twenty on the first page, five on the second."""
    with app.app_context():
        for n in range(25):
            add_household(tree.micro_a.id, f"2幢{n}室")
            add_household(tree.micro_a.id, f"2栋{n}室")
        db.session.commit()
    client = login_as(tree.admin)
    first = client.get("/duplicates/?kind=household").get_data(as_text=True)
    second = client.get("/duplicates/?kind=household&page=2").get_data(as_text=True)
    assert first.count('class="pair"') == 20 and "1 / 2" in first
    assert second.count('class="pair"') == 5
    assert client.get("/duplicates/?kind=household&page=99").status_code == 200


# --- scope --------------------------------------------------------------------------------------


def test_a_supervisor_sees_and_merges_only_in_their_subtree(app, tree, login_as):
    """Grid A's supervisor sees A's pairs, not a pair reaching into B, and cannot merge one of
    B's records, by URL or by the form: nothing is written."""
    with app.app_context():
        twin = add_household(tree.micro_a.id, "1栋1单元101室")
        db.session.commit()
    a, b = tree.resident_a.id, tree.resident_b.id
    supervisor = login_as(tree.supervisor_a)
    page = supervisor.get("/duplicates/?kind=resident").get_data(as_text=True)
    assert f'id="pair-{a}-{b}"' not in page
    households = supervisor.get("/duplicates/?kind=household").get_data(as_text=True)
    assert f'id="pair-{tree.household_a.id}-{twin}"' in households
    assert pair(a, b) in pairs(app, tree.admin.id, "resident")
    assert pair(a, b) not in pairs(app, tree.supervisor_a.id, "resident")
    with app.app_context():
        before = counts()
    response = merge(supervisor, "resident", a, b, keep=a)
    assert "找不到" in response.get_data(as_text=True)
    assert merge(supervisor, "resident", b, a, keep=a).status_code == 404
    refused = merge(supervisor, "household", tree.household_a.id, tree.household_b.id, a)
    assert "找不到" in refused.get_data(as_text=True)
    with app.app_context():
        assert counts() == before


def test_a_field_worker_has_no_duplicates_page(tree, login_as):
    worker = login_as(tree.worker_a)
    assert worker.get("/duplicates/").status_code == 403
    assert "/duplicates/" not in worker.get("/today/").get_data(as_text=True)


# --- merging households -----------------------------------------------------------------------


@pytest.fixture
def twins(app, tree):
    """Household A and its twin (1栋1单元101室, the same address) in micro-grid A, a month
    old, each with a history: the twin's resident 王五 under observation since yesterday with
    a follow-up and an errand, the twin raised to yellow yesterday, visits to A two days ago
    and to the twin yesterday."""
    with app.app_context():
        db.session.get(Household, tree.household_a.id).created_at = NOW - timedelta(days=30)
        twin_id = add_household(tree.micro_a.id, "1栋1单元101室")
        wang = register(twin_id, "王五", id_number("33070219750303001"), "13700000009")
        db.session.commit()
        worker = tree.worker_a.id
        at(NOW - timedelta(days=2))
        a = db.session.get(Household, tree.household_a.id)
        log_visit(a, worker, NOW - timedelta(days=2), "door", "visit-a-1")
        at(datetime.combine(YESTERDAY, datetime.min.time()) + timedelta(hours=9))
        twin = db.session.get(Household, twin_id)
        log_visit(twin, worker, clock.now(), "door", "visit-twin-1")
        set_household_status(twin, "yellow", "邻里反映发热", worker)
        observation = observations.start(
            db.session.get(Resident, wang),
            YESTERDAY,
            YESTERDAY + timedelta(days=13),
            "外地返回",
            worker,
        )
        db.session.flush()
        follow_up = observations.record_follow_up(
            observation, YESTERDAY, "am", 36.6, [], "买米", worker, "follow-up-twin-1"
        )
        db.session.add(
            Errand(household=twin, grid_id=twin.grid_id, description="买米", created_by_id=worker)
        )
        db.session.commit()
        at(NOW)
        return {"twin": twin_id, "wang": wang, "observation": observation.id, "fu": follow_up.id}


def _reports(tree, day: date) -> dict:
    found = {}
    for node in (tree.root, tree.community, tree.grid_a, tree.micro_a, tree.grid_b):
        report = daily_report(db.session.get(Grid, node.id), day, NOW)
        found[node.id] = {
            "total": {name: asdict(f) for name, f in report.total.items()},
            "rows": {c.id: {n: asdict(f) for n, f in row.items()} for c, row in report.rows},
        }
    return found


def _period(tree, first: date, last: date) -> dict:
    found = {}
    for node in (tree.root, tree.grid_a, tree.micro_a):
        report = period_report(db.session.get(Grid, node.id), first, last)
        found[node.id] = {
            "total": {name: asdict(f) for name, f in report.total.items()},
            "rows": {c.id: {n: asdict(f) for n, f in row.items()} for c, row in report.rows},
        }
    return found


def _without_colour_counts(reports: dict) -> dict:
    """The reports without the households per colour and the households due a visit, which a
    merge changes by one household (the duplicate is no longer counted, on any day:
    deactivated households never are)."""
    for node in reports.values():
        for row in [node["total"], *node["rows"].values()]:
            row["colours"].pop("by_status", None)
            row.pop("due", None)
    return reports


def test_merging_households_moves_every_dependent_row(app, tree, twins, login_as):
    """Kept A: the twin's visit, colour change, observation with its follow-up, errand and
    resident are A's now, both member counts are recounted, the twin is out of the lists, and
    the merge is on the audit trail and in A's history."""
    a, twin = tree.household_a.id, twins["twin"]
    client = login_as(tree.supervisor_a)
    response = merge(client, "household", twin, a, keep=a)
    assert "已合并" in response.get_data(as_text=True)
    with app.app_context():
        for model in (Visit, StatusChange, Observation, Errand):
            assert (
                db.session.scalar(
                    select(func.count()).select_from(model).where(model.household_id == twin)
                )
                == 0
            ), model
        assert (
            db.session.scalar(
                select(func.count()).select_from(Visit).where(Visit.household_id == a)
            )
            == 2
        )
        assert db.session.get(Observation, twins["observation"]).household_id == a
        assert db.session.get(FollowUp, twins["fu"]).observation.household_id == a
        assert db.session.get(Resident, twins["wang"]).household_id == a
        kept, gone = db.session.get(Household, a), db.session.get(Household, twin)
        assert (kept.member_count, gone.member_count) == (2, 0)
        assert (kept.active, gone.active) == (True, False)
        assert kept.status == "yellow"  # the more serious of the two
        merge_row = db.session.scalar(select(Merge))
        assert (merge_row.kind, merge_row.kept_id, merge_row.merged_id) == ("household", a, twin)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merged"))
        assert (entry.object_type, entry.object_id, entry.details["merged"]) == (
            "household",
            a,
            twin,
        )
        # The errand opened for the follow-up's supplies, and the one added by hand.
        assert entry.details["visits"] == 1 and entry.details["errands"] == 2
    page = client.get(f"/households/{a}").get_data(as_text=True)
    assert f"合并了重复住户1栋1单元101室（记录 {twin}）" in page
    gone_page = client.get(f"/households/{twin}").get_data(as_text=True)
    assert "已并入另一条记录" in gone_page and f"/households/{a}" in gone_page
    assert f'id="pair-{a}-{twin}"' not in client.get("/duplicates/?kind=household").get_data(
        as_text=True
    )


def _without_colours(reports: dict) -> dict:
    """The reports without what counts households as they are: their colours and whether they
    are due a visit."""
    for node in reports.values():
        for row in [node["total"], *node["rows"].values()]:
            row.pop("colours")
            row.pop("due", None)
    return reports


def test_a_household_merge_leaves_the_reports_as_they_were(app, tree, twins, login_as):
    """Yesterday's report counts the same visits, person-times, colour changes, observations,
    follow-ups and errands after the merge; only the duplicate household is no longer among
    the households per colour. Today's report shows what the merge did: A raised to the twin's
    yellow, one household fewer. The week's figures count the same visits, person-times and
    follow-ups, and the two records as the one household they were."""
    week = (TODAY - timedelta(days=6), TODAY)
    micro = tree.micro_a.id
    with app.app_context():
        before = {day: _reports(tree, day) for day in (YESTERDAY, TODAY)}
        before_period = _period(tree, *week)
    a = tree.household_a.id
    merge(login_as(tree.admin), "household", a, twins["twin"], keep=a)
    with app.app_context():
        yesterday = _reports(tree, YESTERDAY)
        assert _without_colour_counts(deepcopy(yesterday)) == _without_colour_counts(
            deepcopy(before[YESTERDAY])
        )
        households = {
            day: sum(reports[micro]["total"]["colours"]["by_status"].values())
            for day, reports in (("before", before[YESTERDAY]), ("after", yesterday))
        }
        assert households["after"] == households["before"] - 1
        today = _reports(tree, TODAY)
        assert _without_colours(deepcopy(today)) == _without_colours(deepcopy(before[TODAY]))
        colours, earlier = (
            today[micro]["total"]["colours"],
            before[TODAY][micro]["total"]["colours"],
        )
        assert (earlier["by_status"]["green"], earlier["by_status"]["yellow"]) == (1, 1)
        assert (colours["by_status"]["green"], colours["by_status"]["yellow"]) == (0, 1)
        assert colours["changes"] == earlier["changes"] + 1
        assert colours["into"]["yellow"] == earlier["into"]["yellow"] + 1
        # Over the week, A (visited two days ago) and its twin (yesterday) were one household
        # visited twice: the same visits and person-times, one household visited fewer.
        expected = deepcopy(before_period)
        for node in expected.values():
            for row in [node["total"], *node["rows"].values()]:
                row["visits"]["households_visited"] -= 1
        # The colours at the end of the week count the households as they are (one fewer).
        assert _without_colours(_period(tree, *week)) == _without_colours(expected)


# --- merging residents ------------------------------------------------------------------------


def test_merging_a_resident_of_another_household_brings_them_over(app, tree, login_as):
    """B's 李四 shares A's 张三's phone; kept 张三: 李四's observation (current) comes over to
    A's household with the move recorded, both households are recounted, yesterday's report is
    unchanged, and A's history says which record was merged."""
    a, b = tree.resident_a.id, tree.resident_b.id
    with app.app_context():
        yesterday = _reports(tree, YESTERDAY)
    client = login_as(tree.admin)
    response = merge(client, "resident", b, a, keep=a)
    assert "已合并" in response.get_data(as_text=True)
    with app.app_context():
        observation = db.session.get(Observation, tree.observation_b.id)
        assert (observation.resident_id, observation.household_id) == (a, tree.household_a.id)
        gone = db.session.get(Resident, b)
        assert (gone.active, gone.household_id) == (False, tree.household_a.id)
        assert db.session.get(Household, tree.household_a.id).member_count == 1
        assert db.session.get(Household, tree.household_b.id).member_count == 0
        assert _reports(tree, YESTERDAY) == yesterday
        merge_row = db.session.scalar(select(Merge))
        assert (merge_row.kind, merge_row.kept_id, merge_row.merged_id) == ("resident", a, b)
        assert "330702198502022247" not in str(merge_row.details)
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert f"合并了重复人员记录李四 330702********2247（记录 {b}）" in page


# --- refusals ---------------------------------------------------------------------------------


def test_a_merge_that_breaks_a_rule_is_refused_with_nothing_written(app, tree, login_as):
    """Both under observation, a record with itself, a pair no longer alike, a record merged
    before, a pair marked as different, households of two micro-grids, and a form without the
    other record: each gets its sentence, and the database stays as it was."""
    a, b = tree.resident_a.id, tree.resident_b.id
    with app.app_context():
        observations.start(
            db.session.get(Resident, a), TODAY, TODAY + timedelta(days=13), "密接", tree.admin.id
        )
        db.session.commit()
    client = login_as(tree.admin)
    with app.app_context():
        before = counts()

    def refused(response, words: str) -> None:
        assert words in response.get_data(as_text=True)
        with app.app_context():
            assert counts() == before

    refused(merge(client, "resident", a, b, keep=a), "都在居家观察")
    refused(merge(client, "resident", a, a, keep=a), "不能与自己合并")
    refused(merge(client, "resident", a, b, keep=999), "保留哪一条")
    refused(
        client.post(f"/duplicates/residents/{a}/merge", data={}, follow_redirects=True),
        "请从列表中选择",
    )
    households = (tree.household_a.id, tree.household_b.id)
    refused(merge(client, "household", *households, keep=households[0]), "不在同一个微网格")
    with app.app_context():
        db.session.get(Resident, b).phone = "13700000000"  # corrected since the list was drawn
        db.session.commit()
        before = counts()
    refused(merge(client, "resident", a, b, keep=a), "不再像是重复")


def test_a_stale_pair_is_refused(app, tree, login_as):
    """A twin merged already cannot be merged again, nor its pair with a third look-alike, and
    a pair marked as different cannot be merged from a page opened before."""
    with app.app_context():
        twin = add_household(tree.micro_a.id, "1栋1单元101室")
        third = add_household(tree.micro_a.id, "1号楼1单元101室")
        db.session.commit()
    a = tree.household_a.id
    client = login_as(tree.admin)
    assert "已合并" in merge(client, "household", a, twin, keep=a).get_data(as_text=True)
    with app.app_context():
        before = counts()
    again = merge(client, "household", a, twin, keep=a).get_data(as_text=True)
    assert "已并入另一条记录" in again or "已被合并" in again
    assert "已被合并" in merge(client, "household", twin, third, keep=third).get_data(as_text=True)
    client.post(
        f"/duplicates/households/{a}/not-duplicates", data={"other": str(third), "page": "1"}
    )
    with app.app_context():
        assert counts()["NotDuplicate"] == before["NotDuplicate"] + 1
        before = counts()
    assert "已被标记为不是重复" in merge(client, "household", a, third, keep=a).get_data(
        as_text=True
    )
    with app.app_context():
        assert counts() == before


# --- flagged visits -----------------------------------------------------------------------------


@pytest.fixture
def doubled(app, tree):
    """Worker A logs A's household twice within five minutes this morning: the second visit is
    flagged as a possible duplicate."""
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        morning = NOW - timedelta(hours=5)
        log_visit(household, tree.worker_a.id, morning, "door", "visit-first", persons_seen=2)
        second = log_visit(
            household,
            tree.worker_a.id,
            morning + timedelta(minutes=5),
            "door",
            "visit-second",
            persons_seen=2,
        )
        db.session.commit()
        assert second.possible_duplicate
        return second.id


def _visits_today(tree) -> dict:
    return asdict(daily_report(db.session.get(Grid, tree.micro_a.id), TODAY, NOW).total["visits"])


def test_a_struck_visit_no_longer_counts(app, tree, doubled, login_as):
    """The supervisor strikes the flagged visit with a reason: today's report and the period's
    figures count one visit and two person-times, the today list no longer offers it, and the
    decision is on the audit trail."""
    with app.app_context():
        assert _visits_today(tree) == {
            "visits": 2,
            "households_visited": 1,
            "person_times": 4,
            "not_at_home": 0,
        }
    client = login_as(tree.supervisor_a)
    today = client.get("/today/").get_data(as_text=True)
    assert f"/duplicates/visits/{doubled}/resolve" in today
    response = client.post(
        f"/duplicates/visits/{doubled}/resolve",
        data={"outcome": "struck", "reason": "同一次走访点了两次", "back": "/today/"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "不再计入" in page
    assert f"/duplicates/visits/{doubled}/resolve" not in page
    with app.app_context():
        assert _visits_today(tree) == {
            "visits": 1,
            "households_visited": 1,
            "person_times": 2,
            "not_at_home": 0,
        }
        period = period_report(db.session.get(Grid, tree.micro_a.id), TODAY, TODAY)
        assert asdict(period.total["visits"])["visits"] == 1
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit_resolved"))
        assert (entry.object_type, entry.object_id) == ("visit", doubled)
        assert entry.details == {"outcome": "struck", "reason": "同一次走访点了两次"}


def test_a_kept_visit_keeps_counting(app, tree, doubled, login_as):
    client = login_as(tree.supervisor_a)
    client.post(
        f"/duplicates/visits/{doubled}/resolve", data={"outcome": "kept", "reason": "确实去了两次"}
    )
    with app.app_context():
        assert _visits_today(tree)["visits"] == 2
        assert db.session.scalar(select(VisitResolution)).struck is False
    assert f"/duplicates/visits/{doubled}/resolve" not in client.get("/today/").get_data(
        as_text=True
    )


def test_a_visit_decision_needs_a_reason_and_happens_once(app, tree, doubled, login_as):
    client = login_as(tree.supervisor_a)
    url = f"/duplicates/visits/{doubled}/resolve"
    no_reason = client.post(url, data={"outcome": "struck"}, follow_redirects=True)
    assert "请说明原因" in no_reason.get_data(as_text=True)
    client.post(url, data={"outcome": "struck", "reason": "重复"})
    twice = client.post(url, data={"outcome": "kept", "reason": "改主意"}, follow_redirects=True)
    assert "已经处理过" in twice.get_data(as_text=True)
    with app.app_context():
        first = db.session.scalar(select(Visit).where(Visit.client_key == "visit-first"))
        resolutions = db.session.scalars(select(VisitResolution)).all()
        assert [(r.visit_id, r.struck) for r in resolutions] == [(doubled, True)]
    unflagged = client.post(
        f"/duplicates/visits/{first.id}/resolve",
        data={"outcome": "struck", "reason": "重复"},
        follow_redirects=True,
    )
    assert "没有被标为" in unflagged.get_data(as_text=True)
    # A visit of B is outside grid A's supervisor's area.
    with app.app_context():
        household_b = db.session.get(Household, tree.household_b.id)
        log_visit(household_b, tree.worker_b.id, NOW - timedelta(minutes=5), "door", "visit-b-1")
        visit_b = log_visit(household_b, tree.worker_b.id, NOW, "door", "visit-b-2")
        db.session.commit()
        assert visit_b.possible_duplicate
    refused = client.post(
        f"/duplicates/visits/{visit_b.id}/resolve", data={"outcome": "struck", "reason": "重复"}
    )
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VisitResolution)) == 1
