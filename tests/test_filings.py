"""Return filings (两报备): an enterprise files its returning employees row by row or as a
sheet; the industry department approves the list and each destination community its own
employees; both approvals put an employee on the whitelist with a green pass, either refusal
stops them, and revoking the filing revokes its passes. Everyone sees only what they act for."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.filings import rules
from webapp.models import (
    AuditEntry,
    Enterprise,
    FiledEmployee,
    GreenPass,
    Grid,
    IndustryDepartment,
    ReturnFiling,
    Worker,
)
from webapp.passes.rules import REVOKED, VALID, state_on

from .conftest import PASSWORD, add_worker

DAY = date(2027, 3, 1)
ARRIVAL = "2027-03-05"
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(datetime(2027, 3, 1, 9, 0))
    yield
    clock.freeze(None)


@dataclass
class Green:
    enterprise_a: int
    enterprise_b: int
    account_a: Worker
    reviewer_a: Worker
    reviewer_b: Worker


def add_enterprise(name: str, uscc: str, grid: Grid, department, liaison=None) -> Enterprise:
    enterprise = Enterprise(
        name=name,
        uscc=uscc,
        address="江南路1号",
        grid_id=grid.id,
        department_id=department.id,
        contact_name="联系人",
        contact_phone="13600000001",
        liaison_id=liaison.id if liaison else None,
    )
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


@pytest.fixture
def green(app, tree):
    """Enterprise A (micro-grid A, department A, liaison worker A) with its own account and
    department A's reviewer; enterprise B (micro-grid B, department B) with B's reviewer."""
    with app.app_context():
        dept_a = IndustryDepartment(name="经信局")
        dept_b = IndustryDepartment(name="商务局")
        db.session.add_all([dept_a, dept_b])
        db.session.flush()
        micro_a, micro_b = (
            db.session.get(Grid, tree.micro_a.id),
            db.session.get(Grid, tree.micro_b.id),
        )
        worker_a = db.session.get(Worker, tree.worker_a.id)
        a = add_enterprise("甲机械有限公司", "91330702MA2AAAAAA1", micro_a, dept_a, worker_a)
        b = add_enterprise("乙电子有限公司", "91330702MA2BBBBBB2", micro_b, dept_b)
        account = add_worker("甲企业", "13900000011", "enterprise", micro_a)
        account.enterprise_id = a.id
        reviewer_a = add_worker("经信审核", "13900000012", "reviewer", tree.root)
        reviewer_a.department_id = dept_a.id
        reviewer_b = add_worker("商务审核", "13900000013", "reviewer", tree.root)
        reviewer_b.department_id = dept_b.id
        db.session.commit()
        found = Green(a.id, b.id, account, reviewer_a, reviewer_b)
        for w in (account, reviewer_a, reviewer_b):
            db.session.refresh(w)
        db.session.expunge_all()
    yield found
    # Accounts point at their enterprise: unbound first, so that the tables can be emptied.
    with app.app_context():
        db.session.execute(Worker.__table__.update().values(enterprise_id=None))
        db.session.commit()


@pytest.fixture
def login_as(app):
    """A client of its own per person: enterprise accounts and reviewers have no field work,
    so the shared fixture's switch of users (sign out, sign in) is not theirs to make."""

    def login(worker: Worker):
        client = app.test_client()
        response = client.post("/login", data={"phone": worker.phone, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return login


def row(n: int = 0, **overrides) -> dict:
    values = {
        "name": "王强",
        "id_number": "330702199001011237",
        "phone": "13800138000",
        "origin": "湖北省武汉市",
        "arrival_date": ARRIVAL,
        "means": "train",
        "stay_address": "1幢1单元302室",
        "destination": "湖海塘社区 1幢1单元",
    }
    values.update(overrides)
    return {f"rows-{n}-{k}": v for k, v in values.items()}


SECOND = {"name": "李梅", "id_number": "330702198502022247", "phone": "13800138001"}


def filings() -> int:
    return db.session.scalar(select(func.count()).select_from(ReturnFiling))


def file_two(app, green, tree, second_to: str = "MA") -> int:
    """A filing of enterprise A made through the rule: two employees, the second going to
    `second_to`."""
    with app.app_context():
        enterprise = db.session.get(Enterprise, green.enterprise_a)
        grids = {g.code: g for g in db.session.scalars(select(Grid))}
        employees = [
            rules.Employee(
                "王强",
                "330702199001011237",
                "13800138000",
                "武汉",
                date(2027, 3, 5),
                "train",
                "1幢1单元302室",
                grids["MA"],
            ),
            rules.Employee(
                "李梅",
                "330702198502022247",
                "13800138001",
                "温州",
                date(2027, 3, 6),
                "car",
                "9幢2单元301室",
                grids[second_to],
            ),
        ]
        filing = rules.file(enterprise, green.account_a.id, employees, clock.now())
        db.session.commit()
        return filing.id


def employees_of(filing_id: int) -> list[FiledEmployee]:
    return list(
        db.session.scalars(
            select(FiledEmployee)
            .where(FiledEmployee.filing_id == filing_id)
            .order_by(FiledEmployee.id)
        )
    )


def test_an_enterprise_account_files_its_list_row_by_row(app, tree, green, login_as):
    """Rows are added one after another, then the list is filed once, whatever the resends."""
    client = login_as(green.account_a)
    url = f"/filings/new/{green.enterprise_a}"
    page = client.get(url).get_data(as_text=True)
    assert "甲机械有限公司" in page and "rows-0-name" in page
    response = client.post(url, data={"key": "key-filing-01", "action": "add", **row(0)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="rows-1-name"' in page
    assert "330702********1237" in page  # the row added, folded, its number masked
    data = {"key": "key-filing-01", "action": "file", **row(0), **row(1, **SECOND)}
    response = client.post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert client.post(url, data=data).status_code == 303  # sent again: the same filing
    with app.app_context():
        assert filings() == 1
        filing = db.session.scalars(select(ReturnFiling)).one()
        assert [e.name for e in filing.employees] == ["王强", "李梅"]
        assert rules.stage(filing) == "department"
        assert (
            db.session.scalar(select(func.count()).where(AuditEntry.action == "filing_submitted"))
            == 1
        )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "王强" in page and "330702********1237" in page and "138****8000" in page
    assert "330702199001011237" not in page and "13800138000" not in page


def test_a_bad_row_says_why_in_chinese_and_nothing_is_saved(app, tree, green, login_as):
    """A wrong ID number, phone, date or destination: a message on its row, no filing."""
    client = login_as(green.account_a)
    url = f"/filings/new/{green.enterprise_a}"
    for bad, message in (
        ({"id_number": "330702199001011234"}, "身份证号不正确"),
        ({"phone": "12345"}, "请输入11位手机号"),
        ({"destination": "没有这个地方"}, None),
        ({"arrival_date": "2027-02-30"}, None),
    ):
        data = {"key": "key-filing-02", "action": "file", **row(0), **row(1, **{**SECOND, **bad})}
        response = client.post(url, data=data)
        assert response.status_code == 422, bad
        page = response.get_data(as_text=True)
        if message:
            assert message in page
        assert 'class="error"' in page
    with app.app_context():
        assert filings() == 0


def test_an_enterprise_account_files_only_for_its_own_enterprise(app, tree, green, login_as):
    """Another enterprise's form and filings answer 404."""
    filing_b = None
    with app.app_context():
        enterprise = db.session.get(Enterprise, green.enterprise_b)
        grid = db.session.get(Grid, tree.micro_b.id)
        filing_b = rules.file(
            enterprise,
            tree.admin.id,
            [
                rules.Employee(
                    "赵六",
                    "330702199001011237",
                    "13800138000",
                    "武汉",
                    date(2027, 3, 5),
                    "car",
                    "9幢",
                    grid,
                )
            ],
            clock.now(),
        ).id
        db.session.commit()
    client = login_as(green.account_a)
    assert client.get(f"/filings/new/{green.enterprise_b}").status_code == 404
    assert (
        client.post(
            f"/filings/new/{green.enterprise_b}", data={"key": "key-filing-03", **row(0)}
        ).status_code
        == 404
    )
    assert client.get(f"/filings/{filing_b}").status_code == 404
    assert "乙电子" not in client.get("/filings/").get_data(as_text=True)
    assert client.get("/filings/review/").status_code == 403
    with app.app_context():
        assert filings() == 1


def test_a_filing_needs_both_approvals(app, tree, green, login_as):
    """The department's approval alone gives no pass; the community's then gives it at once."""
    filing_id = file_two(app, green, tree)
    reviewer = login_as(green.reviewer_a)
    assert "甲机械有限公司" in reviewer.get("/filings/review/").get_data(as_text=True)
    response = reviewer.post(f"/filings/review/{filing_id}/decide", data={"decision": "approve"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GreenPass)) == 0
    community = login_as(tree.supervisor_a)
    assert "王强" in community.get("/filings/arrivals").get_data(as_text=True)
    with app.app_context():
        first = employees_of(filing_id)[0].id
    response = community.post(f"/filings/employees/{first}/decide", data={"decision": "approve"})
    assert response.status_code == 303
    with app.app_context():
        one, two = employees_of(filing_id)
        assert one.green_pass is not None and state_on(one.green_pass, date(2027, 3, 5)) == VALID
        assert two.green_pass is None
        assert rules.stage(one.filing) == "community"
    page = community.get("/filings/whitelist").get_data(as_text=True)
    assert "王强" in page and "李梅" not in page


def test_the_community_may_approve_first_and_all_at_once(app, tree, green, login_as):
    """All of a filing's employees coming to the community at once; the pass follows the
    department's approval."""
    filing_id = file_two(app, green, tree)
    community = login_as(tree.supervisor_a)
    page = community.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert "2 名" in page or "2 employees" in page or "2" in page
    # A label and its value read as Chinese does: a full-width colon.
    assert "社区：" in page and "社区: " not in page
    response = community.post(f"/filings/{filing_id}/arrivals", data={"decision": "approve"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GreenPass)) == 0
    login_as(green.reviewer_a).post(
        f"/filings/review/{filing_id}/decide", data={"decision": "approve"}
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GreenPass)) == 2
        assert rules.stage(db.session.get(ReturnFiling, filing_id)) == "done"


def test_either_refusal_stops_the_employee(app, tree, green, login_as):
    """A refusal needs a reason; the community's stops its employee, the department's the list."""
    filing_id = file_two(app, green, tree)
    community = login_as(tree.supervisor_a)
    with app.app_context():
        first, second = (e.id for e in employees_of(filing_id))
    response = community.post(f"/filings/employees/{first}/decide", data={"decision": "refuse"})
    assert response.status_code == 422
    assert "请说明" in response.get_data(as_text=True)
    community.post(
        f"/filings/employees/{first}/decide", data={"decision": "refuse", "reason": "住址不实"}
    )
    community.post(f"/filings/employees/{second}/decide", data={"decision": "approve"})
    login_as(green.reviewer_a).post(
        f"/filings/review/{filing_id}/decide", data={"decision": "approve"}
    )
    with app.app_context():
        one, two = employees_of(filing_id)
        assert one.green_pass is None and rules.employee_state(one) == "refused"
        assert two.green_pass is not None and rules.employee_state(two) == "whitelisted"
    # The department refuses another list: nobody of it can be approved any more.
    with app.app_context():
        db.session.execute(FiledEmployee.__table__.delete().where(FiledEmployee.filing_id == -1))
    other = file_two(app, green, tree)
    reviewer = login_as(green.reviewer_a)
    assert (
        reviewer.post(f"/filings/review/{other}/decide", data={"decision": "refuse"}).status_code
        == 422
    )
    reviewer.post(
        f"/filings/review/{other}/decide", data={"decision": "refuse", "reason": "未复工"}
    )
    with app.app_context():
        waiting = employees_of(other)[0].id
    community = login_as(tree.supervisor_a)
    assert "未复工" in community.get(f"/filings/{other}").get_data(as_text=True)
    response = community.post(f"/filings/employees/{waiting}/decide", data={"decision": "approve"})
    assert response.status_code == 422
    with app.app_context():
        assert all(e.community_decision is None for e in employees_of(other))
        assert (
            db.session.scalar(select(func.count()).where(AuditEntry.action == "filing_refused"))
            == 1
        )


def test_revoking_a_filing_revokes_every_pass_it_gave(app, tree, green, login_as):
    """With a reason; the passes read revoked from then on; a supervisor of the subtree may too."""
    filing_id = file_two(app, green, tree)
    login_as(tree.supervisor_a).post(f"/filings/{filing_id}/arrivals", data={"decision": "approve"})
    reviewer = login_as(green.reviewer_a)
    reviewer.post(f"/filings/review/{filing_id}/decide", data={"decision": "approve"})
    assert (
        reviewer.post(f"/filings/review/{filing_id}/revoke", data={"reason": ""}).status_code == 422
    )
    response = reviewer.post(f"/filings/review/{filing_id}/revoke", data={"reason": "企业停产"})
    assert response.status_code == 303
    with app.app_context():
        passes = db.session.scalars(select(GreenPass)).all()
        assert len(passes) == 2 and all(state_on(p, DAY) == REVOKED for p in passes)
        assert all(rules.employee_state(e) == "revoked" for e in employees_of(filing_id))
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "filing_revoked")
        ).one()
        assert entry.details["passes"] == 2
    assert "王强" not in login_as(tree.supervisor_a).get("/filings/whitelist").get_data(
        as_text=True
    )
    # A revoked filing is not revoked twice.
    assert (
        login_as(tree.admin)
        .post(f"/filings/{filing_id}/revoke", data={"reason": "再撤"})
        .status_code
        == 422
    )


def test_a_reviewer_of_another_department_gets_404(app, tree, green, login_as):
    """Department B's reviewer neither sees nor decides department A's filings."""
    filing_id = file_two(app, green, tree)
    other = login_as(green.reviewer_b)
    assert other.get(f"/filings/review/{filing_id}").status_code == 404
    assert (
        other.post(f"/filings/review/{filing_id}/decide", data={"decision": "approve"}).status_code
        == 404
    )
    assert (
        other.post(f"/filings/review/{filing_id}/revoke", data={"reason": "x"}).status_code == 404
    )
    assert "甲机械" not in other.get("/filings/review/").get_data(as_text=True)
    assert other.get(f"/filings/{filing_id}").status_code == 403
    with app.app_context():
        assert db.session.get(ReturnFiling, filing_id).department_decision is None


def test_a_full_number_is_shown_only_through_a_logged_reveal(app, tree, green, login_as):
    """The page masks; the reveal shows one employee's numbers and is on the audit trail."""
    filing_id = file_two(app, green, tree)
    client = login_as(green.reviewer_a)
    with app.app_context():
        first = employees_of(filing_id)[0].id
    assert "330702199001011237" not in client.get(f"/filings/review/{filing_id}").get_data(
        as_text=True
    )
    response = client.post(f"/filings/review/{filing_id}/employees/{first}/reveal")
    page = response.get_data(as_text=True)
    assert "330702199001011237" in page and "13800138000" in page
    assert "330702198502022247" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "reveal")) == 1


