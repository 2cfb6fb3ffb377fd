"""Bad input is refused with a message or a 404, never a 500: ids too large for the database,
odd numbers and dates, control characters in text, phones and ID numbers typed as people
type them, observations that would run for ever, and `next` targets with line breaks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from webapp import clock, create_app
from webapp.extensions import db
from webapp.models import Card, Household, Observation, Resident, Worker

from .conftest import PASSWORD
from .test_observations import DAY, start
from .test_statuses import mark
from .test_visits import count_visits, post_visit
from .test_workers import new_worker

HX = {"HX-Request": "true"}
TOO_LARGE = (2**31, 2**63, 10**23, int("9" * 40))


def _id_rules():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in app.url_map.iter_rules():
        ids = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not ids:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(rule.rule, ids, method, id=f"{method} {rule.rule}")


@pytest.mark.parametrize("path, ids, method", list(_id_rules()))
def test_an_id_too_large_for_the_database_is_not_found(path, ids, method, tree, login_as):
    """Every route with an id in its URL answers 404 for ids past what an id column holds."""
    client = login_as(tree.admin)
    for value in TOO_LARGE:
        url = path
        for name in ids:
            url = url.replace(f"<int:{name}>", str(value))
        assert client.open(url, method=method, data={}).status_code == 404, url


def test_the_largest_id_the_database_holds_is_looked_up(tree, login_as):
    """2^31 - 1 (PostgreSQL's largest integer) still reaches the database: not there, 404."""
    client = login_as(tree.admin)
    assert client.get(f"/households/{2**31 - 1}").status_code == 404
    assert client.get(f"/grids/{2**31 - 1}").status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", str(2**63), "-1", "abc", "1e9", "٣"])
def test_a_bad_page_number_shows_the_first_page(page, tree, login_as):
    """?page= too large, negative or not a number: the workers' first page, not a 500."""
    client = login_as(tree.admin)
    response = client.get(f"/workers/?page={page}")
    assert response.status_code == 200
    assert tree.worker_a.name in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["99999999999999999999", str(2**63), "1" * 5000])
def test_a_huge_count_of_persons_is_refused(value, tree, login_as, app):
    """A number of persons seen beyond any household: 422 with a message, no visit."""
    response = post_visit(login_as(tree.worker_a), tree.household_a.id, HX, persons_seen=value)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "应在 0 到 50 之间" in body or "不是有效的整数" in body
    assert count_visits(app) == 0


