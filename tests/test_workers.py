"""Managing grid workers."""

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEntry, Grid, Worker


def new_worker(**overrides):
    data = {
        "name": "孙网格",
        "phone": "13700000009",
        "password": "long-enough",
        "role": "worker",
        "scope_code": "MA",
        "employment": "part_time",
        "tags": ["party_member"],
        "positions": ["floor_leader"],
    }
    data.update(overrides)
    return data


def test_supervisor_adds_a_worker_who_can_sign_in(tree, login_as, app):
    """A supervisor adds a part-time floor leader in their grid; the new worker signs in."""
    client = login_as(tree.supervisor_a)
    response = client.post("/workers/new", data=new_worker())
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        worker = db.session.scalar(select(Worker).where(Worker.phone == "13700000009"))
        assert worker.scope_id == tree.micro_a.id
        assert worker.tags == ["party_member"] and worker.positions == ["floor_leader"]
    other = app.test_client()
    assert (
        other.post("/login", data={"phone": "13700000009", "password": "long-enough"}).status_code
        == 302
    )


def test_phone_must_be_unique(tree, login_as):
    """A phone already used to sign in is refused."""
    client = login_as(tree.supervisor_a)
    response = client.post("/workers/new", data=new_worker(phone=tree.worker_a.phone))
    assert response.status_code == 422


def test_unknown_grid_code_is_refused(tree, login_as):
    """A scope code that does not exist gets a message naming it."""
    client = login_as(tree.admin)
    response = client.post("/workers/new", data=new_worker(scope_code="XYZ"))
    assert response.status_code == 422
    assert "XYZ" in response.get_data(as_text=True)


def test_short_password_is_refused(tree, login_as):
    """Passwords have at least 10 characters."""
    client = login_as(tree.admin)
    assert client.post("/workers/new", data=new_worker(password="short")).status_code == 422


def test_deactivated_worker_is_signed_out_of_new_requests(tree, login_as, app):
    """After a supervisor deactivates a worker, that worker's session no longer works."""
    worker_client = app.test_client()
    worker_client.post("/login", data={"phone": tree.worker_a.phone, "password": "secret-pass-1"})
    assert worker_client.get("/today/").status_code == 200
    manager = login_as(tree.supervisor_a)
    manager.post(f"/workers/{tree.worker_a.id}/deactivate")
    assert worker_client.get("/today/").status_code == 302


def test_worker_search(tree, login_as):
    """Searching by a part of the name finds the worker; htmx gets only the list."""
    client = login_as(tree.admin)
    response = client.get("/workers/?q=赵", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "赵网格" in body and "钱网格" not in body and "<html" not in body


def test_field_worker_cannot_manage_workers(tree, login_as):
    """The worker list is for managers."""
    client = login_as(tree.worker_a)
    assert client.get("/workers/").status_code == 403


def add_peer(app, tree) -> int:
    """Another supervisor of grid A (the peer of tree.supervisor_a)."""
    from .conftest import add_worker

    with app.app_context():
        peer = add_worker(
            "周主任", "13900000008", "supervisor", db.session.get(Grid, tree.grid_a.id)
        )
        db.session.commit()
        return peer.id


def test_a_supervisor_cannot_reach_a_fellow_supervisor(tree, login_as, app):
    """A fellow supervisor of the same node is neither listed nor editable nor deactivatable."""
    peer_id = add_peer(app, tree)
    client = login_as(tree.supervisor_a)
    assert "周主任" not in client.get("/workers/").get_data(as_text=True)
    assert client.get(f"/workers/{peer_id}/edit").status_code == 404
    reset = new_worker(name="周主任", phone="", password="taken-over-1", role="supervisor")
    assert client.post(f"/workers/{peer_id}/edit", data=reset).status_code == 404
    assert client.post(f"/workers/{peer_id}/deactivate").status_code == 404
    with app.app_context():
        peer = db.session.get(Worker, peer_id)
        assert peer.active and peer.check_password("secret-pass-1")


def test_only_an_admin_makes_a_supervisor(tree, login_as, app):
    """A supervisor cannot promote a worker to supervisor; an admin can."""
    data = new_worker(name=tree.worker_a.name, phone="", role="supervisor", password="")
    response = login_as(tree.supervisor_a).post(f"/workers/{tree.worker_a.id}/edit", data=data)
    assert response.status_code == 422
    assert (
        login_as(tree.admin).post(f"/workers/{tree.worker_a.id}/edit", data=data).status_code == 303
    )
    with app.app_context():
        assert db.session.get(Worker, tree.worker_a.id).role == "supervisor"


def test_the_edit_form_shows_the_phone_masked_and_keeps_it(tree, login_as, app):
    """The worker's form never holds the full phone; left empty, the phone stays."""
    client = login_as(tree.supervisor_a)
    page = client.get(f"/workers/{tree.worker_a.id}/edit").get_data(as_text=True)
    assert tree.worker_a.phone not in page and "139****0003" in page
    data = new_worker(name="赵网格改", phone="", password="")
    assert client.post(f"/workers/{tree.worker_a.id}/edit", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(Worker, tree.worker_a.id).phone == tree.worker_a.phone


def test_a_worker_phone_is_shown_in_full_only_through_a_logged_reveal(tree, login_as, app):
    """The worker's page masks the phone; the reveal shows it and is on the trail."""
    client = login_as(tree.supervisor_a)
    page = client.get(f"/workers/{tree.worker_a.id}").get_data(as_text=True)
    assert tree.worker_a.phone not in page
    shown = client.post(f"/workers/{tree.worker_a.id}/reveal", headers={"HX-Request": "true"})
    assert tree.worker_a.phone in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.object_id).where(AuditEntry.action == "reveal"))


