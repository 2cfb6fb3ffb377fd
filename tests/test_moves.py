"""Moves: a household to another micro-grid (one or many at once), a resident to another
household; the household's history shows them, and no report of a past day changes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from webapp import clock
from webapp.extensions import db
from webapp.grids import rules as grids
from webapp.households import rules as households
from webapp.models import (
    Grid,
    Household,
    HouseholdMove,
    Observation,
    Resident,
    ResidentMove,
    StatusChange,
)
from webapp.reports.queries import daily_report
from webapp.residents import rules as residents

from .conftest import add_grid, add_household

TODAY = date(2024, 3, 5)
NOW = datetime(2024, 3, 5, 15, 0)
YESTERDAY = TODAY - timedelta(days=1)
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def frozen():
    """Every test here runs at NOW (set before the tree is made, so its rows are dated too)."""
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def settled(app, tree):
    """The tree's households registered a month ago, A's resident under observation since
    three days ago (yellow), and a second stairwell MA2 in grid A."""
    with app.app_context():
        for household_id in (tree.household_a.id, tree.household_b.id):
            db.session.get(Household, household_id).created_at = NOW - timedelta(days=30)
        resident = db.session.get(Resident, tree.resident_a.id)
        resident.status = resident.household.status = "yellow"
        db.session.add(
            Observation(
                resident=resident,
                household=resident.household,
                start_date=TODAY - timedelta(days=3),
                planned_end=TODAY + timedelta(days=11),
                reason="外地返回",
                created_by_id=tree.worker_a.id,
            )
        )
        micro_a2 = add_grid(db.session.get(Grid, tree.grid_a.id), 4, "1幢2单元", "MA2", "stairwell")
        db.session.commit()
        return micro_a2.id


def _reports(node_ids: list[int], day: date) -> dict[int, dict]:
    """Every figure of `day`'s report of each node, its total and its rows."""
    found = {}
    for node_id in node_ids:
        report = daily_report(db.session.get(Grid, node_id), day, NOW)
        rows = {child.id: _figures(row) for child, row in report.rows}
        found[node_id] = {"total": _figures(report.total), "rows": rows}
    return found


def _figures(row: dict) -> dict:
    return {name: asdict(figures) for name, figures in row.items()}


def _nodes(tree, *more: int) -> list[int]:
    ids = (tree.root, tree.community, tree.grid_a, tree.grid_b, tree.micro_a, tree.micro_b)
    return [node.id for node in ids] + list(more)


def _colours(node_id: int, day: date) -> dict[str, int]:
    return daily_report(db.session.get(Grid, node_id), day, NOW).total["colours"].by_status


def _observed(node_id: int, day: date) -> int:
    return daily_report(db.session.get(Grid, node_id), day, NOW).total["observations"].observed


# --- a household moves ------------------------------------------------------------------------


def test_a_household_moved_today_leaves_past_reports_as_they_were(app, tree, settled, login_as):
    """Moved from MA to MB today: yesterday's reports of both micro-grids and of every node
    above them are unchanged; today's counts the household and its observation in MB."""
    nodes = _nodes(tree)
    with app.app_context():
        before = {day: _reports(nodes, day) for day in (YESTERDAY, TODAY - timedelta(days=3))}
        version = db.session.get(Household, tree.household_a.id).version
    client = login_as(tree.admin)
    response = client.post(
        f"/households/{tree.household_a.id}/edit",
        data={"address": "1幢1单元101室", "grid_code": "MB", "version": str(version)},
    )
    assert response.status_code == 303
    with app.app_context():
        for day, reports in before.items():
            assert _reports(nodes, day) == reports, day
        assert _colours(tree.micro_a.id, YESTERDAY)["yellow"] == 1
        assert _observed(tree.micro_a.id, YESTERDAY) == 1
        assert _colours(tree.micro_a.id, TODAY)["yellow"] == 0
        assert (
            _colours(tree.micro_b.id, YESTERDAY)["yellow"],
            _colours(tree.micro_b.id, TODAY)["yellow"],
        ) == (0, 1)
        assert (_observed(tree.micro_a.id, TODAY), _observed(tree.micro_b.id, TODAY)) == (0, 2)


def test_an_open_errand_follows_its_household_to_the_new_micro_grid(app, tree, login_as):
    """B's household moves to MA with an errand still open: A's worker now sees it and marks it
    done, B's worker no longer has it; yesterday's report keeps it where it was opened."""
    with app.app_context():
        before = _reports(_nodes(tree), YESTERDAY)
        household = db.session.get(Household, tree.household_b.id)
        households.move(household, db.session.get(Grid, tree.micro_a.id), tree.admin.id)
        db.session.commit()
    assert "买菜" not in login_as(tree.worker_b).get("/today/").get_data(as_text=True)
    worker_a = login_as(tree.worker_a)
    assert "买菜" in worker_a.get("/today/").get_data(as_text=True)
    assert worker_a.post(f"/errands/{tree.errand_b.id}/done", headers=HX).status_code == 200
    with app.app_context():
        assert _reports(_nodes(tree), YESTERDAY) == before