def test_a_huge_worker_id_in_a_batch_is_refused(tree, login_as, app):
    """A batch's worker list with an id no worker has: 422 on the form, no job."""
    client = login_as(tree.admin)
    response = client.post(
        f"/cards/batch/{tree.micro_a.id}",
        data={
            "workers": str(2**64),
            "valid_until": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00Z"]
)
def test_a_visit_time_at_the_edge_of_the_calendar_is_refused(value, tree, login_as, app):
    """A recorded time whose China time falls outside the calendar: 422, no visit."""
    response = post_visit(login_as(tree.worker_a), tree.household_a.id, HX, visited_at=value)
    assert response.status_code == 422
    assert count_visits(app) == 0


@pytest.mark.parametrize(
    "query", ["to=0001-01-05", "from=0001-01-01&to=0001-01-02", "to=0999-12-31"]
)
def test_a_period_ending_in_year_one_is_a_message(query, tree, login_as):
    """A period summary ending before 2000: 422 with the message, not an overflow."""
    response = login_as(tree.admin).get(f"/reports/{tree.root.id}/period?{query}")
    assert response.status_code == 422
    assert "2000-01-01" in response.get_data(as_text=True)


@pytest.mark.parametrize("job_id", ["%00", "b" * 31 + "%00", "%0d%0a", "B" * 32, "x" * 300])
def test_a_job_id_that_is_not_one_is_not_found(job_id, tree, login_as):
    """A job id of the wrong shape (a NUL breaks PostgreSQL) is a 404 on every job route."""
    client = login_as(tree.admin)
    assert client.get(f"/progress/{job_id}").status_code == 404
    assert client.get(f"/progress/{job_id}/download").status_code == 404
    assert client.post(f"/progress/{job_id}/retry").status_code == 404


# Characters no typed text keeps: C0 controls (NUL, ESC, CR, LF, ...), DEL, C1 controls, and
# the bidi embeddings, overrides and isolates.
CONTROLS = "\x00\x01\x1b\x7f\x85\x9b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_plain_text_drops_controls_and_turns_line_breaks_into_spaces():
    """Every control character goes; a tab or a line break between words leaves a space."""
    from webapp.converters import plain_text

    typed = f"{CONTROLS}张三\r\n李四\t王五\u2028赵六{CONTROLS}"
    assert plain_text(typed).strip() == "张三 李四 王五 赵六"  # strip: NEL (\x85) breaks lines too
    assert plain_text("普通的地址 1幢") == "普通的地址 1幢" and plain_text(None) is None


def test_control_characters_are_stripped_from_a_workers_name(tree, login_as, app):
    """A name typed with CR/LF, ESC, NUL and a right-to-left override is saved without them,
    and the card of that worker downloads (its file name is a header)."""
    client = login_as(tree.admin)
    name = "孙\r\n网\x00格\x1b\u202e"
    response = client.post("/workers/new", data=new_worker(name=name))
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        worker = db.session.scalar(select(Worker).where(Worker.phone == "13700000009"))
    valid_until = (date.today() + timedelta(days=30)).isoformat()
    client.post(f"/cards/workers/{worker.id}/issue", data={"valid_until": valid_until})
    with app.app_context():
        card_id = db.session.scalar(select(Card.id).where(Card.worker_id == worker.id))
    response = client.get(f"/cards/{card_id}.pdf")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF")
    assert worker.name == "孙 网格"


@pytest.mark.parametrize(
    "typed, kept",
    [("1幢\x001单元\u2066101室\u2069", "1幢1单元101室"), ("\u202e101\x1b[2J", "101[2J")],
)
def test_control_characters_never_reach_the_database(typed, kept, tree, login_as, app):
    """NUL (which PostgreSQL refuses), ESC and bidi controls are dropped from an address."""
    client = login_as(tree.supervisor_a)
    assert (
        client.post(f"/households/new/{tree.micro_a.id}", data={"address": typed}).status_code
        == 303
    )
    with app.app_context():
        assert db.session.scalar(select(Household.id).where(Household.address == kept))


def test_a_reason_of_control_characters_only_is_empty(tree, login_as, app):
    """A colour change whose reason is only line breaks and controls asks for a reason."""
    response = mark(login_as(tree.worker_a), tree.household_a.id, reason="\r\n\x00\u202e")
    assert response.status_code == 422
    assert "请填写调整原因" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/search/?q=%00", "/search/?q=1%002", "/workers/?q=%00%0a"])
def test_a_search_with_control_characters_answers(url, tree, login_as):
    """A NUL or a newline in a search is ignored, not sent to the database."""
    assert login_as(tree.admin).get(url).status_code == 200


def test_sign_in_with_a_nul_in_the_phone_is_refused(tree, client):
    """A NUL in the sign-in phone is a wrong phone, not a database error."""
    response = client.post("/login", data={"phone": "139\x0000000001", "password": "x" * 9})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "typed", ["137 0000 0009", "137-0000-0009", "１３７０００００００９", " 137\u30000000 0009 "]
)
def test_a_phone_is_read_as_people_type_it(typed, tree, login_as, app):
    """Spaces, dashes and full-width digits in a phone: saved as its 11 digits."""
    client = login_as(tree.admin)
    response = client.post("/workers/new", data=new_worker(phone=typed))
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Worker.name).where(Worker.phone == "13700000009"))


def test_the_phone_input_takes_a_phone_typed_in_groups(tree, login_as):
    """The input's maxlength does not cut "138 0013 8001" at 11 characters."""
    page = login_as(tree.admin).get("/workers/new").get_data(as_text=True)
    phone_input = page[page.index('id="phone"') :].split(">", 1)[0]
    assert 'maxlength="11"' not in phone_input


def test_a_worker_signs_in_with_the_phone_in_groups(tree, client):
    """Signing in with "139 0000 0003" finds the worker of 13900000003."""
    response = client.post("/login", data={"phone": "139 0000 0003", "password": PASSWORD})
    assert response.status_code == 302


