"""Sessions that end: sign-out, a new password, a new role and deactivation end a worker's
sessions and remember-me cookies everywhere; sessions also end when idle and at their age."""

import time
from datetime import timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Worker

from .conftest import PASSWORD


def sign_in(app, worker, remember: bool = False):
    """A fresh client (a phone), signed in as `worker`."""
    client = app.test_client()
    data = {"phone": worker.phone, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/today/").status_code == 200


def copy_of(app, client):
    """Another client holding a copy of `client`'s cookies (a captured cookie)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def test_a_captured_session_cookie_dies_with_the_sign_out(tree, app):
    """After signing out, a copy of the session cookie no longer signs anyone in."""
    phone = sign_in(app, tree.worker_a)
    thief = copy_of(app, phone)
    assert signed_in(thief)
    phone.post("/logout")
    assert not signed_in(thief)


def test_a_remember_me_cookie_alone_dies_with_the_sign_out(tree, app):
    """A remember-me cookie kept aside stops working once its worker signs out."""
    phone = sign_in(app, tree.worker_a, remember=True)
    keeper = app.test_client()
    token = phone.get_cookie("remember_token")
    assert token is not None
    keeper.set_cookie("remember_token", token.value)
    assert signed_in(keeper)
    phone.post("/logout")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", token.value)
    assert not signed_in(fresh)


def test_a_password_reset_ends_the_sessions_and_asks_for_a_new_password(tree, app, login_as):
    """A manager's new password ends the worker's sessions; at the next sign-in the worker must
    choose their own before anything else."""
    phone = sign_in(app, tree.worker_a)
    login_as(tree.supervisor_a).post(
        f"/workers/{tree.worker_a.id}/edit",
        data={
            "name": tree.worker_a.name,
            "phone": "",
            "password": "reset-by-boss",
            "role": "worker",
            "area": "MA",
            "employment": "part_time",
        },
    )
    assert not signed_in(phone)
    client = app.test_client()
    client.post("/login", data={"phone": tree.worker_a.phone, "password": "reset-by-boss"})
    assert client.get("/today/").headers["Location"].endswith("/account/password")
    response = client.post(
        "/account/password",
        data={"current": "reset-by-boss", "password": "my-own-pass-1", "again": "my-own-pass-1"},
    )
    assert response.status_code == 303
    again = app.test_client()
    again.post("/login", data={"phone": tree.worker_a.phone, "password": "my-own-pass-1"})
    assert signed_in(again)


def test_changing_ones_password_needs_the_current_one(tree, app):
    """A wrong current password is refused by its field; nothing changes."""
    client = sign_in(app, tree.worker_a)
    response = client.post(
        "/account/password",
        data={"current": "not-mine-at-all", "password": "my-own-pass-1", "again": "my-own-pass-1"},
    )
    assert response.status_code == 422 and "当前密码不正确" in response.get_data(as_text=True)
    assert signed_in(sign_in(app, tree.worker_a))


def test_a_new_role_or_area_ends_the_sessions(tree, app, login_as):
    """Moved to another micro-grid, the worker signs in again (their scope changed)."""
    phone = sign_in(app, tree.worker_a)
    login_as(tree.admin).post(
        f"/workers/{tree.worker_a.id}/edit",
        data={
            "name": tree.worker_a.name,
            "phone": "",
            "role": "worker",
            "area": "MB",
            "employment": "part_time",
        },
    )
    assert not signed_in(phone)


def test_deactivation_ends_the_sessions_and_reactivation_does_not_revive_them(tree, app, login_as):
    """A deactivated worker's cookie stays dead after the worker is reactivated."""
    phone = sign_in(app, tree.worker_a, remember=True)
    manager = login_as(tree.supervisor_a)
    manager.post(f"/workers/{tree.worker_a.id}/deactivate")
    manager.post(f"/workers/{tree.worker_a.id}/activate")
    assert not signed_in(phone)


def test_sign_out_everywhere_ends_every_phone(tree, app):
    """From their own account page a worker ends their sessions on every phone."""
    first, second = sign_in(app, tree.worker_a), sign_in(app, tree.worker_a)
    assert first.post("/account/sign-out-everywhere").status_code == 303
    assert not signed_in(first) and not signed_in(second)


def test_an_idle_session_ends(tree, app, monkeypatch):
    """A session not used for SESSION_IDLE_HOURS is over (the cookie's age is checked)."""
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=1))
    phone = sign_in(app, tree.worker_a)
    time.sleep(2)
    assert not signed_in(phone)


def test_no_session_outlives_its_maximum_age(tree, app):
    """A session older than SESSION_MAX_HOURS is over, however busy."""
    phone = sign_in(app, tree.worker_a)
    with phone.session_transaction() as session:
        session["since"] = int(time.time()) - app.config["SESSION_MAX_HOURS"] * 3600 - 60
    assert not signed_in(phone)


def test_remember_me_lasts_a_month_by_default(app):
    """The remember-me cookie is configured for 30 days, not Flask-Login's year."""
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)


def test_sessions_of_other_workers_survive(tree, app):
    """One worker's sign-out ends their sessions only."""
    mine, theirs = sign_in(app, tree.worker_a), sign_in(app, tree.worker_b)
    mine.post("/logout")
    assert signed_in(theirs)
    with app.app_context():
        epochs = dict(db.session.execute(select(Worker.id, Worker.session_epoch)).all())
    assert epochs[tree.worker_b.id] == 0 and epochs[tree.worker_a.id] == 1