def test_the_household_page_shows_the_move(app, tree, login_as):
    """The history says who moved the household, from which micro-grid to which."""
    client = login_as(tree.admin)
    client.post(
        f"/households/{tree.household_a.id}/edit",
        data={"address": "1幢1单元101室", "grid_code": "MB", "version": "1"},
    )
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "管理员：从1幢1单元迁至9幢2单元" in page
    with app.app_context():
        move = db.session.scalar(select(HouseholdMove))
        assert (move.from_grid_id, move.to_grid_id, move.moved_by_id, move.moved_at) == (
            tree.micro_a.id,
            tree.micro_b.id,
            tree.admin.id,
            NOW,
        )


def test_saving_a_household_without_moving_it_records_no_move(app, tree, login_as):
    """An edit that keeps the micro-grid's code moves nothing."""
    client = login_as(tree.supervisor_a)
    client.post(
        f"/households/{tree.household_a.id}/edit",
        data={"address": "1幢1单元101室（东）", "grid_code": "MA", "version": "1"},
    )
    with app.app_context():
        assert db.session.scalar(select(HouseholdMove)) is None


def test_two_moves_in_one_transaction_record_each_step(app, tree, settled):
    """MA → MA2 → MB before a commit: the second move starts where the first ended."""
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        households.move(household, db.session.get(Grid, settled), tree.admin.id)
        households.move(household, db.session.get(Grid, tree.micro_b.id), tree.admin.id)
        db.session.commit()
        steps = db.session.execute(
            select(HouseholdMove.from_grid_id, HouseholdMove.to_grid_id).order_by(HouseholdMove.id)
        ).all()
        assert steps == [(tree.micro_a.id, settled), (settled, tree.micro_b.id)]


# --- many households at once ------------------------------------------------------------------


@pytest.fixture
def stairwell(app, tree, settled) -> list[int]:
    """Three more households in MA (four in all)."""
    with app.app_context():
        micro_a = db.session.get(Grid, tree.micro_a.id)
        made = [
            add_household(micro_a, f"1幢1单元{n}室", f"33070219900101{n:04d}", f"住户{n}")
            for n in (102, 201, 202)
        ]
        db.session.commit()
        return [h.id for h in made]


def test_the_bulk_move_page_lists_the_micro_grids_households(tree, stairwell, login_as):
    """A checkbox per household, one for all of them, and the code of the new micro-grid."""
    client = login_as(tree.supervisor_a)
    page = client.get(f"/households/move/{tree.micro_a.id}").get_data(as_text=True)
    assert "<html" in page and "迁移1幢1单元的住户" in page
    for household_id in [tree.household_a.id, *stairwell]:
        assert f'name="households" value="{household_id}"' in page
    assert 'name="everyone"' in page and 'name="grid_code"' in page
    micro_page = client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert f'href="/households/move/{tree.micro_a.id}"' in micro_page


