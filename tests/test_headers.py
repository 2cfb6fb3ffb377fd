"""Security headers: every answer of every route (pages and fragments, errors and redirects)
carries them, and no answer but a static file is left in a cache. The routes come from
app.url_map, as in test_scope.py, so a route added later is walked too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from webapp.auth.guard import public
from webapp.extensions import db
from webapp.models import Job

from .conftest import PASSWORD, make_app

# Photos are files: the autouse fixture removes the one that the photo test uploads.
from .test_photos import _no_photos_left, image_bytes, upload  # noqa: F401
from .test_scope import RULES, url_for_other_grid
from .test_styles import SERVED, TEMPLATES

# The policy, directive by directive: nothing inline or evaluated, nothing from elsewhere.
POLICY = {
    "default-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
MODES = {"page": {}, "fragment": {"HX-Request": "true"}}
# What the policy refuses, or what htmx would evaluate (allowEval is off): a script without
# src, an on* handler, a javascript: URL, hx-on, a js: value, a trigger filter.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\ssrc=)[\s>]|\son[a-z]+\s*=|javascript:|\shx-on|[\"']js:"
    r"|hx-trigger=\"[^\"]*\[",
    re.IGNORECASE,
)


def policy(header: str) -> dict[str, set[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}


def assert_protected(response) -> None:
    """The headers every answer carries; a page (HTML) also carries the policy."""
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") == "same-origin"
    assert "no-store" in cache_directives(response), headers.get("Cache-Control")
    if response.mimetype == "text/html":
        csp = headers.get("Content-Security-Policy", "")
        assert "unsafe" not in csp
        assert policy(csp) == POLICY
        assert headers.get("X-Frame-Options") == "DENY"


@pytest.fixture
def finished_job(tree, app, tmp_path) -> None:
    """Grid B's job is done and its file is there, so that the download answers."""
    result = tmp_path / "cards.zip"
    result.write_bytes(b"PK\x05\x06" + bytes(18))
    with app.app_context():
        db.session.execute(
            update(Job)
            .where(Job.id == tree.job_b.id)
            .values(status="done", result_path=str(result), result_name="cards.zip")
        )
        db.session.commit()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rule, method", RULES)
def test_every_answer_to_an_admin_carries_the_headers(
    rule, method, mode, tree, finished_job, login_as
):
    """Signed in as the administrator, every route, as a page and as a fragment."""
    client = login_as(tree.admin)
    response = client.open(
        url_for_other_grid(rule, tree), method=method, data={}, headers=MODES[mode]
    )
    assert response.status_code < 500
    assert_protected(response)


@pytest.mark.parametrize("rule, method", RULES)
def test_every_answer_to_anonymous_carries_the_headers(rule, method, tree, client):
    """Without signing in: the public pages and the redirects to the sign-in page."""
    response = client.open(url_for_other_grid(rule, tree), method=method, data={})
    assert response.status_code < 500
    assert_protected(response)


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/today/"),
        ("GET", "/grids/{micro_a}"),
        ("GET", "/households/{household_a}"),
        ("POST", "/residents/{resident_a}/reveal"),
        ("GET", "/search/?q=张"),
        ("GET", "/workers/"),
        ("GET", "/workers/{worker_a}"),
        ("GET", "/observations/{observation_b}"),
        ("GET", "/cards/workers/{worker_b}"),
        ("GET", "/cards/{card_b}.pdf"),
        ("GET", "/reports/{grid_a}"),
        ("GET", "/reports/{grid_a}/pdf"),
        ("GET", "/reports/{grid_a}/period/pdf"),
        ("GET", "/progress/{job_b}"),
        ("GET", "/progress/{job_b}/download"),
    ],
)
def test_answers_with_personal_data_are_never_stored(method, path, tree, finished_job, login_as):
    """Households, residents, workers, reports, cards and downloads answer with no-store."""
    ids = {name: getattr(value, "id", None) for name, value in vars(tree).items()}
    client = login_as(tree.admin)
    for headers in MODES.values():
        response = client.open(path.format(**ids), method=method, headers=headers)
        assert response.status_code == 200
        assert_protected(response)


