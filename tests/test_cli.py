"""`flask create-admin`: a new office's first account."""

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Worker


def test_create_admin_on_an_empty_database(app):
    """With every option given, an admin is made at the root of a new tree and can sign in."""
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--phone",
            "13600000001",
            "--password",
            "first-pass",
            "--name",
            "管理员",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(select(Worker).where(Worker.phone == "13600000001"))
        assert admin.role == "admin" and admin.scope.level == 0
    client = app.test_client()
    assert (
        client.post("/login", data={"phone": "13600000001", "password": "first-pass"}).status_code
        == 302
    )


def test_create_admin_asks_for_what_is_left_out(app):
    """Without --password it prompts (twice, to confirm)."""
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--phone", "13600000002", "--name", "管理员"],
        input="first-pass\nfirst-pass\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output


def test_create_admin_refuses_a_bad_phone(app):
    """A phone that is not a mobile number is refused and nothing is saved."""
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--phone", "12345", "--password", "first-pass", "--name", "x"]
    )
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(Worker)) is None