def test_a_bulk_move_takes_the_selected_households_only(app, tree, settled, stairwell, login_as):
    """Two of four households go to MA2 at one moment, by the supervisor; two stay."""
    client = login_as(tree.supervisor_a)
    chosen = [stairwell[0], stairwell[2]]
    response = client.post(
        f"/households/move/{tree.micro_a.id}",
        data={"households": [str(i) for i in chosen], "grid_code": "ma2"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/grids/{tree.micro_a.id}")
    assert "已迁至1幢2单元：2 户。" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        where = dict(db.session.execute(select(Household.id, Household.grid_id)).all())
        assert [where[i] for i in stairwell] == [settled, tree.micro_a.id, settled]
        assert where[tree.household_a.id] == tree.micro_a.id
        moves = db.session.scalars(select(HouseholdMove)).all()
        assert sorted(m.household_id for m in moves) == sorted(chosen)
        assert {(m.moved_at, m.moved_by_id, m.from_grid_id) for m in moves} == {
            (NOW, tree.supervisor_a.id, tree.micro_a.id)
        }


def test_a_bulk_move_of_all_empties_the_micro_grid(app, tree, settled, stairwell, login_as):
    """ "All" moves every household of the micro-grid, whatever is ticked."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/households/move/{tree.micro_a.id}",
        data={"everyone": "y", "households": [str(stairwell[0])], "grid_code": "MA2"},
    )
    assert response.status_code == 303
    with app.app_context():
        left = db.session.scalar(
            select(Household.id).where(Household.grid_id == tree.micro_a.id, Household.active)
        )
        assert left is None
        assert len(db.session.scalars(select(HouseholdMove)).all()) == 4


def test_a_bulk_move_sent_twice_moves_nobody_twice(app, tree, stairwell, settled, login_as):
    """The same form again finds nobody left to move and says so; one move each."""
    client = login_as(tree.supervisor_a)
    data = {"households": [str(stairwell[0])], "grid_code": "MA2"}
    assert client.post(f"/households/move/{tree.micro_a.id}", data=data).status_code == 303
    again = client.post(f"/households/move/{tree.micro_a.id}", data=data)
    assert again.status_code == 422 and "请选择要迁移的住户" in again.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(HouseholdMove)).all()) == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"households": [], "grid_code": "MA2"}, "请选择要迁移的住户"),
        ({"everyone": "y", "grid_code": "MB"}, "您的辖区内没有编码为 MB 的微网格"),
        ({"everyone": "y", "grid_code": "GA"}, "住户须归属于微网格"),
        ({"everyone": "y", "grid_code": ""}, "请输入迁入微网格的编码"),
    ],
)
def test_a_bulk_move_needs_households_and_a_micro_grid_in_scope(
    app, tree, stairwell, settled, login_as, data, message
):
    """Nothing ticked, a code of another branch, a grid that is no micro-grid or no code at
    all: the form comes back with the reason by its field, and nobody moves."""
    client = login_as(tree.supervisor_a)
    response = client.post(f"/households/move/{tree.micro_a.id}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(HouseholdMove)) is None


def test_the_bulk_move_page_is_for_a_micro_grid(tree, login_as):
    """A node that holds no households has no such page."""
    client = login_as(tree.admin)
    assert client.get(f"/households/move/{tree.grid_a.id}").status_code == 404


def test_a_bulk_move_keeps_yesterdays_reports(app, tree, settled, stairwell, login_as):
    """Yesterday's reports of MA, MA2, grid A and the zone are the same after the move."""
    nodes = _nodes(tree, settled)
    with app.app_context():
        for household_id in stairwell:
            db.session.get(Household, household_id).created_at = NOW - timedelta(days=30)
        db.session.commit()
        before = _reports(nodes, YESTERDAY)
    client = login_as(tree.supervisor_a)
    client.post(f"/households/move/{tree.micro_a.id}", data={"everyone": "y", "grid_code": "MA2"})
    with app.app_context():
        assert _reports(nodes, YESTERDAY) == before
        assert sum(_colours(settled, TODAY).values()) == 4
        assert sum(_colours(settled, YESTERDAY).values()) == 0


# --- a resident moves -------------------------------------------------------------------------


def test_a_resident_move_recounts_both_and_takes_the_observation(app, tree, settled, login_as):
    """张三 (yellow, under observation) moves from A's household to B's: the counts follow,
    the observation goes along and B's household rises to yellow."""
    client = login_as(tree.admin)
    response = client.post(
        f"/residents/{tree.resident_a.id}/move", data={"household_id": tree.household_b.id}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/households/{tree.household_b.id}")
    with app.app_context():
        old, new = (
            db.session.get(Household, i) for i in (tree.household_a.id, tree.household_b.id)
        )
        assert (old.member_count, new.member_count) == (0, 2)
        assert new.status == "yellow" and old.status == "yellow"  # lowering is a person's call
        observation = db.session.scalar(
            select(Observation).where(Observation.resident_id == tree.resident_a.id)
        )
        assert observation.household_id == new.id
        move = db.session.scalar(select(ResidentMove))
        assert (move.from_household_id, move.to_household_id, move.observation_id) == (
            old.id,
            new.id,
            observation.id,
        )
        raised = db.session.scalar(select(StatusChange).where(StatusChange.household_id == new.id))
        assert (raised.to_status, raised.reason) == ("yellow", "张三 迁入")
    page = client.get(f"/households/{tree.household_b.id}").get_data(as_text=True)
    assert "管理员：张三 迁入本户" in page
    old_page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "管理员：张三 迁出本户" in old_page


def test_a_resident_move_keeps_past_observation_figures(app, tree, settled):
    """The observation counted in MA on the days before the move, in MB from the move on."""
    nodes = _nodes(tree)
    with app.app_context():
        before = _reports(nodes, YESTERDAY)
        resident = db.session.get(Resident, tree.resident_a.id)
        residents.move_to(resident, db.session.get(Household, tree.household_b.id), tree.admin.id)
        db.session.commit()
        assert _reports(nodes, YESTERDAY) == before
        assert _observed(tree.micro_a.id, YESTERDAY) == 1
        assert (_observed(tree.micro_a.id, TODAY), _observed(tree.micro_b.id, TODAY)) == (0, 2)


def test_an_ended_observation_stays_and_a_planned_one_goes(app, tree, settled):
    """An observation released before the move stays with the old household; one that
    starts later goes with the resident, unrecorded (no day has counted it yet)."""
    with app.app_context():
        resident = db.session.get(Resident, tree.resident_a.id)
        running = db.session.scalar(
            select(Observation).where(Observation.resident_id == resident.id)
        )
        running.released_on = TODAY
        planned = Observation(
            resident=resident,
            household=resident.household,
            start_date=TODAY + timedelta(days=2),
            planned_end=TODAY + timedelta(days=16),
            reason="密接",
            created_by_id=tree.worker_a.id,
        )
        db.session.add(planned)
        move = residents.move_to(
            resident, db.session.get(Household, tree.household_b.id), tree.admin.id
        )
        db.session.commit()
        assert running.household_id == tree.household_a.id
        assert planned.household_id == tree.household_b.id
        assert move.observation_id is None


def test_moving_a_resident_where_they_live_does_nothing(app, tree):
    """The same household again (a form sent twice) records no move and counts no one twice."""
    with app.app_context():
        resident = db.session.get(Resident, tree.resident_a.id)
        assert residents.move_to(resident, resident.household, tree.admin.id) is None
        db.session.commit()
        assert resident.household.member_count == 1
        assert db.session.scalar(select(ResidentMove)) is None


def test_a_resident_cannot_move_into_a_deactivated_household(app, tree):
    """The rule refuses a household taken out of the lists."""
    from webapp.rules import RuleError

    with app.app_context():
        target = db.session.get(Household, tree.household_b.id)
        target.active = False
        with pytest.raises(RuleError):
            residents.move_to(db.session.get(Resident, tree.resident_a.id), target, tree.admin.id)


def test_the_resident_form_finds_the_new_household(tree, login_as):
    """The edit page searches; by address or by number the results offer "move here", the
    resident's own household left out; htmx gets the results alone."""
    client = login_as(tree.admin)
    edit = client.get(f"/residents/{tree.resident_a.id}/edit").get_data(as_text=True)
    assert "迁到其他住户" in edit and f'action="/residents/{tree.resident_a.id}/move"' in edit
    url = f"/residents/{tree.resident_a.id}/move"
    for q in ("9幢", str(tree.household_b.id)):
        page = client.get(url, query_string={"q": q}).get_data(as_text=True)
        assert "<html" in page and "9幢2单元202室" in page and "迁到此户" in page
        assert f'name="household_id" value="{tree.household_b.id}"' in page
        assert f"户号 {tree.household_b.id}" in page
    own = client.get(url, query_string={"q": "1幢"}).get_data(as_text=True)
    assert f'name="household_id" value="{tree.household_a.id}"' not in own
    partial = client.get(url, query_string={"q": "9幢"}, headers=HX)
    body = partial.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<section id="move-results">')


def test_a_resident_moves_only_within_the_area(tree, login_as):
    """The supervisor of grid A finds nothing in B and cannot post B's household."""
    client = login_as(tree.supervisor_a)
    url = f"/residents/{tree.resident_a.id}/move"
    assert "9幢2单元202室" not in client.get(url, query_string={"q": "9幢"}).get_data(as_text=True)
    assert client.post(url, data={"household_id": tree.household_b.id}).status_code == 404


# --- a grid node moves with its subtree -------------------------------------------------------


def test_a_subtree_move_keeps_the_zone_and_the_moved_node(app, tree, settled):
    """Micro-grid MA2 (with a household under observation) moves from grid A to grid B: the
    totals of the zone and the community and the reports of MA2, MA and MB stay; grid A's
    reports lose MA2 and grid B's gain it (a node counts what lies under it today)."""
    with app.app_context():
        micro_a2 = db.session.get(Grid, settled)
        households.move(db.session.get(Household, tree.household_a.id), micro_a2, tree.admin.id)
        db.session.commit()
        above, below = (
            [tree.root.id, tree.community.id],
            [settled, tree.micro_a.id, tree.micro_b.id],
        )
        days = (TODAY - timedelta(days=2), YESTERDAY, TODAY)
        totals = {day: _totals(above, day) for day in days}
        reports = {day: _reports(below, day) for day in days}
        assert _observed(tree.grid_a.id, TODAY) == 1 and _observed(tree.grid_b.id, TODAY) == 1
        grids.move(micro_a2, db.session.get(Grid, tree.grid_b.id))
        db.session.commit()
        for day in days:
            assert _totals(above, day) == totals[day], day
            assert _reports(below, day) == reports[day], day
        assert _observed(tree.grid_a.id, TODAY) == 0 and _observed(tree.grid_b.id, TODAY) == 2


def _totals(node_ids: list[int], day: date) -> dict[int, dict]:
    return {node_id: found["total"] for node_id, found in _reports(node_ids, day).items()}