@pytest.mark.parametrize("mode", MODES)
def test_error_pages_carry_the_headers(mode, tree, login_as):
    """403, 404, 405 and a refused form (422) carry the headers, as pages and as fragments."""
    headers = MODES[mode]
    worker = login_as(tree.worker_a)
    answers = [
        (403, worker.get("/workers/", headers=headers)),
        (404, worker.get(f"/households/{tree.household_b.id}", headers=headers)),
        (404, worker.get("/no/such/page", headers=headers)),
        (405, worker.get(f"/visits/new/{tree.household_a.id}", headers=headers)),
        (
            422,
            worker.post(
                f"/statuses/household/{tree.household_a.id}",
                data={"status": "purple"},
                headers=headers,
            ),
        ),
    ]
    for status, response in answers:
        assert response.status_code == status
        assert_protected(response)


@pytest.fixture(scope="module")
def https_app(db_url):
    """An app as deployed behind HTTPS, with CSRF on and a view that fails."""
    app = make_app(
        db_url, SESSION_COOKIE_SECURE=True, WTF_CSRF_ENABLED=True, PROPAGATE_EXCEPTIONS=False
    )

    @public
    def fail():
        raise RuntimeError("a bug")

    app.add_url_rule("/fail", "fail", fail)
    return app


def test_https_deployment_adds_strict_transport_security(https_app):
    """Behind HTTPS every answer, static files too, tells the browser never to use http."""
    client = https_app.test_client()
    with https_app.test_request_context():
        static = https_app.url_for("static", filename="css/app.css")
    for response in (client.get("/login"), client.get("/today/"), client.get(static)):
        value = response.headers.get("Strict-Transport-Security", "")
        assert value.startswith("max-age=31536000") and "includeSubDomains" in value


def test_plain_http_sends_no_strict_transport_security(client):
    """An intranet served over http is not promised HTTPS."""
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_expired_form_and_server_error_carry_the_headers(https_app, tree):
    """The CSRF refusal (400) and the 500 page are pages like the others."""
    client = https_app.test_client()
    expired = client.post("/login", data={"phone": tree.admin.phone, "password": PASSWORD})
    failed = client.get("/fail")
    assert (expired.status_code, failed.status_code) == (400, 500)
    assert_protected(expired)
    assert_protected(failed)


def test_static_files_keep_their_year_long_cache(client, app):
    """A fingerprinted file stays immutable for a year, and is never sniffed for a type."""
    with app.test_request_context():
        url = app.url_for("static", filename="vendor/htmx-2.0.11.min.js")
    response = client.get(url)
    assert response.status_code == 200
    assert {"public", "immutable", "max-age=31536000"} <= cache_directives(response)
    assert "no-store" not in cache_directives(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_gets_no_page_policy(tree, login_as):
    """A PDF opens in the browser's own viewer, which a page's policy would leave blank."""
    response = login_as(tree.admin).get(f"/reports/{tree.grid_a.id}/pdf")
    assert response.mimetype == "application/pdf"
    assert "Content-Security-Policy" not in response.headers
    assert "X-Frame-Options" not in response.headers
    assert_protected(response)


def test_the_card_photo_keeps_its_private_cache(tree, login_as, app):
    """The card photo's own choice (private, a day) stands: its URL changes with each photo."""
    client = login_as(tree.supervisor_a)
    upload(client, tree.worker_a.id, image_bytes("JPEG"))
    response = client.get(f"/cards/workers/{tree.worker_a.id}/photo.jpg?v=1")
    assert response.status_code == 200
    assert {"private", "max-age=86400"} <= cache_directives(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", SERVED, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_served_template_has_no_inline_code(path):
    """No inline script, handler or evaluated htmx attribute: the policy would refuse it."""
    match = INLINE_CODE.search(path.read_text(encoding="utf-8"))
    assert not match, f"{match.group(0)!r}: move it to static/js/"
