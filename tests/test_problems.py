"""Enterprise problems (企业难题): logged by the liaison officer or the enterprise's account,
held by the enterprise's node and followed by its industry department, worked on with the
case machinery of resident requests (accept, resolve, return, dispatch, urge, rating, time
limits), seen only by those who act for the enterprise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import add_worker
from webapp import clock
from webapp.extensions import db
from webapp.models import (
    Case,
    CaseEvent,
    Enterprise,
    EnterpriseProblem,
    IndustryDepartment,
    Worker,
)

T0 = datetime(2026, 12, 1, 9, 0)
PROBLEM = {"category": "staffing", "urgency": "normal", "text": "复工缺少熟练工 20 名"}


@dataclass
class Firms:
    a: int  # an enterprise of micro-grid A, worker A its liaison officer
    b: int  # an enterprise of micro-grid B, of another department
    account_a: object
    account_b: object
    reviewer: object  # the reviewer of A's department
    reviewer_b: object


@pytest.fixture
def firms(app, tree):
    with app.app_context():
        industry = IndustryDepartment(name="经信局")
        commerce = IndustryDepartment(name="商务局")
        db.session.add_all([industry, commerce])
        db.session.flush()
        a = Enterprise(
            name="金华精密机械有限公司",
            uscc="91330702MA2D9XYZ1K",
            address="江南路 1 号",
            grid_id=tree.micro_a.id,
            department_id=industry.id,
            contact_name="陈经理",
            contact_phone="13811110001",
            employee_count=120,
            liaison_id=tree.worker_a.id,
        )
        b = Enterprise(
            name="湖海塘物流有限公司",
            uscc="91330702MA2D9XYZ2K",
            address="江南路 9 号",
            grid_id=tree.micro_b.id,
            department_id=commerce.id,
            contact_name="林经理",
            contact_phone="13811110002",
        )
        db.session.add_all([a, b])
        db.session.flush()
        people = []
        for name, phone, role, grid, firm, dept in (
            ("精密账号", "13700000101", "enterprise", tree.micro_a, a.id, None),
            ("物流账号", "13700000102", "enterprise", tree.micro_b, b.id, None),
            ("经信审核", "13700000103", "reviewer", tree.root, None, industry.id),
            ("商务审核", "13700000104", "reviewer", tree.root, None, commerce.id),
        ):
            worker = add_worker(name, phone, role, grid)
            worker.enterprise_id, worker.department_id = firm, dept
            people.append(worker)
        db.session.commit()
        for worker in people:
            db.session.refresh(worker)
        db.session.expunge_all()
    return Firms(a.id, b.id, *people)


@pytest.fixture
def frozen():
    clock.freeze(T0)
    yield lambda at: clock.freeze(at)
    clock.freeze(None)


def log(client, firm: int, key: str = "problemkey-01", **changes):
    return client.post(f"/problems/enterprises/{firm}/new", data={**PROBLEM, "key": key, **changes})


def logged(app, response) -> Case:
    case_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        return db.session.get(Case, case_id)


def count_problems(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(EnterpriseProblem))


def kinds_of(app, case_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(CaseEvent.kind)
                .where(CaseEvent.case_id == case_id)
                .order_by(CaseEvent.at, CaseEvent.id)
            )
        )


def test_liaison_logs_a_problem_accepts_resolves_and_the_enterprise_rates_it(
    tree, firms, app, login_as, frozen
):
    """The liaison officer logs it for their enterprise: it is held by the enterprise's node,
    on their today list; they accept and resolve it; the enterprise rates it 满意 and it
    closes."""
    liaison = login_as(tree.worker_a)
    assert liaison.get(f"/problems/enterprises/{firms.a}/new").status_code == 200
    response = log(liaison, firms.a)
    assert response.status_code == 303
    case = logged(app, response)
    assert case.kind == "enterprise" and case.holder_id == tree.micro_a.id
    with app.app_context():
        problem = db.session.get(EnterpriseProblem, case.id)
        assert problem.department.name == "经信局" and problem.enterprise_id == firms.a
    today = liaison.get("/today/").get_data(as_text=True)
    assert "企业难题" in today and f'/problems/{case.id}"' in today
    assert liaison.post(f"/problems/{case.id}/accept").status_code == 303
    frozen(T0 + timedelta(hours=5))
    response = liaison.post(f"/problems/{case.id}/resolve", data={"text": "已对接人社局招工"})
    assert response.status_code == 303
    account = login_as(firms.account_a)
    page = account.get(f"/problems/{case.id}").get_data(as_text=True)
    assert "已办结" in page and "已对接人社局招工" in page and 'name="rating"' in page
    assert (
        account.post(f"/problems/{case.id}/rate", data={"rating": "satisfied"}).status_code == 303
    )
    assert "已关闭" in account.get(f"/problems/{case.id}").get_data(as_text=True)
    assert kinds_of(app, case.id) == ["submitted", "accepted", "resolved", "rated", "closed"]


def test_unsatisfied_reopens_it_one_level_up(tree, firms, app, login_as, frozen):
    """不满意: the problem resolved by the micro-grid is reopened for the grid above it."""
    case = logged(app, log(login_as(tree.worker_a), firms.a))
    login_as(tree.worker_a).post(f"/problems/{case.id}/resolve", data={"text": "已协调"})
    account = login_as(firms.account_a)
    account.post(
        f"/problems/{case.id}/rate", data={"rating": "unsatisfied", "comment": "还是招不到人"}
    )
    with app.app_context():
        after = db.session.get(Case, case.id)
        assert after.state == "reopened" and after.holder_id == tree.grid_a.id
    supervisor = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    assert f'/problems/{case.id}"' in supervisor


def test_not_accepted_in_time_rises_at_a_frozen_clock(tree, firms, app, login_as, frozen):
    """An urgent problem nobody accepts rises after 4 hours to the grid, red on the list; a
    normal one is still the micro-grid's then."""
    liaison = login_as(tree.worker_a)
    urgent = logged(app, log(liaison, firms.a, key="problemkey-urgent", urgency="urgent"))
    normal = logged(app, log(liaison, firms.a, key="problemkey-normal", text="宿舍不够住"))
    frozen(T0 + timedelta(hours=4))
    today = liaison.get("/today/").get_data(as_text=True)
    # The liaison officer still sees their enterprise's problem, now overdue.
    assert f'/problems/{urgent.id}"' in today and "已超时" in today
    from webapp.cases import clock as case_clock

    with app.app_context():
        assert case_clock.position(db.session.get(Case, urgent.id), clock.now()).holder_id == (
            tree.grid_a.id
        )
        assert case_clock.position(db.session.get(Case, normal.id), clock.now()).holder_id == (
            tree.micro_a.id
        )
    listed = login_as(tree.supervisor_a).get("/problems/?overdue=1").get_data(as_text=True)
    assert f'/problems/{urgent.id}"' in listed and f'/problems/{normal.id}"' not in listed
    frozen(T0 + timedelta(hours=5))
    login_as(tree.supervisor_a).post(f"/problems/{urgent.id}/accept")
    assert kinds_of(app, urgent.id) == ["submitted", "escalated", "accepted"]
    with app.app_context():
        assert db.session.get(Case, urgent.id).accepted_in_time is False


