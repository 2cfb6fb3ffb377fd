"""Field work with the signal coming and going: the pages a phone may keep, the service worker,
the outbox's token, the feedback on a row after a write, and undoing a visit or an errand."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.clock import now
from webapp.extensions import db
from webapp.models import AuditEntry, Errand, Household, Resident, Visit

from .conftest import PASSWORD, RETURNEE

HX = {"HX-Request": "true"}


def visit(client, household_id, page="row", key="key-visit-0001", **data):
    data = {"key": key, "method": "door", "page": page, **data}
    return client.post(f"/visits/new/{household_id}", data=data, headers=HX)


def visits(app) -> list[Visit]:
    with app.app_context():
        db.session.remove()
        return list(db.session.scalars(select(Visit)))


@pytest.fixture
def errand_a(app, tree) -> int:
    """An open errand of the worker's own micro-grid."""
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        errand = Errand(
            household=household,
            grid_id=household.grid_id,
            description="买药",
            created_by_id=tree.supervisor_a.id,
        )
        db.session.add(errand)
        db.session.commit()
        return errand.id


@pytest.fixture
def frozen():
    """The clock stands still at the start; tests move it on with clock.freeze."""
    start = now()
    clock.freeze(start)
    yield start
    clock.freeze(None)


# --- The service worker and the pages it may keep ---------------------------------------


def test_service_worker_is_served_from_the_root_within_its_budget(client):
    """/sw.js is public JavaScript for the whole app, and weighs at most 3 KB gzipped."""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "Gridwork-Keep" in response.get_data(as_text=True)
    assert len(gzip.compress(response.get_data(), 9)) <= 3072


def test_pages_register_the_service_worker(tree, login_as):
    """Every page, the sign-in page too, says where the service worker and the token are."""
    client = login_as(tree.worker_a)
    body = client.get("/today/").get_data(as_text=True)
    assert 'data-sw="/sw.js"' in body and 'data-token="/outbox/token"' in body
    assert "data-signout" in body


@pytest.mark.parametrize(
    "path", ["/today/", "/grids/{micro}", "/households/{household}", "/residents/new/{household}"]
)
def test_a_workers_own_pages_may_be_kept_for_them(tree, login_as, path):
    """Today, a micro-grid, a household, the registration form: marked with the worker's id,
    and carrying the hidden offline banner with the time they were drawn."""
    client = login_as(tree.worker_a)
    url = path.format(micro=tree.micro_a.id, household=tree.household_a.id)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Gridwork-Keep"] == str(tree.worker_a.id)
    body = response.get_data(as_text=True)
    assert '<p id="offline" hidden' in body
    assert f"离线 · 显示 {now().strftime('%H:')}" in body


def test_an_observation_page_may_be_kept(tree, login_as, app):
    """The observation page a worker opened is theirs to keep as well."""
    with app.app_context():
        from webapp.models import Observation

        observation = Observation(
            resident_id=tree.resident_a.id,
            household_id=tree.household_a.id,
            start_date=clock.today(),
            planned_end=clock.today() + timedelta(days=7),
            reason="密切接触",
            created_by_id=tree.worker_a.id,
        )
        db.session.add(observation)
        db.session.commit()
        observation_id = observation.id
    client = login_as(tree.worker_a)
    response = client.get(f"/observations/{observation_id}")
    assert response.headers["Gridwork-Keep"] == str(tree.worker_a.id)


def test_english_banner(tree, login_as):
    """In English the banner reads "Offline · showing the page from HH:MM"."""
    client = login_as(tree.worker_a)
    client.get("/lang/en")
    body = client.get("/today/").get_data(as_text=True)
    assert "Offline · showing the page from " in body


