"""Managing grid workers."""

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Worker


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
    """Passwords have at least 8 characters."""
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