def test_deactivating_a_worker_revokes_their_cards_for_good(tree, login_as, app):
    """A deactivated worker's card stops printing and verifying, and stays revoked after a
    reactivation (reason: worker deactivated)."""
    from datetime import timedelta

    from webapp.clock import today
    from webapp.models import Card

    client = login_as(tree.supervisor_a)
    valid_until = (today() + timedelta(days=30)).isoformat()
    client.post(f"/cards/workers/{tree.worker_a.id}/issue", data={"valid_until": valid_until})
    with app.app_context():
        card = db.session.scalar(select(Card).where(Card.worker_id == tree.worker_a.id))
        serial, card_id = card.serial, card.id
    client.post(f"/workers/{tree.worker_a.id}/deactivate")
    client.post(f"/workers/{tree.worker_a.id}/activate")
    assert client.get(f"/cards/{card_id}.pdf").status_code in (302, 303)
    assert "无效" in app.test_client().get(f"/v/{serial}").get_data(as_text=True)
    with app.app_context():
        card = db.session.get(Card, card_id)
        assert card.revoke_reason == "worker_deactivated"
        assert card.revoked_by_id == tree.supervisor_a.id


def test_the_worker_search_box_opens_empty_in_both_languages(tree, login_as):
    """A supervisor opens the worker list in Chinese and English: the search box is empty,
    not pre-filled with the word "None", and searching finds the workers."""
    client = login_as(tree.supervisor_a)
    for language in ("zh", "en"):
        client.get(f"/lang/{language}")
        body = client.get("/workers/").get_data(as_text=True)
        assert 'name="q" value=""' in body and "None" not in body
        assert "赵网格" in body


def test_the_worker_list_names_each_area_by_its_path_below_the_viewer(tree, login_as, app):
    """Two communities each have a 3幢: the admin's list names them by their paths (湖海塘社区
    and 龙腾社区 apart), the supervisor of 第一网格 reads "3幢" alone, and a worker's own page
    names their area the same way."""
    from .conftest import add_grid, add_worker

    with app.app_context():
        community = db.session.get(Grid, tree.community.id)
        grid_a = db.session.get(Grid, tree.grid_a.id)
        other = add_grid(community.parent, 2, "龙腾社区", "C2")
        other_grid = add_grid(other, 3, "一网格", "G2")
        add_worker("周网格", "13700000011", "worker", add_grid(grid_a, 4, "3幢", "M31", "building"))
        add_worker(
            "吴网格", "13700000012", "worker", add_grid(other_grid, 4, "3幢", "M32", "building")
        )
        db.session.commit()
    body = login_as(tree.admin).get("/workers/").get_data(as_text=True)
    assert "江南街道 / 湖海塘社区 / 第一网格 / 3幢" in body
    assert "江南街道 / 龙腾社区 / 一网格 / 3幢" in body
    client = login_as(tree.supervisor_a)
    body = client.get("/workers/").get_data(as_text=True)
    assert " · 3幢 · " in body and " · 1幢1单元 · " in body and "龙腾社区" not in body
    with app.app_context():
        zhou = db.session.scalar(select(Worker).where(Worker.phone == "13700000011"))
    assert ">3幢</a>" in client.get(f"/workers/{zhou.id}").get_data(as_text=True)
    body = login_as(tree.admin).get(f"/workers/{zhou.id}").get_data(as_text=True)
    assert ">江南街道 / 湖海塘社区 / 第一网格 / 3幢</a>" in body
