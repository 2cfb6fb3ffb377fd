"""Notices (微网格群喊话): a supervisor or a micro-grid leader posts one to a node; every
micro-grid under it shows it (public page, today list) until its last day, unless withdrawn."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from flask import render_template
from sqlalchemy import func, select

from webapp import clock
from webapp.clock import today
from webapp.extensions import db
from webapp.models import AuditEntry, Grid, Notice, Worker
from webapp.notices import rules
from webapp.notices.queries import current_for


def give_position(app, worker, *positions):
    with app.app_context():
        db.session.get(Worker, worker.id).positions = list(positions)
        db.session.commit()


def post(client, grid, key="notice-key-0001", **values):
    data = {
        "key": key,
        "title": "停水通知",
        "text": "12月3日上午8点至12点停水，请提前储水。",
        "last_day": (today() + timedelta(days=3)).isoformat(),
    }
    data.update(values)
    return client.post(f"/notices/grids/{grid.id}/new", data=data)


def notices_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Notice))


def current_titles(app, grid) -> list[str]:
    with app.app_context():
        return [n.title for n in current_for(db.session.get(Grid, grid.id))]


@pytest.fixture
def no_b_notice(app, tree):
    """The tree's own notice of grid B out of the way, for tests that count."""
    with app.app_context():
        db.session.delete(db.session.get(Notice, tree.notice_b.id))
        db.session.commit()


def test_supervisor_posts_to_the_community_every_micro_grid_shows_it(
    tree, login_as, app, no_b_notice
):
    """A notice posted to a node shows for every micro-grid under it, on today and publicly."""
    supervisor = login_as(tree.admin)
    response = post(supervisor, tree.community)
    assert response.status_code == 303
    assert current_titles(app, tree.micro_a) == ["停水通知"]
    assert current_titles(app, tree.micro_b) == ["停水通知"]
    page = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    assert "停水通知" in page and "请提前储水" in page and tree.community.name in page
    assert "停水通知" in login_as(tree.worker_b).get("/today/").get_data(as_text=True)


def test_a_notice_to_one_micro_grid_stays_there(tree, login_as, app, no_b_notice):
    """Posted to micro-grid A: B's page and B's worker never see it; ancestors' do not count."""
    give_position(app, tree.worker_a, "micro_leader")
    assert post(login_as(tree.worker_a), tree.micro_a).status_code == 303
    assert current_titles(app, tree.micro_a) == ["停水通知"]
    assert current_titles(app, tree.micro_b) == []
    assert current_titles(app, tree.grid_a) == []  # a node above sees only what is above it
    assert "停水通知" not in login_as(tree.worker_b).get("/today/").get_data(as_text=True)
    # The supervisor of grid A sees what was posted inside their subtree.
    assert "停水通知" in login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)


def test_newest_first(tree, login_as, app, no_b_notice):
    """Several notices: the newest first, on today and in current_for."""
    client = login_as(tree.admin)
    clock.freeze(datetime.combine(today(), time(8)))
    try:
        post(client, tree.root, key="notice-key-0001", title="第一条")
        clock.freeze(datetime.combine(today(), time(9)))
        post(client, tree.grid_a, key="notice-key-0002", title="第二条")
        clock.freeze(datetime.combine(today(), time(10)))
        post(client, tree.micro_a, key="notice-key-0003", title="第三条")
        assert current_titles(app, tree.micro_a) == ["第三条", "第二条", "第一条"]
        assert current_titles(app, tree.micro_b) == ["第一条"]
        page = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
        assert page.index("第三条") < page.index("第二条") < page.index("第一条")
    finally:
        clock.freeze(None)


def test_a_notice_expires_after_its_last_day(tree, login_as, app, no_b_notice):
    """Shown through its last day; gone the next morning, from today and the public page."""
    post(login_as(tree.admin), tree.community, last_day=today().isoformat())
    client = login_as(tree.worker_a)
    clock.freeze(datetime.combine(today(), time(23, 59)))
    try:
        assert current_titles(app, tree.micro_a) == ["停水通知"]
        assert "停水通知" in client.get("/today/").get_data(as_text=True)
        clock.freeze(datetime.combine(today() + timedelta(days=1), time(0, 0)))
        assert current_titles(app, tree.micro_a) == []
        assert "停水通知" not in client.get("/today/").get_data(as_text=True)
    finally:
        clock.freeze(None)


def test_withdrawn_notice_is_gone_and_who_withdrew_it_is_kept(tree, login_as, app, no_b_notice):
    """A withdrawal takes it off at once; who and when are on the notice and the trail."""
    client = login_as(tree.supervisor_a)
    post(client, tree.grid_a)
    with app.app_context():
        notice_id = db.session.scalar(select(Notice.id))
    page = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    assert "停水通知" in page and "撤回" not in page  # a plain worker cannot withdraw it
    client = login_as(tree.supervisor_a)
    assert "撤回" in client.get("/today/").get_data(as_text=True)
    response = client.post(f"/notices/{notice_id}/withdraw")
    assert response.status_code == 303 and response.headers["Location"].endswith("/today/")
    assert current_titles(app, tree.micro_a) == []
    assert "停水通知" not in login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert notice.withdrawn_by_id == tree.supervisor_a.id
        assert notice.withdrawn_at is not None
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "notice")
        ).all()
        assert sorted(actions) == ["notice_posted", "notice_withdrawn"]
        first = notice.withdrawn_at
    # A second tap changes nothing: the first withdrawal stands.
    login_as(tree.admin).post(f"/notices/{notice_id}/withdraw")
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert (notice.withdrawn_by_id, notice.withdrawn_at) == (tree.supervisor_a.id, first)