def test_the_enterprise_account_sees_only_its_own_problems(tree, firms, app, login_as):
    """An enterprise's account logs and sees its own problems; another enterprise's problem
    and page answer 404, and it cannot do the workers' work."""
    account = login_as(firms.account_a)
    own = logged(app, log(account, firms.a))
    other = logged(app, log(login_as(tree.admin), firms.b, key="problemkey-b", text="货车进不来"))
    account = login_as(firms.account_a)
    listed = account.get("/problems/").get_data(as_text=True)
    assert f'/problems/{own.id}"' in listed and f'/problems/{other.id}"' not in listed
    assert account.get(f"/problems/{other.id}").status_code == 404
    assert account.post(f"/problems/{other.id}/comment", data={"text": "x"}).status_code == 404
    assert log(account, firms.b, key="problemkey-x").status_code == 404
    assert account.post(f"/problems/{own.id}/accept").status_code == 403
    assert account.get("/requests/").status_code == 403


def test_the_department_reviewer_sees_and_comments_its_departments(tree, firms, app, login_as):
    """The industry department's reviewer sees its department's problems and comments on
    them (the problem stays where it is); another department's answer 404."""
    own = logged(app, log(login_as(tree.worker_a), firms.a))
    other = logged(app, log(login_as(tree.admin), firms.b, key="problemkey-b", text="货车进不来"))
    reviewer = login_as(firms.reviewer)
    listed = reviewer.get("/problems/").get_data(as_text=True)
    assert f'/problems/{own.id}"' in listed and f'/problems/{other.id}"' not in listed
    response = reviewer.post(f"/problems/{own.id}/comment", data={"text": "已联系人社局协调"})
    assert response.status_code == 303
    assert reviewer.get(f"/problems/{other.id}").status_code == 404
    assert reviewer.post(f"/problems/{own.id}/accept").status_code == 403
    with app.app_context():
        assert db.session.get(Case, own.id).holder_id == tree.micro_a.id
    assert kinds_of(app, own.id)[-1] == "comment"


def test_a_worker_who_is_not_the_liaison_cannot_log(tree, firms, app, login_as):
    """Only the liaison officer of the enterprise logs for it among field workers."""
    with app.app_context():
        db.session.get(Enterprise, firms.a).liaison_id = None
        db.session.commit()
    assert log(login_as(tree.worker_a), firms.a).status_code == 403
    assert count_problems(app) == 0


