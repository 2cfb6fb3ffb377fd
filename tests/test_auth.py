"""Signing in and out."""

import pytest

from webapp.extensions import db
from webapp.models import Worker

from .conftest import PASSWORD


def test_sign_in_with_phone_and_password(tree, client):
    """A worker signs in with phone and password and lands on the start page."""
    response = client.post("/login", data={"phone": tree.worker_a.phone, "password": PASSWORD})
    assert response.status_code == 302
    assert "赵网格" in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_wrong_password_is_refused(tree, client):
    """A wrong password gets 422 and the same message as an unknown phone."""
    wrong = client.post("/login", data={"phone": tree.worker_a.phone, "password": "nope-nope"})
    unknown = client.post("/login", data={"phone": "13000000000", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 422
    assert "手机号或密码错误" in wrong.get_data(as_text=True)
    assert "手机号或密码错误" in unknown.get_data(as_text=True)


def test_deactivated_worker_cannot_sign_in(tree, client, app):
    """A deactivated worker is told so and stays signed out."""
    with app.app_context():
        db.session.get(Worker, tree.worker_a.id).active = False
        db.session.commit()
    response = client.post("/login", data={"phone": tree.worker_a.phone, "password": PASSWORD})
    assert response.status_code == 422
    assert client.get("/").status_code == 302


def test_sign_out(tree, login_as):
    """Signing out is a POST; afterwards pages send the user to sign in."""
    client = login_as(tree.worker_a)
    client.post("/logout")
    assert "/login" in client.get("/").headers["Location"]


def test_session_cookie_is_httponly_and_lax(tree, client):
    """The session cookie cannot be read by scripts nor sent by other sites' forms."""
    response = client.post("/login", data={"phone": tree.worker_a.phone, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_is_rate_limited(tree, client, app, monkeypatch):
    """After the limit, further attempts from one address get 429, even with the right password."""
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN", "3 per minute")
    for _ in range(3):
        client.post("/login", data={"phone": tree.worker_a.phone, "password": "wrong-one"})
    response = client.post("/login", data={"phone": tree.worker_a.phone, "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/login").status_code == 200  # looking at the form is never limited


@pytest.mark.parametrize("lang, text", [("en", "Sign in"), ("zh", "登录")])
def test_language_switch(client, app, lang, text):
    """Chinese by default, English one tap away."""
    client.get(f"/lang/{lang}?next=/login")
    assert text in client.get("/login").get_data(as_text=True)


def test_every_view_with_a_limit_is_checked_by_the_limiter(app):
    """The limiter only looks at RATE_LIMITED_ENDPOINTS; a view given a limit must be listed."""
    from flask_limiter.util import get_qualified_name

    from webapp.extensions import RATE_LIMITED_ENDPOINTS, limiter

    with app.test_request_context():  # the limits are read from the configuration
        limited = {
            endpoint
            for endpoint, view in app.view_functions.items()
            if limiter.limit_manager.decorated_limits(get_qualified_name(view))
        }
    assert limited == RATE_LIMITED_ENDPOINTS


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/login",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_no_redirect_leaves_the_site(tree, client, target):
    """After signing in, or switching the language, a `next` elsewhere goes to the start page."""
    from urllib.parse import quote

    response = client.get(f"/lang/en?next={quote(target)}")
    assert response.headers["Location"] == "/"
    response = client.post(
        f"/login?next={quote(target)}", data={"phone": tree.worker_a.phone, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_a_local_next_is_followed(tree, client):
    """A path on this site, with its query string, is where the user comes back to."""
    response = client.post(
        "/login?next=/search/%3Fq%3D401", data={"phone": tree.worker_a.phone, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/search/?q=401"