def test_supervisors_desk_pages_are_never_kept(tree, login_as):
    """A supervisor's pages carry no mark and no banner: nothing of theirs stays on a phone."""
    client = login_as(tree.supervisor_a)
    for url in ("/today/", f"/grids/{tree.micro_a.id}", f"/households/{tree.household_a.id}"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Gridwork-Keep" not in response.headers
        assert 'id="offline"' not in response.get_data(as_text=True)


def test_fragments_answers_and_other_pages_are_not_kept(tree, login_as):
    """A write's answer, a search page and an error page are no page to keep."""
    client = login_as(tree.worker_a)
    assert "Gridwork-Keep" not in visit(client, tree.household_a.id).headers
    assert "Gridwork-Keep" not in client.get("/search/?q=1幢").headers
    assert "Gridwork-Keep" not in client.get(f"/households/{tree.household_b.id}").headers


def test_the_sign_in_page_clears_the_copies(client, tree):
    """The sign-in page is where a phone changes hands: the copies go."""
    assert client.get("/login").headers["Gridwork-Keep"] == "clear"


# --- The outbox's token --------------------------------------------------------------------


def _token_of(page: str) -> str:
    return page.split('"X-CSRFToken": "')[1].split('"')[0]


def _sign_in(client, worker):
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    data = {"phone": worker.phone, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302


def test_a_write_queued_on_a_kept_page_goes_through_with_a_fresh_token(tree, app, monkeypatch):
    """A page kept from an earlier session holds a token that session's end made stale; the
    outbox asks /outbox/token first, and the queued visit is accepted with it, once."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    _sign_in(client, tree.worker_a)
    kept = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    stale = _token_of(kept)
    # The session ends (idle too long, or signed out and in again): a new session, new token.
    client.post("/logout", data={"csrf_token": stale})
    _sign_in(client, tree.worker_a)
    refused = visit(client, tree.household_a.id, page="household", csrf_token=stale)
    assert refused.status_code == 400
    fresh = client.get("/outbox/token")
    assert fresh.status_code == 200 and fresh.headers["Cache-Control"] == "no-store"
    token = fresh.get_json()["token"]
    for _ in range(2):  # the answer lost, the same item sent again
        answer = visit(client, tree.household_a.id, page="household", csrf_token=token)
        assert answer.status_code == 200
    assert len(visits(app)) == 1


def test_a_signed_out_phone_gets_no_token(client):
    """Signed out, the token route sends to the sign-in page: the outbox sends nothing."""
    assert client.get("/outbox/token").status_code == 302


# --- Feedback on the row -------------------------------------------------------------------


def test_a_visited_row_says_so_and_offers_undo(tree, login_as):
    """After the tap the row shows ✓ 今天 HH:MM, its button logs another visit, and an undo."""
    client = login_as(tree.worker_a)
    body = visit(client, tree.household_a.id).get_data(as_text=True)
    assert f"✓ 今天 {now().strftime('%H:')}" in body
    assert ">再记一次</button>" in body and ">已走访</button>" not in body
    assert f"/visits/{tree.household_a.id}/undo" in body and "撤销" in body
    assert 'class="done"' in body


def test_undoing_a_visit_with_an_id_no_column_holds_says_so(tree, login_as):
    """A forged undo naming an enormous visit id gets the row's message, not a 500."""
    client = login_as(tree.worker_a)
    answer = client.post(
        f"/visits/{tree.household_a.id}/undo", data={"visit": "1" * 40, "page": "row"}, headers=HX
    )
    assert answer.status_code == 422
    assert "这次走访已不存在" in answer.get_data(as_text=True)


def test_a_visit_from_today_lowers_the_due_count(tree, login_as):
    """On today's list the visited household is no longer due: the count goes down with the
    answer, and the next load does not list it."""
    client = login_as(tree.worker_a)
    page = client.get("/today/").get_data(as_text=True)
    assert '<small id="due-count">1 户</small>' in page
    body = visit(client, tree.household_a.id, page="today").get_data(as_text=True)
    assert '<small id="due-count" hx-swap-oob="true">0 户</small>' in body
    page = client.get("/today/").get_data(as_text=True)
    assert f'id="h{tree.household_a.id}"' not in page


def test_errand_done_lowers_the_count_and_can_be_undone(tree, login_as, errand_a, app):
    """完成 answers with the row done and the open errands' count; 撤销 reopens it, and the
    trail keeps that it was undone."""
    client = login_as(tree.worker_a)
    page = client.get("/today/").get_data(as_text=True)
    assert '<small id="errand-count">1</small>' in page
    assert f'action="/errands/{errand_a}/done"' in page and "data-outbox" in page
    done = client.post(f"/errands/{errand_a}/done", headers=HX).get_data(as_text=True)
    assert '<small id="errand-count" hx-swap-oob="true">0</small>' in done
    assert "✓ 今天" in done and f"/errands/{errand_a}/undo" in done
    undone = client.post(f"/errands/{errand_a}/undo", headers=HX)
    assert undone.status_code == 200
    assert '<small id="errand-count" hx-swap-oob="true">1</small>' in undone.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Errand, errand_a).done_at is None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "errand_undone"))
        assert entry.actor_id == tree.worker_a.id and entry.object_id == errand_a


