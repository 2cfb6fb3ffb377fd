"""New passwords: long enough, not one of the common ones, not the worker's own phone; the same
rule for the workers' form, one's own change and `flask create-admin`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.demo import DEMO_PHONES
from webapp.demo import PASSWORD as DEMO_PASSWORD
from webapp.extensions import db
from webapp.models import Grid, Worker
from webapp.rules import RuleError
from webapp.workers import rules as workers

from .conftest import PASSWORD
from .test_workers import new_worker

WEAK = [
    "abcd-1234",  # nine characters
    "1234567890",
    "qwertyuiop",
    "Password123",  # the list is read without regard to case
    "woaini1314520",
    "aa12345678",
    "1990-01-01",  # a date alone
    "zzzzzzzzzzzz",  # one character over and over
]


def appointment(password: str, phone: str = "13700000009") -> workers.Appointment:
    return workers.Appointment(
        name="新人",
        phone=phone,
        role="worker",
        scope=db.session.scalar(select(Grid).where(Grid.code == "MA")),
        employment="part_time",
        password=password,
    )


@pytest.mark.parametrize("password", WEAK)
def test_the_workers_form_refuses_a_weak_password(tree, login_as, password):
    """A short, common or guessable first password is refused by its field (422)."""
    client = login_as(tree.admin)
    response = client.post("/workers/new", data=new_worker(password=password))
    assert response.status_code == 422
    assert "密码" in response.get_data(as_text=True)


def test_the_workers_form_takes_a_good_password(tree, login_as):
    """Ten characters that are on no list and hold no phone number are accepted."""
    client = login_as(tree.admin)
    assert client.post("/workers/new", data=new_worker(password="tea-kettle-9")).status_code == 303


@pytest.mark.parametrize("password", WEAK)
def test_appoint_refuses_a_weak_password(tree, app, password):
    """The rule refuses it too, by the password field: an import gets the same answer."""
    with app.app_context():
        admin = db.session.get(Worker, tree.admin.id)
        with pytest.raises(RuleError) as refused:
            workers.appoint(Worker(), appointment(password), by=admin)
        assert refused.value.field == "password"


def test_appoint_refuses_the_workers_own_phone_in_the_password(tree, app):
    """A password that holds the worker's phone number is refused, new or kept."""
    with app.app_context():
        admin = db.session.get(Worker, tree.admin.id)
        with pytest.raises(RuleError, match="手机号"):
            workers.appoint(Worker(), appointment("13700000009ab"), by=admin)
        # On the edit page the phone is left empty (kept): the stored one counts.
        worker = db.session.get(Worker, tree.worker_a.id)
        kept = appointment(f"x{tree.worker_a.phone}", phone=None)
        kept.scope = worker.scope
        with pytest.raises(RuleError, match="手机号"):
            workers.appoint(worker, kept, by=admin)


def test_ones_own_new_password_must_be_strong(tree, login_as):
    """Changing one's password refuses a common one and one's own phone number."""
    client = login_as(tree.worker_a)
    for weak in ("qwerty123456", f"{tree.worker_a.phone}!", "abcd-1234"):
        response = client.post(
            "/account/password", data={"current": PASSWORD, "password": weak, "again": weak}
        )
        assert response.status_code == 422, weak
    good = "tea-kettle-9"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": good, "again": good}
    )
    assert response.status_code == 303


def test_change_own_password_rule_refuses_the_phone(tree, app):
    """The rule itself refuses the worker's phone, whoever calls it."""
    with app.app_context():
        worker = db.session.get(Worker, tree.worker_a.id)
        with pytest.raises(RuleError) as refused:
            workers.change_own_password(worker, PASSWORD, f"my{worker.phone}")
        assert refused.value.field == "password"


@pytest.mark.parametrize("password", ["abcd-1234", "1qaz2wsx3edc", "13600000009-me", "admin123456"])
def test_create_admin_refuses_a_weak_password(app, password):
    """`flask create-admin` refuses what the form refuses, in English, and saves nothing."""
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--phone", "13600000009", "--password", password, "--name", "x"]
    )
    assert result.exit_code != 0
    assert "--password" in result.output
    with app.app_context():
        assert db.session.scalar(select(Worker)) is None


def test_the_demo_password_opens_only_what_demo_data_made(tree, app, login_as):
    """Nothing but `demo-data` can give an account the demo password: not create-admin on a
    demo phone, not the workers' form, not one's own change."""
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--phone", "13600000009", "--password", DEMO_PASSWORD, "--name", "x"]
    )
    assert result.exit_code != 0
    client = login_as(tree.admin)
    data = new_worker(phone="13700000008", password=DEMO_PASSWORD)
    assert client.post("/workers/new", data=data).status_code == 422
    client = login_as(tree.worker_a)
    change = {"current": PASSWORD, "password": DEMO_PASSWORD, "again": DEMO_PASSWORD}
    assert client.post("/account/password", data=change).status_code == 422
    with app.app_context():
        demo_like = db.session.scalars(select(Worker).where(Worker.phone.in_(DEMO_PHONES))).all()
        assert not any(worker.check_password(DEMO_PASSWORD) for worker in demo_like)


def test_the_common_passwords_ship_with_the_package():
    """The list is a data file of the package: a few thousand lower-case entries, each long
    enough to pass the length rule (a shorter one could never be chosen anyway)."""
    from webapp import passwords

    entries = passwords.common_passwords()
    assert 500 <= len(entries) <= 5000
    assert all(entry == entry.lower() for entry in entries)
    assert all(len(entry) >= passwords.MIN_LENGTH for entry in entries)
    assert {"1234567890", "qwertyuiop", "woaini1314"} <= entries


def test_the_fixtures_password_is_a_good_one():
    """The suite's own password passes the rule (so that tests sign in as a real office would)."""
    from webapp import passwords

    assert passwords.weakness(PASSWORD) is None
    assert passwords.weakness(PASSWORD, phone="13900000003") is None
