"""The demo data: `demo-data --scale small` inside the suite, and the browser's totals."""

import re

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.identity import is_valid_id_number
from webapp.models import Grid, Household, Resident, Worker
from webapp.models.grid import segment


def test_small_demo_loads_and_prints_sign_ins(app):
    """The command loads one township and prints a table of four demo sign-ins."""
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if re.search(r"\b1[3-9]\d{9}\b", line)]
    assert [row.split()[0] for row in rows] == ["admin", "supervisor", "supervisor", "worker"]
    again = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert again.exit_code == 0 and "already" in again.output


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
        session["_user_id"] = str(admin_id)
    for node_id, (households, residents) in expected.items():
        page = client.get(f"/grids/{node_id}").get_data(as_text=True)
        assert f"{households} 户，{residents} 人" in page, node_id