def test_errand_undo_only_by_who_marked_it_and_only_for_a_while(
    tree, login_as, errand_a, app, frozen
):
    """Someone else, or the same worker too late, cannot undo: 422 with the reason."""
    client = login_as(tree.worker_a)
    client.post(f"/errands/{errand_a}/done", headers=HX)
    clock.freeze(frozen + timedelta(minutes=6))
    late = client.post(f"/errands/{errand_a}/undo", headers=HX)
    assert late.status_code == 422 and "几分钟内" in late.get_data(as_text=True)
    clock.freeze(frozen + timedelta(minutes=1))
    other = login_as(tree.supervisor_a).post(f"/errands/{errand_a}/undo", headers=HX)
    assert other.status_code == 422
    with app.app_context():
        assert db.session.get(Errand, errand_a).done_at is not None


# --- Undoing a visit -----------------------------------------------------------------------


def undo(client, household_id, visit_id, page="row"):
    data = {"visit": visit_id, "page": page, "key": "key-undo-0001"}
    return client.post(f"/visits/{household_id}/undo", data=data, headers=HX)


def test_author_undoes_a_visit_and_it_leaves_every_count(tree, login_as, app):
    """The visit goes, the household's last visit falls back, the counters drop, and the trail
    says what was undone."""
    client = login_as(tree.worker_a)
    visit(client, tree.household_a.id)
    (made,) = visits(app)
    answer = undo(client, tree.household_a.id, made.id)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "未走访" in body and "今日已走访 0 户" in body
    assert visits(app) == []
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).last_visit_at is None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit_undone"))
        assert entry.actor_id == tree.worker_a.id and entry.details["method"] == "door"
    # Sent again (the answer lost): nothing left to undo, said so, nothing else changes.
    again = undo(client, tree.household_a.id, made.id)
    assert again.status_code == 422 and "已不存在" in again.get_data(as_text=True)


def test_undo_on_the_household_page_takes_the_history_line_away(tree, login_as, app):
    """From the household page, the answer removes the undone visit's line from the history."""
    client = login_as(tree.worker_a)
    body = visit(client, tree.household_a.id, page="household").get_data(as_text=True)
    (made,) = visits(app)
    assert f'id="visit-{made.id}"' in body and "撤销" in body
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert f"/visits/{tree.household_a.id}/undo" in page  # still offered after a reload
    body = undo(client, tree.household_a.id, made.id, page="household").get_data(as_text=True)
    assert f'<li id="visit-{made.id}" hx-swap-oob="delete">' in body


def test_only_the_author_and_only_for_a_few_minutes(tree, login_as, app, frozen, monkeypatch):
    """Another worker cannot undo a visit; its author cannot after UNDO_MINUTES."""
    monkeypatch.setitem(app.config, "UNDO_MINUTES", 2)
    client = login_as(tree.worker_a)
    visit(client, tree.household_a.id)
    (made,) = visits(app)
    other = login_as(tree.supervisor_a)
    assert undo(other, tree.household_a.id, made.id).status_code == 422
    client = login_as(tree.worker_a)
    clock.freeze(frozen + timedelta(minutes=3))
    late = undo(client, tree.household_a.id, made.id)
    assert late.status_code == 422 and "几分钟内" in late.get_data(as_text=True)
    assert "撤销" not in client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert len(visits(app)) == 1


