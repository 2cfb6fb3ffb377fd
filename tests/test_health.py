"""The load balancer's health check."""

from webapp.extensions import db


def test_healthz_answers_ok(client):
    """200 and 'ok' when the database answers."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"


def test_healthz_reports_a_dead_database(client, app, monkeypatch):
    """503 when the database does not answer."""
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        assert client.get("/healthz").status_code == 503