def test_today_shows_the_liaison_and_the_community_what_waits(app, tree, green, login_as):
    """The liaison officer sees their enterprise's filing waiting; the community its arrivals."""
    file_two(app, green, tree)
    page = login_as(tree.worker_a).get("/today/").get_data(as_text=True)
    assert "甲机械有限公司" in page
    page = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    assert "王强" in page
    # A worker who is no liaison of it files nothing for it.
    assert login_as(tree.worker_b).get(f"/filings/new/{green.enterprise_a}").status_code == 404


# --- the sheet -----------------------------------------------------------------------------

HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "出发地",
    "计划到达日期",
    "交通方式",
    "在区居住地址",
    "目的地微网格",
]


def sheet(rows: list[list]) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.append(HEADERS)
    for r in rows:
        data.append(r)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD = [
    "王强",
    "330702199001011237",
    "13800138000",
    "武汉",
    "2027-03-05",
    "火车",
    "1幢1单元302室",
    "MA",
]
ALSO = [
    "李梅",
    "330702198502022247",
    "13800138001",
    "温州",
    date(2027, 3, 6),
    "自驾",
    "9幢2单元",
    "湖海塘社区 9幢2单元",
]


def upload(client, enterprise_id: int, content: bytes, key: str = "key-import-01"):
    return client.post(
        f"/filings/new/{enterprise_id}/import",
        data={"key": key, "file": (io.BytesIO(content), "名单.xlsx")},
        content_type="multipart/form-data",
    )