def test_undo_without_javascript_is_a_plain_post(tree, login_as, app):
    """Without htmx the undo posts and goes back to the micro-grid page."""
    client = login_as(tree.worker_a)
    visit(client, tree.household_a.id)
    (made,) = visits(app)
    response = client.post(
        f"/visits/{tree.household_a.id}/undo", data={"visit": made.id, "page": "row"}
    )
    assert response.status_code == 303 and response.location.endswith(f"/grids/{tree.micro_a.id}")
    assert visits(app) == []


def test_a_visit_of_another_household_cannot_be_undone_here(tree, login_as, app):
    """The visit named must be the household's own."""
    client = login_as(tree.worker_b)
    visit(client, tree.household_b.id)
    (made,) = visits(app)
    client = login_as(tree.worker_a)
    assert undo(client, tree.household_a.id, made.id).status_code == 422
    assert undo(client, tree.household_b.id, made.id).status_code == 404
    assert len(visits(app)) == 1


# --- Resident registration through the outbox ---------------------------------------------


def test_a_registration_sent_twice_registers_one_resident(tree, login_as, app):
    """The form carries a key; its copy sent again answers as the first and adds nobody."""
    client = login_as(tree.worker_a)
    form = client.get(f"/residents/new/{tree.household_a.id}").get_data(as_text=True)
    assert "data-outbox" in form and 'name="key"' in form
    data = {**RETURNEE, "key": "key-register-01"}
    for _ in range(2):
        response = client.post(f"/residents/new/{tree.household_a.id}", data=data, headers=HX)
        assert response.status_code == 204
        assert response.headers["HX-Location"] == f"/households/{tree.household_a.id}"
    with app.app_context():
        n = db.session.scalar(
            select(func.count()).select_from(Resident).where(Resident.name == RETURNEE["name"])
        )
        assert n == 1


# --- Deactivating a worker -----------------------------------------------------------------


def test_deactivating_a_worker_asks_first(tree, login_as):
    """The worker's page folds the deactivation behind a question (no JavaScript needed)."""
    client = login_as(tree.supervisor_a)
    body = client.get(f"/workers/{tree.worker_a.id}").get_data(as_text=True)
    assert '<details class="confirm">' in body
    assert f"停用 {tree.worker_a.name}？" in body and "确认停用" in body


def test_starting_an_observation_goes_through_the_outbox_once(tree, login_as, app):
    """The form that starts a home observation is kept and queued like the others; sent twice
    with its key, it starts one observation."""
    from webapp.models import Observation

    client = login_as(tree.worker_a)
    page = client.get(f"/observations/new/{tree.resident_a.id}")
    assert page.headers["Gridwork-Keep"] == str(tree.worker_a.id)
    assert "data-outbox" in page.get_data(as_text=True)
    data = {
        "key": "key-observe-001",
        "start_date": clock.today().isoformat(),
        "planned_end": (clock.today() + timedelta(days=14)).isoformat(),
        "reason": "密切接触",
    }
    for _ in range(2):
        response = client.post(f"/observations/new/{tree.resident_a.id}", data=data, headers=HX)
        assert response.status_code == 204 and response.headers["HX-Location"]
    with app.app_context():
        mine = select(func.count()).where(Observation.resident_id == tree.resident_a.id)
        assert db.session.scalar(mine) == 1


def test_errand_done_and_undone_without_javascript(tree, login_as, errand_a, app):
    """Plain posts: 完成 and 撤销 each go back to today's list, which shows the errand as it is."""
    client = login_as(tree.worker_a)
    done = client.post(f"/errands/{errand_a}/done")
    assert done.status_code == 303 and done.location.endswith("/today/")
    assert f"/errands/{errand_a}/undo" in client.get("/today/").get_data(as_text=True)
    undone = client.post(f"/errands/{errand_a}/undo")
    assert undone.status_code == 303
    with app.app_context():
        assert db.session.get(Errand, errand_a).done_at is None
