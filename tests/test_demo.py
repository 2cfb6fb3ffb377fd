"""The demo data: `demo-data --scale small` inside the suite, and the browser's totals."""

import re

from sqlalchemy import func, select

from webapp.demo import DEMO_PHONES, PASSWORD
from webapp.extensions import db
from webapp.identity import is_valid_id_number
from webapp.models import (
    Errand,
    FollowUp,
    Grid,
    Handover,
    Household,
    Observation,
    Resident,
    StatusChange,
    Worker,
)
from webapp.models.grid import segment
from webapp.observations.rules import fever_reason, supplies_errand, under_observation_reason
from webapp.residents.rules import returnee_reason


def sign_in_rows(output: str) -> list[str]:
    """The lines of the command's output that show a phone number."""
    return [line for line in output.splitlines() if re.search(r"\b1[3-9]\d{9}\b", line)]


def test_small_demo_loads_and_prints_sign_ins(app):
    """The command loads one township and prints a table of the six demo sign-ins."""
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert result.exit_code == 0, result.output
    rows = sign_in_rows(result.output)
    assert [row.split()[0] for row in rows] == [
        "admin",
        "supervisor",
        "supervisor",
        "worker",
        "enterprise",
        "reviewer",
    ]
    assert all(row.split()[-1] == PASSWORD for row in rows)


def test_second_run_changes_nothing_and_prints_the_same_sign_ins(app):
    """Run again (as `make run` does on every start), it loads nothing and shows the way in."""
    first = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    again = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert again.exit_code == 0 and "already" in again.output
    assert sign_in_rows(again.output) == sign_in_rows(first.output)


def test_sign_ins_leave_out_accounts_the_demo_password_does_not_open(app):
    """A demo account whose password was changed, or that was deactivated, is not printed."""
    app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    with app.app_context():
        admin, supervisor = (
            db.session.scalar(select(Worker).where(Worker.phone == phone))
            for phone in DEMO_PHONES[:2]
        )
        admin.set_password("another-pass")
        supervisor.active = False
        db.session.commit()
    again = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert [row.split()[2] for row in sign_in_rows(again.output)] == list(DEMO_PHONES[2:])


def test_database_with_a_tree_of_its_own_shows_no_demo_sign_ins(app, tree):
    """A database with its own tree is left alone, and its accounts are not shown."""
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert result.exit_code == 0 and "already" in result.output
    assert "no demo sign-ins" in result.output and not sign_in_rows(result.output)


def test_demo_writes_the_texts_of_the_app_rules(app):
    """Colour raises made by a rule and errands read as the app's rules write them."""
    app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    with app.app_context():
        by_rule = set(
            db.session.scalars(select(StatusChange.reason).where(StatusChange.worker_id.is_(None)))
        )
        observed = select(Resident.name).join(Observation, Observation.resident_id == Resident.id)
        follow_ups = observed.add_columns(FollowUp.temperature, FollowUp.symptoms).join(
            FollowUp, FollowUp.observation_id == Observation.id
        )
        expected = {under_observation_reason(name) for name in db.session.scalars(observed)}
        expected |= {fever_reason(*row) for row in db.session.execute(follow_ups)}
        # Arrivals received from a checkpoint are registered as returnees by the residents' rule.
        received = select(Resident.name, Resident.origin).join(
            Handover, Handover.resident_id == Resident.id
        )
        expected |= {returnee_reason(n, o or "") for n, o in db.session.execute(received)}
        assert by_rule and by_rule <= expected
        errands = set(db.session.scalars(select(Errand.description)))
        supplies = db.session.scalars(
            select(FollowUp.supplies).where(FollowUp.supplies.is_not(None))
        )
        assert errands and errands == {supplies_errand(what) for what in supplies}


def test_demo_data_is_consistent(app):
    """Paths follow the tree, ID numbers are valid, member counts match the residents."""
    app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    with app.app_context():
        grids = {g.id: g for g in db.session.scalars(select(Grid))}
        for grid in grids.values():
            parent_path = grids[grid.parent_id].path if grid.parent_id else ""
            assert grid.path == parent_path + segment(grid.id)
        assert all(is_valid_id_number(n) for n in db.session.scalars(select(Resident.id_number)))
        members = db.session.scalar(select(func.sum(Household.member_count)))
        assert members == db.session.scalar(select(func.count()).select_from(Resident))
        assert {k for k in (g.kind for g in grids.values()) if k} >= {"stairwell", "villager_group"}


def test_browser_totals_equal_direct_counts(app):
    """Every node's page shows the households and residents that a direct count finds."""
    app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    with app.app_context():
        admin_id = db.session.scalar(select(Worker.id).where(Worker.role == "admin"))
        nodes = db.session.scalars(select(Grid).where(Grid.level < 4)).all()
        expected = {}
        for node in nodes:
            in_node = Household.grid.has(Grid.path.startswith(node.path))
            households = db.session.scalar(select(func.count(Household.id)).where(in_node))
            residents = db.session.scalar(
                select(func.count(Resident.id)).join(Resident.household).where(in_node)
            )
            expected[node.id] = (households, residents)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{admin_id}:0"
    for node_id, (households, residents) in expected.items():
        page = client.get(f"/grids/{node_id}").get_data(as_text=True)
        assert f"{households} 户，{residents} 人" in page, node_id