def test_an_uploaded_list_with_one_bad_row_saves_nothing_and_names_the_row(
    app, tree, green, login_as
):
    """Row 3's bad ID number and row 4's unknown destination are listed; no filing."""
    client = login_as(green.account_a)
    bad = ["赵六", "330702199001011234", "13800138002", "武汉", "2027-03-05", "火车", "1幢", "MA"]
    nowhere = [
        "钱七",
        "330702200503150021",
        "13800138003",
        "武汉",
        "2027-03-05",
        "飞机",
        "1幢",
        "火星",
    ]
    response = upload(client, green.enterprise_a, sheet([GOOD, bad, nowhere]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<td>3</td><td>身份证号</td><td>身份证号不正确。</td>" in page
    assert "<td>4</td><td>目的地微网格</td>" in page
    assert "<td>2</td>" not in page
    with app.app_context():
        assert filings() == 0


def test_an_uploaded_list_without_errors_is_one_filing(app, tree, green, login_as):
    """Every row right: one filing of the whole list, from a sheet; the template has the headers."""
    client = login_as(green.account_a)
    template = client.get("/filings/template")
    assert template.status_code == 200
    headers = [c.value for c in next(load_workbook(io.BytesIO(template.data)).active.iter_rows())]
    assert headers == HEADERS
    response = upload(client, green.enterprise_a, sheet([GOOD, ALSO]))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert upload(client, green.enterprise_a, sheet([GOOD, ALSO])).status_code == 303
    with app.app_context():
        filing = db.session.scalars(select(ReturnFiling)).one()
        assert filing.source == "import"
        assert [(e.name, e.means, e.grid.code) for e in filing.employees] == [
            ("王强", "train", "MA"),
            ("李梅", "car", "MB"),
        ]


def test_an_upload_missing_a_column_or_unreadable_says_so(app, tree, green, login_as):
    """A sheet without 身份证号, or a file that is no sheet: a sentence, nothing saved."""
    client = login_as(green.account_a)
    workbook = Workbook()
    workbook.active.append([h for h in HEADERS if h != "身份证号"])
    workbook.active.append([v for i, v in enumerate(GOOD) if i != 1])
    out = io.BytesIO()
    workbook.save(out)
    response = upload(client, green.enterprise_a, out.getvalue())
    assert response.status_code == 422 and "身份证号" in response.get_data(as_text=True)
    assert upload(client, green.enterprise_a, b"\x00\x01not a sheet").status_code == 422
    with app.app_context():
        assert filings() == 0


@pytest.mark.parametrize("who", ["account_a", "reviewer_b"])
def test_the_other_roles_reach_no_filing_of_another(app, tree, green, login_as, who):
    """Every filings route with enterprise B's objects: 404 (not theirs) or 403 (not their role)."""
    with app.app_context():
        enterprise = db.session.get(Enterprise, green.enterprise_b)
        grid = db.session.get(Grid, tree.micro_b.id)
        filing = rules.file(
            enterprise,
            tree.admin.id,
            [
                rules.Employee(
                    "赵六",
                    "330702199001011237",
                    "13800138000",
                    "武汉",
                    date(2027, 3, 5),
                    "car",
                    "9幢",
                    grid,
                )
            ],
            clock.now(),
        )
        db.session.commit()
        ids = {
            "filing_id": filing.id,
            "employee_id": filing.employees[0].id,
            "enterprise_id": enterprise.id,
        }
    client = login_as(getattr(green, who) if who != "reviewer_b" else green.reviewer_a)
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("filings.") or not rule.arguments:
            continue
        url = rule.build(ids)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            status = client.open(url, method=method, data={}).status_code
            assert status in (403, 404), (method, url, status)
    with app.app_context():
        assert db.session.get(ReturnFiling, ids["filing_id"]).department_decision is None


def test_the_demo_files_for_the_demo_enterprises_at_every_stage(app, tree, green):
    """Through the rules: filings waiting, decided, refused and revoked."""
    import random

    from webapp.demo.filings import load_filings

    with app.app_context():
        department = db.session.scalars(select(IndustryDepartment)).first()
        grid = db.session.get(Grid, tree.micro_a.id)
        for n in range(30):
            add_enterprise(f"演示企业{n}", f"91330702MA2D{n:06d}", grid, department)
        made = load_filings(clock.now(), random.Random(7), echo=lambda line: None)
        assert made == 12
        stages = {rules.stage(f) for f in db.session.scalars(select(ReturnFiling))}
        assert {"department", "community", "done", "revoked"} <= stages
        passes = db.session.scalars(select(GreenPass)).all()
        assert passes and all(p.employee.filing.department_decision == "approved" for p in passes)


def test_the_demo_files_nothing_without_enterprises(app, tree):
    import random

    from webapp.demo.filings import load_filings

    with app.app_context():
        assert load_filings(clock.now(), random.Random(7), echo=lambda line: None) == 0


def test_the_whitelist_is_searched_by_name_enterprise_and_arrival(app, tree, green, login_as):
    """Whitelisted employees only; by name, by enterprise, by planned arrival; htmx gets rows."""
    filing_id = file_two(app, green, tree)
    login_as(tree.admin).post(f"/filings/{filing_id}/arrivals", data={"decision": "approve"})
    reviewer = login_as(green.reviewer_a)
    reviewer.post(f"/filings/review/{filing_id}/decide", data={"decision": "approve"})
    page = reviewer.get("/filings/review/whitelist").get_data(as_text=True)
    assert "王强" in page and "李梅" in page and "<html" in page
    rows = reviewer.get("/filings/review/whitelist?q=李", headers=HX).get_data(as_text=True)
    assert "李梅" in rows and "王强" not in rows and "<html" not in rows
    assert "王强" not in reviewer.get("/filings/review/whitelist?first=2027-03-06").get_data(
        as_text=True
    )
    other = f"/filings/review/whitelist?enterprise={green.enterprise_b}"
    assert "李梅" not in reviewer.get(other).get_data(as_text=True)
    assert "王强" not in login_as(green.reviewer_b).get("/filings/review/whitelist").get_data(
        as_text=True
    )
    assert "王强" in login_as(green.account_a).get("/filings/whitelist").get_data(as_text=True)


def test_the_homes_of_the_enterprise_and_the_reviewer_show_their_filings(
    app, tree, green, login_as
):
    """The enterprise's page lists its filings and offers a new one; the department's page
    (the reviewer's home) lists what waits for its decision."""
    file_two(app, green, tree)
    account = login_as(green.account_a)
    home = account.get("/", follow_redirects=True).get_data(as_text=True)
    assert "返岗报备" in home and f"/filings/new/{green.enterprise_a}" in home
    reviewer = login_as(green.reviewer_a)
    home = reviewer.get("/", follow_redirects=True).get_data(as_text=True)
    assert "待审核的报备" in home and "甲机械有限公司" in home and "/filings/review/" in home
    assert "甲机械有限公司" not in login_as(green.reviewer_b).get(
        "/", follow_redirects=True
    ).get_data(as_text=True)


def test_a_supervisor_of_the_subtree_revokes_a_filing(app, tree, green, login_as):
    """Supervisor A holds enterprise A's micro-grid: they revoke; worker A (its liaison) may not."""
    filing_id = file_two(app, green, tree)
    assert (
        login_as(tree.worker_a)
        .post(f"/filings/{filing_id}/revoke", data={"reason": "停产"})
        .status_code
        == 403
    )
    supervisor = login_as(tree.supervisor_a)
    assert "撤销报备" in supervisor.get(f"/filings/{filing_id}").get_data(as_text=True)
    response = supervisor.post(f"/filings/{filing_id}/revoke", data={"reason": "停产"})
    assert response.status_code == 303
    with app.app_context():
        filing = db.session.get(ReturnFiling, filing_id)
        assert rules.stage(filing) == "revoked" and filing.revoke_reason == "停产"
