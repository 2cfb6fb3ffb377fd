"""The grid browser and the editing of the tree."""

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Grid, Household


def test_browser_shows_children_with_counts(tree, login_as):
    """An admin at the community sees both grids with their household and resident counts."""
    client = login_as(tree.admin)
    page = client.get(f"/grids/{tree.community.id}").get_data(as_text=True)
    assert "第一网格" in page and "第二网格" in page
    assert "2 户" in page or "2 households" in page


def test_micro_grid_lists_its_households(tree, login_as):
    """A worker opens their stairwell and sees its households with colour and last visit."""
    client = login_as(tree.worker_a)
    page = client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert "101室" in page and f"/households/{tree.household_a.id}" in page
    assert "9幢2单元202室" not in page
    assert "s-green" in page


def test_partial_request_gets_the_fragment(tree, login_as):
    """With HX-Request the browser answers only the list fragment, with Vary set."""
    client = login_as(tree.admin)
    response = client.get(f"/grids/{tree.community.id}", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="children"' in body
    assert "HX-Request" in response.headers["Vary"]
    full = client.get(f"/grids/{tree.community.id}").get_data(as_text=True)
    assert "<html" in full and body.strip() in full


def test_worker_starts_at_own_scope(tree, login_as):
    """/grids/ takes a worker to their own scope node."""
    client = login_as(tree.worker_a)
    response = client.get("/grids/")
    assert response.headers["Location"].endswith(f"/grids/{tree.micro_a.id}")


def test_admin_adds_a_micro_grid(tree, login_as, app):
    """An admin adds a stairwell under a grid; its path hangs under the parent's."""
    client = login_as(tree.admin)
    response = client.post(
        f"/grids/{tree.grid_a.id}/new",
        data={"name": "2幢1单元", "code": "ma2", "kind": "stairwell"},
    )
    assert response.status_code == 303
    with app.app_context():
        node = db.session.scalar(select(Grid).where(Grid.code == "MA2"))
        assert node.level == 4 and node.path.startswith(tree.grid_a.path)


def test_micro_grid_needs_a_kind(tree, login_as, app):
    """A micro-grid without a kind is refused with a message; nothing is saved."""
    client = login_as(tree.admin)
    response = client.post(f"/grids/{tree.grid_a.id}/new", data={"name": "x", "code": "X1"})
    assert response.status_code == 422
    assert "微网格类型" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Grid)) == 7


def test_duplicate_code_is_refused(tree, login_as):
    """Codes are printed in QR codes: a second node cannot take one."""
    client = login_as(tree.admin)
    response = client.post(
        f"/grids/{tree.grid_a.id}/new", data={"name": "x", "code": "MB", "kind": "building"}
    )
    assert response.status_code == 422
    assert "已被使用" in response.get_data(as_text=True)


def test_moving_a_node_moves_its_subtree(tree, login_as, app):
    """Moving grid A under another community rewrites the paths of its micro-grids."""
    client = login_as(tree.admin)
    client.post(f"/grids/{tree.township.id}/new", data={"name": "新社区", "code": "C2"})
    response = client.post(
        f"/grids/{tree.grid_a.id}/edit",
        data={"name": "第一网格", "code": "GA", "parent_code": "C2"},
    )
    assert response.status_code == 303
    with app.app_context():
        c2 = db.session.scalar(select(Grid).where(Grid.code == "C2"))
        micro = db.session.get(Grid, tree.micro_a.id)
        assert micro.path.startswith(c2.path)
        assert micro.path == db.session.get(Grid, tree.grid_a.id).path + micro.path[-7:]


def test_node_cannot_move_under_its_descendant(tree, login_as, app):
    """Moving a community under one of its own grids is refused with a message."""
    client = login_as(tree.admin)
    client.post(
        f"/grids/{tree.grid_a.id}/new", data={"name": "n", "code": "N1", "kind": "building"}
    )
    response = client.post(
        f"/grids/{tree.grid_a.id}/edit",
        data={"name": "第一网格", "code": "GA", "parent_code": "N1"},
    )
    assert response.status_code == 422
    assert "后代" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Grid, tree.grid_a.id).parent_id == tree.community.id


def test_unknown_parent_code_is_refused(tree, login_as):
    """An unknown code gets a clear message, not a 500."""
    client = login_as(tree.admin)
    response = client.post(
        f"/grids/{tree.grid_a.id}/edit",
        data={"name": "第一网格", "code": "GA", "parent_code": "NOPE"},
    )
    assert response.status_code == 422
    assert "NOPE" in response.get_data(as_text=True)


def test_node_with_households_cannot_be_deactivated(tree, login_as, app):
    """A micro-grid with households stays active, and says why."""
    client = login_as(tree.admin)
    client.post(f"/grids/{tree.micro_a.id}/deactivate")
    with app.app_context():
        assert db.session.get(Grid, tree.micro_a.id).active


def test_worker_cannot_edit_the_tree(tree, login_as):
    """Building the tree is for admins: a supervisor gets 403."""
    client = login_as(tree.supervisor_a)
    assert client.get(f"/grids/{tree.grid_a.id}/edit").status_code == 403


def field_of(body: str, name: str) -> str:
    """The form field block (label, input, errors) of the input named `name`."""
    start = body.rindex('<div class="field', 0, body.index(f'name="{name}"'))
    return body[start : body.index("</div>", start)]


def test_a_wrong_code_and_a_missing_kind_are_said_at_once_each_under_its_field(tree, login_as):
    """An admin adds a micro-grid with a bad code and no kind: both errors come back on the
    first try, the kind's under 微网格类型 with that field outlined, the code's under 编码."""
    client = login_as(tree.admin)
    response = client.post(f"/grids/{tree.grid_a.id}/new", data={"name": "3幢", "code": "3 幢"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    kind, code = field_of(body, "kind"), field_of(body, "code")
    assert "invalid" in kind and "请选择微网格类型" in kind
    assert "invalid" in code and "请选择微网格类型" not in code


def test_a_child_of_a_micro_grid_is_refused_above_the_form_not_under_the_code(tree, login_as):
    """Adding a node under a micro-grid is refused with a message above the form; the code
    field, which was right, is not outlined."""
    client = login_as(tree.admin)
    response = client.post(f"/grids/{tree.micro_a.id}/new", data={"name": "x", "code": "X2"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "invalid" not in field_of(body, "code")
    assert 'class="flash error" role="alert">微网格是最底层' in body


def test_rows_say_the_address_below_the_pages_own_node(tree, login_as, app):
    """A household at "江南街道 湖海塘社区 1幢1单元301室": its stairwell's worker reads "301室"
    on the micro-grid page, on today's list and in the search; the supervisor of 第一网格
    reads "1幢1单元301室" in the search; the names above are not repeated on every row."""
    with app.app_context():
        household = Household(
            grid_id=tree.micro_a.id, address="江南街道 湖海塘社区 1幢1单元301室", member_count=2
        )
        db.session.add(household)
        db.session.commit()
        row = f'id="h{household.id}"'
    client = login_as(tree.worker_a)
    for url in (f"/grids/{tree.micro_a.id}", "/today/", "/search/?q=301"):
        body = client.get(url).get_data(as_text=True)
        assert '<span class="name">301室</span>' in body, url
        assert "江南街道 湖海塘社区" not in body, url
    answer = client.post(
        f"/visits/new/{household.id}",
        data={"key": "k-301-visit", "method": "door", "page": "row"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert row in answer and '<span class="name">301室</span>' in answer
    body = login_as(tree.supervisor_a).get("/search/?q=301").get_data(as_text=True)
    assert '<span class="name">1幢1单元301室</span>' in body