def test_the_same_problem_sent_again_is_one(tree, firms, app, login_as):
    """The same key ten times, or the same words with a new key, make one problem."""
    liaison = login_as(tree.worker_a)
    cases = {logged(app, log(liaison, firms.a)).id for _ in range(10)}
    cases.add(logged(app, log(liaison, firms.a, key="problemkey-02")).id)
    assert len(cases) == 1 and count_problems(app) == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"text": ""}, "请写明遇到的难题"),
        ({"text": "长" * 501}, "最多 500 个字"),
        ({"category": "lottery"}, "不是有效的选择"),
        ({"urgency": "panic"}, "不是有效的选择"),
        ({"key": ""}, "重新加载"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_saved(
    tree, firms, app, login_as, changes, message
):
    """A message in Chinese on the form, and no problem made."""
    response = log(login_as(tree.worker_a), firms.a, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_problems(app) == 0


def test_supervisor_dispatches_and_urges_and_the_urge_shows_on_today(
    tree, firms, app, login_as, frozen
):
    """派单 to the micro-grid's worker and 督办: on the timeline and marked on their today."""
    case = logged(app, log(login_as(tree.worker_a), firms.a))
    supervisor = login_as(tree.supervisor_a)
    supervisor.post(f"/problems/{case.id}/return", data={"text": "先了解情况"})
    response = supervisor.post(
        f"/problems/{case.id}/dispatch", data={"target": f"w{tree.worker_a.id}", "text": "请跟进"}
    )
    assert response.status_code == 303
    supervisor.post(f"/problems/{case.id}/urge", data={"text": "尽快"})
    assert kinds_of(app, case.id)[-2:] == ["dispatched", "urged"]
    today = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    assert f'/problems/{case.id}"' in today and "督办" in today


def test_only_the_enterprise_rates_and_only_a_resolved_problem(tree, firms, app, login_as):
    """A worker cannot rate (403); the enterprise cannot rate an open problem (a message)."""
    case = logged(app, log(login_as(tree.worker_a), firms.a))
    assert (
        login_as(tree.worker_a)
        .post(f"/problems/{case.id}/rate", data={"rating": "satisfied"})
        .status_code
        == 403
    )
    response = login_as(firms.account_a).post(
        f"/problems/{case.id}/rate", data={"rating": "satisfied"}
    )
    assert response.status_code == 422
    assert "只能评价已办结" in response.get_data(as_text=True)


def test_a_resolved_problem_nobody_rates_closes_after_the_days(tree, firms, app, login_as, frozen):
    """Resolved and not rated: closed by itself PROBLEM_AUTO_CLOSE_DAYS later."""
    case = logged(app, log(login_as(tree.worker_a), firms.a))
    login_as(tree.worker_a).post(f"/problems/{case.id}/resolve", data={"text": "已协调"})
    frozen(T0 + timedelta(days=8))
    page = login_as(firms.account_a).get(f"/problems/{case.id}").get_data(as_text=True)
    assert "已关闭" in page and 'name="rating"' not in page
    closed = login_as(tree.supervisor_a).get("/problems/?state=closed").get_data(as_text=True)
    assert f'/problems/{case.id}"' in closed


def test_the_enterprise_page_lists_its_problems_to_rate_and_to_log(
    tree, firms, app, login_as, frozen
):
    """The enterprise's page shows its problems, the way to log one, and a resolved one to
    rate; the reviewer's department page lists the department's open problems."""
    liaison = login_as(tree.worker_a)
    done = logged(app, log(liaison, firms.a))
    liaison.post(f"/problems/{done.id}/resolve", data={"text": "已协调"})
    still = logged(app, log(liaison, firms.a, key="problemkey-02", text="宿舍不够住"))
    page = login_as(firms.account_a).get(f"/enterprises/{firms.a}").get_data(as_text=True)
    assert f'/problems/{done.id}"' in page and "待评价" in page
    assert f"/problems/enterprises/{firms.a}/new" in page
    with app.app_context():
        department = db.session.get(Enterprise, firms.a).department_id
    page = login_as(firms.reviewer).get(f"/departments/{department}").get_data(as_text=True)
    assert f'/problems/{still.id}"' in page and f'/problems/{done.id}"' not in page
    assert f"/problems/enterprises/{firms.a}/new" not in page


def test_the_demo_has_a_month_of_problems_for_its_enterprises(app, login_as):
    """The demo's enterprises (webapp/demo/enterprises.py) have a month of problems: mostly
    resolved and rated, some open, each timeline starting when it was logged."""
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        enterprises = db.session.scalar(select(func.count()).select_from(Enterprise))
        assert enterprises > 0
        states = dict(
            db.session.execute(
                select(Case.state, func.count())
                .where(Case.kind == "enterprise")
                .group_by(Case.state)
            ).all()
        )
        total = sum(states.values())
        assert total > enterprises
        assert states.get("closed", 0) + states.get("resolved", 0) > total * 0.6
        assert states.get("in_progress", 0) + states.get("new", 0) > 0
        first = dict(
            db.session.execute(
                select(CaseEvent.case_id, func.min(CaseEvent.at)).group_by(CaseEvent.case_id)
            ).all()
        )
        for case in db.session.scalars(select(Case).where(Case.kind == "enterprise")):
            assert first[case.id] == case.created_at
        some = db.session.scalar(select(Case.id).where(Case.kind == "enterprise").limit(1))
        admin = db.session.scalar(select(Worker).where(Worker.role == "admin"))
    from webapp.demo.people import PASSWORD

    client = login_as(admin, PASSWORD)
    assert client.get(f"/problems/{some}").status_code == 200
    assert client.get("/problems/?state=open").status_code == 200
