"""Every POST route refuses a request without a valid CSRF token."""

import pytest

from .conftest import PASSWORD
from .test_scope import RULES, url_for_other_grid

POSTS = [p for p in RULES if p.values[1] == "POST"]


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.mark.parametrize("rule, method", POSTS)
def test_post_without_token_is_refused(rule, method, tree, client, csrf_on):
    """A POST with no token is refused with 400 and a message, whoever sends it."""
    response = client.post(url_for_other_grid(rule, tree), data={})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_sign_in_form_carries_a_token(tree, client, csrf_on):
    """With the token from the form, signing in works; with a forged one it does not."""
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    forged = client.post(
        "/login", data={"phone": tree.admin.phone, "password": PASSWORD, "csrf_token": "x" + token}
    )
    assert forged.status_code == 400
    ok = client.post(
        "/login", data={"phone": tree.admin.phone, "password": PASSWORD, "csrf_token": token}
    )
    assert ok.status_code == 302


def test_htmx_requests_send_the_token_in_a_header(tree, client, csrf_on):
    """Pages put the token in hx-headers, and a POST with only the header is accepted."""
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login", data={"phone": tree.admin.phone, "password": PASSWORD, "csrf_token": token}
    )
    home = client.get("/today/").get_data(as_text=True)
    header_token = home.split('"X-CSRFToken": "')[1].split('"')[0]
    response = client.post("/logout", headers={"X-CSRFToken": header_token, "HX-Request": "true"})
    assert response.status_code == 302