def test_an_id_number_in_full_width_digits_is_saved_in_ascii(tree, login_as, app):
    """A full-width ID number (an input method's digits) is the same ID number."""
    client = login_as(tree.supervisor_a)
    full_width = "３３０７０２２００５０３１５００２１"
    response = client.post(
        f"/residents/new/{tree.household_a.id}",
        data={"name": "王喆", "id_number": full_width, "phone": "137 0000 1111"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        resident = db.session.scalar(select(Resident).where(Resident.name == "王喆"))
        assert (resident.id_number, resident.phone) == ("330702200503150021", "13700001111")


def test_an_id_number_typed_in_groups_fits_the_field(tree, login_as, app):
    """ "330702 20050315 0021" is not cut at 18 characters by the input, and is saved whole."""
    client = login_as(tree.supervisor_a)
    page = client.get(f"/residents/new/{tree.household_a.id}").get_data(as_text=True)
    id_input = page[page.index('id="id_number"') :].split(">", 1)[0]
    assert 'maxlength="18"' not in id_input
    response = client.post(
        f"/residents/new/{tree.household_a.id}",
        data={"name": "王喆", "id_number": "330702 20050315 0021"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        resident = db.session.scalar(select(Resident).where(Resident.name == "王喆"))
        assert resident.id_number == "330702200503150021"


def test_normalize_id_number_reads_full_width_and_ideographic_spaces():
    """NFKC, upper case, no spaces of any kind."""
    from webapp.identity import normalize_id_number

    assert (
        normalize_id_number(" ３３０７０２\u3000２００５０３１５００２ｘ ") == "33070220050315002X"
    )


@pytest.fixture
def at_nine():
    clock.freeze(datetime.combine(DAY, datetime.min.time()).replace(hour=9))
    yield
    clock.freeze(None)


def test_an_observation_longer_than_90_days_is_refused(tree, login_as, app, at_nine):
    """A planned end 91 days after the start: 422, the message by the end date, nothing made."""
    client = login_as(tree.worker_a)
    response = start(client, tree.resident_a.id, days=91)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "最长 90 天" in page
    assert page.index("最长 90 天") > page.index('name="planned_end"')
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Observation)) == 1  # B's


def test_an_observation_of_exactly_90_days_is_started(tree, login_as, at_nine):
    """90 days is the longest observation."""
    client = login_as(tree.worker_a)
    assert start(client, tree.resident_a.id, days=90).status_code == 303


def test_an_observation_cannot_be_extended_past_90_days(tree, login_as, app, at_nine):
    """Extensions add up: no extension may end more than 90 days after the start."""
    client = login_as(tree.worker_a)
    start(client, tree.resident_a.id)
    with app.app_context():
        obs = db.session.scalar(select(Observation.id).order_by(Observation.id.desc()))
    ok = client.post(
        f"/observations/{obs}/extend",
        data={"planned_end": (DAY + timedelta(days=90)).isoformat(), "reason": "复查"},
    )
    assert ok.status_code == 303
    for end in (DAY + timedelta(days=91), date(9999, 12, 31)):
        response = client.post(
            f"/observations/{obs}/extend", data={"planned_end": end.isoformat(), "reason": "复查"}
        )
        assert response.status_code == 422
        assert "最长 90 天" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Observation, obs).planned_end == DAY + timedelta(days=90)


@pytest.mark.parametrize("bad", ["%0d%0aSet-Cookie:x", "%0aSet-Cookie:x", "%00", "%09", "%7f"])
def test_a_control_character_in_the_language_switch_next_is_a_400(bad, client):
    """/lang/en?next=/<CR><LF>… is a bad request, not a redirect and never a 500."""
    response = client.get(f"/lang/en?next=/{bad}")
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers.get("Location", "")


# A tab is there too: browsers drop it, so "/<TAB>/evil.example" would lead off the site.
@pytest.mark.parametrize("bad", ["%0d%0aSet-Cookie:x", "%0a", "%00", "%1b", "%09/evil.example/"])
def test_a_control_character_in_the_sign_in_next_is_a_400(bad, tree, client):
    """/login?next=… with a line break: 400 on the page and on the post (nobody signed in)."""
    url = f"/login?next=/{bad}"
    assert client.get(url).status_code == 400
    data = {"phone": tree.worker_a.phone, "password": PASSWORD}
    assert client.post(url, data=data).status_code == 400
    assert client.get("/today/").status_code == 302  # still signed out


def test_a_plain_next_still_leads_back(tree, client):
    """A local `next` is followed as before; another site falls back to the start page."""
    assert client.get("/lang/en?next=/today/").headers["Location"] == "/today/"
    assert client.get("/lang/zh?next=//evil.example/").headers["Location"] == "/"
    data = {"phone": tree.worker_a.phone, "password": PASSWORD}
    assert client.post("/login?next=/grids/", data=data).headers["Location"] == "/grids/"