def test_micro_grid_leader_posts_only_in_their_own_area(tree, login_as, app, no_b_notice):
    """A leader posts to their micro-grid; the grid above and another branch are not theirs."""
    give_position(app, tree.worker_a, "micro_leader")
    client = login_as(tree.worker_a)
    assert "发布通知" in client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert post(client, tree.grid_a).status_code == 404
    assert post(client, tree.micro_b).status_code == 404
    assert notices_count(app) == 0
    assert post(client, tree.micro_a).status_code == 303
    assert notices_count(app) == 1


def test_a_worker_without_a_leaders_position_may_not_post(tree, login_as, app, no_b_notice):
    """A plain grid worker sees no link and gets 403 in their own micro-grid."""
    client = login_as(tree.worker_a)
    assert "发布通知" not in client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert client.get(f"/notices/grids/{tree.micro_a.id}/new").status_code == 403
    assert post(client, tree.micro_a).status_code == 403
    assert notices_count(app) == 0


def test_a_worker_cannot_withdraw_a_notice_from_above(tree, login_as, app, no_b_notice):
    """A notice posted to the community is outside a micro-grid leader's area: 404."""
    post(login_as(tree.admin), tree.community)
    with app.app_context():
        notice_id = db.session.scalar(select(Notice.id))
    give_position(app, tree.worker_a, "micro_leader")
    assert login_as(tree.worker_a).post(f"/notices/{notice_id}/withdraw").status_code == 404
    assert current_titles(app, tree.micro_a) == ["停水通知"]


def test_the_author_may_withdraw_their_own_notice_after_losing_the_position(
    tree, login_as, app, no_b_notice
):
    """Withdrawing is the author's right even when they no longer lead the micro-grid."""
    give_position(app, tree.worker_a, "micro_leader")
    post(login_as(tree.worker_a), tree.micro_a)
    give_position(app, tree.worker_a)
    with app.app_context():
        notice_id = db.session.scalar(select(Notice.id))
    login_as(tree.worker_a).post(f"/notices/{notice_id}/withdraw")
    assert current_titles(app, tree.micro_a) == []


def test_the_same_submission_twice_is_one_notice(tree, login_as, app, no_b_notice):
    """A double tap (the same sending key) posts one notice."""
    client = login_as(tree.admin)
    post(client, tree.community)
    post(client, tree.community)
    assert notices_count(app) == 1


@pytest.mark.parametrize(
    "values, message",
    [
        ({"title": ""}, "请输入标题"),
        ({"title": "标" * 41}, "最多 40 个字"),
        ({"text": ""}, "请输入通知内容"),
        ({"text": "字" * 301}, "最多 300 个字"),
        ({"text": "字" * 10_000}, "最多 300 个字"),
        ({"last_day": ""}, "请输入日期"),
        ({"last_day": "明天"}, "不是有效的日期"),
        ({"last_day": (today() - timedelta(days=1)).isoformat()}, "不能早于今天"),
        ({"last_day": (today() + timedelta(days=91)).isoformat()}, "最长 90 天"),
        ({"key": ""}, "重新加载"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_saves_nothing(
    values, message, tree, login_as, app, no_b_notice
):
    """Empty, too long, a date in the past or too far, no key: 422, a message, no notice."""
    response = post(login_as(tree.admin), tree.community, **values)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert notices_count(app) == 0


def test_the_public_fragment_shows_the_notices(tree, app):
    """The fragment for /r/<code> draws each notice's title, text and where it came from."""
    with app.test_request_context("/"):
        notices = current_for(db.session.get(Grid, tree.micro_b.id))
        html = render_template("notices/_public.html", notices=notices)
        assert "停水通知" in html and "明天上午停水" in html and tree.micro_b.name in html
        assert render_template("notices/_public.html", notices=[]).strip() == ""


def test_rules_refuse_without_a_request(tree, app):
    """The rule itself refuses a worker who may not post, and a text too long."""
    with app.app_context():
        worker = db.session.get(Worker, tree.worker_a.id)
        micro = db.session.get(Grid, tree.micro_a.id)
        with pytest.raises(rules.RuleError):
            rules.post(micro, "标题", "内容", today(), worker)
        worker.positions = ["micro_leader"]
        with pytest.raises(rules.RuleError):
            rules.post(micro, "标题", "字" * 301, today(), worker)
        notice = rules.post(micro, "标题", "内容", today(), worker)
        assert notice.is_current(clock.now()) and notice.last_day == today()
        db.session.rollback()
