"""Today (今日任务): what a worker has to do now, and a supervisor's view of their subtree."""

from datetime import timedelta

from webapp.clock import now
from webapp.extensions import db
from webapp.models import Household


def set_household(app, household_id, **values):
    with app.app_context():
        household = db.session.get(Household, household_id)
        for name, value in values.items():
            setattr(household, name, value)
        db.session.commit()


def test_never_visited_household_is_due(tree, login_as):
    """A household never visited is on the worker's list with a one-tap visit button."""
    page = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    # A worker of the stairwell 1幢1单元 reads its rows' addresses below it: "101室".
    assert "应走访" in page and "101室" in page
    assert f'hx-target="#h{tree.household_a.id}"' in page
    assert f"/households/{tree.household_b.id}" not in page


def test_rhythm_follows_the_colour(tree, login_as, app):
    """Green visited 5 days ago is not due; red visited 13 hours ago is."""
    set_household(app, tree.household_a.id, last_visit_at=now() - timedelta(days=5))
    client = login_as(tree.worker_a)
    row = f'id="h{tree.household_a.id}"'
    assert row not in client.get("/today/").get_data(as_text=True)
    set_household(app, tree.household_a.id, status="red", last_visit_at=now() - timedelta(hours=13))
    assert row in client.get("/today/").get_data(as_text=True)


def test_visit_from_today_list_returns_to_today(tree, login_as):
    """Without JavaScript a visit logged from the today list comes back to it."""
    client = login_as(tree.worker_a)
    response = client.post(
        f"/visits/new/{tree.household_a.id}",
        data={"key": "key-today-001", "method": "door", "page": "today"},
    )
    assert response.headers["Location"].endswith("/today/")


def test_supervisor_sees_counts_per_child(tree, login_as):
    """A community supervisor's today list has one row per grid with what is due."""
    page = login_as(tree.admin).get("/today/").get_data(as_text=True)
    assert "分区情况" in page and tree.township.name in page


def test_worker_has_no_area_table(tree, login_as):
    """Field workers see their own tasks, not the supervisors' table."""
    page = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    assert "分区情况" not in page


def test_a_feature_adds_a_section_without_editing_today(db_url, tree):
    """A section that a feature registers shows on the today list, in the place its order
    gives it (after the errands, before the visits due)."""
    from jinja2 import ChoiceLoader, DictLoader

    from webapp.today.sections import SECTIONS, Section

    from .conftest import PASSWORD, make_app

    app = make_app(db_url)
    fragment = {"requests/_today.html": "<h2>{{ section.n }} 条新诉求</h2>"}
    app.jinja_env.loader = ChoiceLoader([DictLoader(fragment), app.jinja_env.loader])
    SECTIONS.add(app, Section(35, "requests/_today.html", lambda moment: {"n": 3}))
    client = app.test_client()
    client.post("/login", data={"phone": tree.worker_a.phone, "password": PASSWORD})
    page = client.get("/today/").get_data(as_text=True)
    assert page.index("代办事项") < page.index("3 条新诉求") < page.index("应走访")
