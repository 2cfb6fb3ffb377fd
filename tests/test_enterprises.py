"""Enterprises (企业) and industry departments (行业主管部门): the admin keeps the departments, the
office registers enterprises of its subtree with a checked credit code, liaison officers log
their visits, and the two roles outside the tree (an enterprise account, a department reviewer)
land on their own pages and see nothing of the tree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.identity import is_valid_uscc
from webapp.models import AuditEntry, Enterprise, EnterpriseVisit, IndustryDepartment, Worker

from .conftest import PASSWORD

HX = {"HX-Request": "true"}
# Codes whose check character was worked out by GB 32100's algorithm, and two published ones.
CODES = [
    "91330701MA28K0000X",
    "91330702MA2HQ1234C",
    "123307000025839376",
    "91330701147520101T",
    "93330783MA2E000010",
    "91350100M000100Y43",
    "91110000600037341L",
]


@pytest.mark.parametrize("code", CODES)
def test_a_code_with_its_check_character_is_valid(code):
    """A code whose last character is the check of the first 17 passes."""
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", CODES)
def test_a_code_with_one_character_changed_is_refused(code):
    """Changing any one character (to another of the alphabet) breaks the check."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for place in range(18):
        changed = alphabet[(alphabet.index(code[place]) + 7) % 31]
        assert not is_valid_uscc(code[:place] + changed + code[place + 1 :]), (place, changed)


@pytest.mark.parametrize(
    "code",
    ["", "91330701MA28K0000", "91330701MA28K0000XX", "91330701MA28I0000X", "9133070lma28k0000x"],
)
def test_wrong_shapes_are_refused(code):
    """Too short, too long, a letter outside the alphabet (I), lower case: not a code."""
    assert not is_valid_uscc(code)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def department(tree, app, login_as):
    """The admin adds 工信局 to the list."""
    admin = login_as(tree.admin)
    response = admin.post("/departments/", data={"name": "工信局"})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(select(IndustryDepartment.id))


def enterprise_form(department_id: int, **changes) -> dict:
    form = {
        "key": "enterprise-key-0001",
        "name": "金华精工机械有限公司",
        "uscc": "91330701MA28K0000X",
        "address": "江南路88号",
        "area": "1幢1单元",
        "department": str(department_id),
        "contact_name": "陈经理",
        "phone": "13588887777",
        "employees": "120",
        "liaison_officer": "",
    }
    form.update(changes)
    return form


@pytest.fixture
def enterprise(tree, app, login_as, department):
    """Supervisor A registers an enterprise in micro-grid A with worker A as liaison officer."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        "/enterprises/new", data=enterprise_form(department, liaison_officer=tree.worker_a.name)
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(select(Enterprise.id))


def test_admin_adds_renames_and_deactivates_a_department(tree, app, login_as, department):
    """The list holds the new department; a rename shows; a deactivated one can come back."""
    admin = login_as(tree.admin)
    assert "工信局" in admin.get("/departments/").get_data(as_text=True)
    response = admin.post(f"/departments/{department}/rename", data={"name": "经信局"})
    assert response.status_code == 303
    assert "经信局" in admin.get(f"/departments/{department}").get_data(as_text=True)
    admin.post(f"/departments/{department}/deactivate")
    with app.app_context():
        assert not db.session.get(IndustryDepartment, department).active
    admin.post(f"/departments/{department}/activate")
    with app.app_context():
        assert db.session.get(IndustryDepartment, department).active
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"department_added", "department_renamed", "department_deactivated"} <= actions


def test_a_department_name_is_unique(tree, app, login_as, department):
    """The same name again: a clear message, nothing saved."""
    admin = login_as(tree.admin)
    response = admin.post("/departments/", data={"name": "工信局"})
    assert response.status_code == 422
    assert "已有名为工信局的部门" in response.get_data(as_text=True)
    with app.app_context():
        assert count(IndustryDepartment) == 1


def test_a_supervisor_cannot_keep_departments(tree, login_as, department):
    """Departments are the admin's list: a supervisor gets 403."""
    client = login_as(tree.supervisor_a)
    assert client.get("/departments/").status_code == 403
    assert client.post("/departments/", data={"name": "商务局"}).status_code == 403


def test_supervisor_registers_an_enterprise_and_sees_it(tree, app, login_as, enterprise):
    """The enterprise's page shows its details, the phone masked, the liaison officer."""
    client = login_as(tree.supervisor_a)
    page = client.get(f"/enterprises/{enterprise}").get_data(as_text=True)
    assert "金华精工机械有限公司" in page
    assert "91330701MA28K0000X" in page
    assert "135****7777" in page and "13588887777" not in page
    assert "赵网格" in page
    with app.app_context():
        found = db.session.get(Enterprise, enterprise)
        assert found.grid_id == tree.micro_a.id and found.liaison_id == tree.worker_a.id
        assert found.employee_count == 120
        assert (
            db.session.scalar(
                select(AuditEntry.action).where(AuditEntry.object_type == "enterprise")
            )
            == "enterprise_registered"
        )


def test_the_same_form_sent_twice_registers_one_enterprise(tree, app, login_as, department):
    """A resend with the same key lands on the enterprise registered by the first copy."""
    client = login_as(tree.supervisor_a)
    first = client.post("/enterprises/new", data=enterprise_form(department))
    again = client.post("/enterprises/new", data=enterprise_form(department))
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    with app.app_context():
        assert count(Enterprise) == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"uscc": "91330701MA28K0000Y"}, "不是有效的统一社会信用代码"),
        ({"uscc": ""}, "请输入统一社会信用代码"),
        ({"area": "9幢9单元"}, "9幢9单元"),
        ({"department": "0"}, "请选择行业主管部门"),
        ({"phone": "12345"}, "11位手机号"),
        ({"employees": "-3"}, "0"),
        ({"liaison_officer": "钱网格"}, "钱网格"),
        ({"name": ""}, "请输入企业名称"),
    ],
)
def test_bad_input_is_refused_with_a_message(tree, app, login_as, department, changes, message):
    """A wrong check character, an unknown area, no department, a bad phone, a liaison officer
    of another branch: 422, a message, nothing saved."""
    client = login_as(tree.supervisor_a)
    response = client.post("/enterprises/new", data=enterprise_form(department, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert count(Enterprise) == 0


def test_a_code_registered_already_is_named_when_in_scope(tree, app, login_as, enterprise):
    """The same code again: the supervisor, who sees the first enterprise, is told its name."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        "/enterprises/new",
        data=enterprise_form(1, key="enterprise-key-0002", name="另一家", department=str(1)),
    )
    assert response.status_code == 422
    assert "该统一社会信用代码已登记：金华精工机械有限公司" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Enterprise) == 1


def test_a_code_registered_elsewhere_is_not_named(tree, app, login_as, department):
    """A code registered in branch B: supervisor A learns it is taken, not by whom."""
    admin = login_as(tree.admin)
    admin.post("/enterprises/new", data=enterprise_form(department, area="MB", name="B区企业"))
    client = login_as(tree.supervisor_a)
    response = client.post(
        "/enterprises/new", data=enterprise_form(department, key="enterprise-key-0002")
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "该统一社会信用代码已登记" in text and "B区企业" not in text


def test_the_list_searches_by_name_and_code_and_filters_by_department(
    tree, app, login_as, enterprise
):
    """Search by a word of the name or the start of the code; another department hides it."""
    client = login_as(tree.supervisor_a)
    assert "金华精工" in client.get("/enterprises/?q=精工").get_data(as_text=True)
    assert "金华精工" in client.get("/enterprises/?q=91330701MA").get_data(as_text=True)
    assert "金华精工" not in client.get("/enterprises/?q=食品").get_data(as_text=True)
    admin = login_as(tree.admin)
    admin.post("/departments/", data={"name": "商务局"})
    with app.app_context():
        other = db.session.scalar(
            select(IndustryDepartment.id).where(IndustryDepartment.name == "商务局")
        )
    page = admin.get(f"/enterprises/?department={other}").get_data(as_text=True)
    assert "金华精工" not in page
    partial = admin.get("/enterprises/?q=精工", headers=HX).get_data(as_text=True)
    assert "金华精工" in partial and "<html" not in partial


def test_a_worker_of_another_branch_does_not_see_the_enterprise(tree, login_as, enterprise):
    """Worker B gets 404 for A's enterprise and an empty list."""
    client = login_as(tree.worker_b)
    assert client.get(f"/enterprises/{enterprise}").status_code == 404
    assert "金华精工" not in client.get("/enterprises/").get_data(as_text=True)


def test_editing_keeps_the_phone_unless_a_new_one_is_typed(tree, app, login_as, enterprise):
    """The edit form shows the phone masked; saved empty it keeps the number."""
    client = login_as(tree.supervisor_a)
    form = client.get(f"/enterprises/{enterprise}/edit").get_data(as_text=True)
    assert "13588887777" not in form and "135****7777" in form
    assert tree.worker_a.phone not in form and 'value="赵网格"' in form
    response = client.post(
        f"/enterprises/{enterprise}/edit",
        data=enterprise_form(1, phone="", employees="150", liaison_officer=tree.worker_a.phone),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        found = db.session.get(Enterprise, enterprise)
        assert found.contact_phone == "13588887777" and found.employee_count == 150


def test_a_name_two_workers_share_asks_for_the_phone(tree, app, login_as, enterprise):
    """Another 赵网格 in the area: typing the name on a new enterprise asks for the phone (shown
    masked); the edit form keeps the current liaison officer by name."""
    from webapp.models import Grid

    with app.app_context():
        namesake = Worker(name="赵网格", phone="13900000019", role="worker")
        namesake.scope = db.session.get(Grid, tree.grid_a.id)
        namesake.set_password(PASSWORD)
        db.session.add(namesake)
        db.session.commit()
    client = login_as(tree.supervisor_a)
    response = client.post(
        "/enterprises/new",
        data=enterprise_form(
            1, key="enterprise-key-0003", uscc="91330702MA2HQ1234C", liaison_officer="赵网格"
        ),
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "139****0019" in text and "13900000019" not in text
    response = client.post(
        f"/enterprises/{enterprise}/edit",
        data=enterprise_form(1, phone="", liaison_officer="赵网格"),
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Enterprise, enterprise).liaison_id == tree.worker_a.id


def test_the_liaison_officer_reveals_the_phone_on_the_trail(tree, app, login_as, enterprise):
    """The liaison officer sees the contact's number in full through the logged reveal; a
    worker who is not the liaison officer cannot."""
    client = login_as(tree.worker_a)
    response = client.post(f"/enterprises/{enterprise}/reveal", headers=HX)
    assert response.status_code == 200
    assert "13588887777" in response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).one()
        assert entry.object_type == "enterprise" and entry.actor_id == tree.worker_a.id
        db.session.get(Enterprise, enterprise).liaison_id = None
        db.session.commit()
    assert client.post(f"/enterprises/{enterprise}/reveal").status_code == 403


def test_deactivating_an_enterprise_takes_it_out_of_the_list(tree, app, login_as, enterprise):
    """A deactivated enterprise leaves the field worker's view; the supervisor brings it back."""
    client = login_as(tree.supervisor_a)
    assert client.post(f"/enterprises/{enterprise}/deactivate").status_code == 303
    worker = login_as(tree.worker_a)
    assert worker.get(f"/enterprises/{enterprise}").status_code == 404
    client = login_as(tree.supervisor_a)
    assert client.post(f"/enterprises/{enterprise}/activate").status_code == 303
    assert login_as(tree.worker_a).get(f"/enterprises/{enterprise}").status_code == 200


# Liaison visits ------------------------------------------------------------------------------


def test_the_liaison_officer_logs_a_visit_with_one_tap(tree, app, login_as, enterprise):
    """One tap: the visit is in the history; the same key again adds none."""
    client = login_as(tree.worker_a)
    page = client.get(f"/enterprises/{enterprise}").get_data(as_text=True)
    assert "data-outbox" in page
    data = {"key": "liaison-visit-0001", "method": "in_person", "note": "复工准备"}
    response = client.post(f"/enterprises/{enterprise}/visit", data=data, headers=HX)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "复工准备" in text and "<html" not in text
    client.post(f"/enterprises/{enterprise}/visit", data=data, headers=HX)
    with app.app_context():
        assert count(EnterpriseVisit) == 1


def test_a_worker_who_is_not_the_liaison_officer_cannot_log_a_visit(
    tree, app, login_as, enterprise, department
):
    """Another worker of the same area gets 403 and no visit button."""
    from webapp.models import Grid

    with app.app_context():
        other = Worker(name="孙网格", phone="13900000009", role="worker")
        other.scope = db.session.get(Grid, tree.micro_a.id)
        other.set_password(PASSWORD)
        db.session.add(other)
        db.session.commit()
        db.session.refresh(other)
        db.session.expunge(other)
    client = login_as(other)
    assert "data-outbox" not in client.get(f"/enterprises/{enterprise}").get_data(as_text=True)
    data = {"key": "liaison-visit-0001", "method": "in_person"}
    assert client.post(f"/enterprises/{enterprise}/visit", data=data).status_code == 403


def test_a_supervisor_logs_a_visit_too(tree, app, login_as, enterprise):
    """A supervisor of the enterprise's area may log a visit."""
    client = login_as(tree.supervisor_a)
    data = {"key": "liaison-visit-0002", "method": "phone"}
    assert client.post(f"/enterprises/{enterprise}/visit", data=data).status_code == 303
    with app.app_context():
        assert count(EnterpriseVisit) == 1


def test_a_visit_without_a_method_is_refused(tree, app, login_as, enterprise):
    """No method tapped: 422 with a message, nothing saved."""
    client = login_as(tree.worker_a)
    response = client.post(
        f"/enterprises/{enterprise}/visit", data={"key": "liaison-visit-0003"}, headers=HX
    )
    assert response.status_code == 422
    assert "请选择" in response.get_data(as_text=True)
    with app.app_context():
        assert count(EnterpriseVisit) == 0


def test_the_author_undoes_a_visit_within_the_window(tree, app, login_as, enterprise):
    """Undo is offered to its author for a few minutes; the visit goes, the trail keeps it."""
    client = login_as(tree.worker_a)
    client.post(
        f"/enterprises/{enterprise}/visit",
        data={"key": "liaison-visit-0004", "method": "in_person"},
    )
    with app.app_context():
        visit_id = db.session.scalar(select(EnterpriseVisit.id))
    assert "撤销" in client.get(f"/enterprises/{enterprise}").get_data(as_text=True)
    response = client.post(
        f"/enterprises/{enterprise}/visit/undo", data={"visit": visit_id}, headers=HX
    )
    assert response.status_code == 200
    with app.app_context():
        assert count(EnterpriseVisit) == 0
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "enterprise_visit_undone")
        )


def test_an_old_visit_cannot_be_undone(tree, app, login_as, enterprise):
    """Past UNDO_MINUTES the undo is refused with a message."""
    client = login_as(tree.worker_a)
    client.post(
        f"/enterprises/{enterprise}/visit",
        data={"key": "liaison-visit-0005", "method": "in_person"},
    )
    with app.app_context():
        visit_id = db.session.scalar(select(EnterpriseVisit.id))
    clock.freeze(clock.now() + timedelta(minutes=30))
    try:
        response = client.post(
            f"/enterprises/{enterprise}/visit/undo", data={"visit": visit_id}, headers=HX
        )
    finally:
        clock.freeze(None)
    assert response.status_code == 422
    with app.app_context():
        assert count(EnterpriseVisit) == 1


def test_today_lists_the_liaison_officers_enterprises(tree, app, login_as, enterprise):
    """Worker A's today list has 我联系的企业 with the enterprise, never visited, then visited."""
    client = login_as(tree.worker_a)
    page = client.get("/today/").get_data(as_text=True)
    assert "我联系的企业" in page and "金华精工" in page and "从未走访" in page
    client.post(
        f"/enterprises/{enterprise}/visit",
        data={"key": "liaison-visit-0006", "method": "in_person"},
    )
    page = client.get("/today/").get_data(as_text=True)
    assert clock.today().strftime("%Y-%m-%d") in page
    assert "我联系的企业" not in login_as(tree.worker_b).get("/today/").get_data(as_text=True)


# The two roles outside the tree --------------------------------------------------------------


def open_account(client, enterprise_id: int, phone: str = "13600000001"):
    return client.post(
        f"/enterprises/{enterprise_id}/account",
        data={"name": "陈经理", "phone": phone, "password": "enterprise-pass-1"},
    )


def sign_in(client, phone: str, password: str = "enterprise-pass-1", new: str = "my-own-pass-99"):
    """Sign in with the first password and choose one's own, as the account must."""
    client.post("/logout")
    response = client.post("/login", data={"phone": phone, "password": password})
    assert response.status_code == 302
    response = client.post(
        "/account/password", data={"current": password, "password": new, "again": new}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    response = client.post("/login", data={"phone": phone, "password": new})
    assert response.status_code == 302
    return client


def test_a_supervisor_opens_the_enterprise_account(tree, app, login_as, enterprise):
    """The account is bound to the enterprise, its scope the enterprise's node, on the trail."""
    client = login_as(tree.supervisor_a)
    assert open_account(client, enterprise).status_code == 303
    assert "136****0001" in client.get(f"/enterprises/{enterprise}").get_data(as_text=True)
    with app.app_context():
        account = db.session.scalar(select(Worker).where(Worker.phone == "13600000001"))
        assert account.role == "enterprise" and account.enterprise_id == enterprise
        assert account.scope_id == tree.micro_a.id and account.must_change_password
        assert db.session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.action == "worker_created", AuditEntry.object_id == account.id
            )
        )


def test_an_account_with_a_weak_password_or_a_taken_phone_is_refused(
    tree, app, login_as, enterprise
):
    """The workers' rules apply: a phone that signs somebody in already, a weak password."""
    client = login_as(tree.supervisor_a)
    response = open_account(client, enterprise, phone=tree.worker_a.phone)
    assert response.status_code == 422
    response = client.post(
        f"/enterprises/{enterprise}/account",
        data={"name": "陈经理", "phone": "13600000001", "password": "12345678"},
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Worker).where(Worker.role == "enterprise")) is None


def test_the_enterprise_account_lands_on_its_enterprise_and_sees_nothing_of_the_tree(
    tree, app, client, login_as, enterprise
):
    """Signed in, / leads to its enterprise's page; today, households, search, the grids:
    refused; its menu has no tree links; another enterprise is 404."""
    open_account(login_as(tree.supervisor_a), enterprise)
    admin = login_as(tree.admin)
    admin.post(
        "/enterprises/new",
        data=enterprise_form(1, key="enterprise-key-0009", uscc="91330702MA2HQ1234C", area="MB"),
    )
    with app.app_context():
        other = db.session.scalar(select(Enterprise.id).where(Enterprise.id != enterprise))
    sign_in(client, "13600000001")
    response = client.get("/")
    assert response.headers["Location"].endswith(f"/enterprises/{enterprise}")
    page = client.get(f"/enterprises/{enterprise}").get_data(as_text=True)
    assert "金华精工" in page and "我的企业" in page
    for tree_link in ("/today/", "/grids/", "/search/"):
        assert f'href="{tree_link}' not in page
    assert "data-outbox" not in page  # no visit button
    for url in ("/today/", "/grids/", "/search/", f"/households/{tree.household_a.id}"):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(f"/enterprises/{other}").status_code == 404
    listed = client.get("/enterprises/").get_data(as_text=True)
    assert "金华精工" in listed and "91330702MA2HQ1234C" not in listed
    assert client.get("/account/").status_code == 200
    assert client.post("/logout").status_code == 302


def test_the_worker_pages_never_turn_a_tree_worker_into_an_enterprise_account(tree, app, login_as):
    """The role list has no enterprise account nor reviewer; posting one anyway is refused."""
    client = login_as(tree.admin)
    form = client.get(f"/workers/{tree.worker_a.id}/edit").get_data(as_text=True)
    assert 'value="enterprise"' not in form and 'value="reviewer"' not in form
    response = client.post(
        f"/workers/{tree.worker_a.id}/edit",
        data={"name": "赵网格", "role": "enterprise", "area": "MA", "employment": "part_time"},
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Worker, tree.worker_a.id).role == "worker"


def test_an_enterprise_account_keeps_its_role_on_the_worker_pages(tree, app, login_as, enterprise):
    """Editing the enterprise account offers only its own role; another is refused."""
    client = login_as(tree.supervisor_a)
    open_account(client, enterprise)
    with app.app_context():
        account_id = db.session.scalar(select(Worker.id).where(Worker.role == "enterprise"))
    form = client.get(f"/workers/{account_id}/edit").get_data(as_text=True)
    assert 'value="enterprise"' in form and 'value="worker"' not in form
    response = client.post(
        f"/workers/{account_id}/edit",
        data={"name": "陈经理", "role": "worker", "area": "MA", "employment": "part_time"},
    )
    assert response.status_code == 422
    page = client.get(f"/workers/{account_id}").get_data(as_text=True)
    assert "企业账号" in page and "金华精工机械有限公司" in page


def test_the_admin_opens_a_reviewer_who_lands_on_the_department(
    tree, app, client, login_as, enterprise, department
):
    """A reviewer account of 工信局: scope the zone's root; signed in, / leads to the
    department's page with its enterprises; the tree is refused; another department is 404."""
    admin = login_as(tree.admin)
    response = admin.post(
        f"/departments/{department}/reviewers",
        data={"name": "周审核", "phone": "13600000002", "password": "enterprise-pass-1"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    admin.post("/departments/", data={"name": "商务局"})
    with app.app_context():
        reviewer = db.session.scalar(select(Worker).where(Worker.role == "reviewer"))
        assert reviewer.department_id == department and reviewer.scope_id == tree.root.id
        other = db.session.scalar(
            select(IndustryDepartment.id).where(IndustryDepartment.id != department)
        )
    assert "136****0002" in admin.get(f"/departments/{department}").get_data(as_text=True)
    sign_in(client, "13600000002")
    response = client.get("/")
    assert response.headers["Location"].endswith(f"/departments/{department}")
    page = client.get(f"/departments/{department}").get_data(as_text=True)
    assert "金华精工" in page and "我的部门" in page
    assert client.get(f"/enterprises/{enterprise}").status_code == 200
    assert client.get(f"/departments/{other}").status_code == 404
    for url in ("/today/", "/grids/", "/search/", "/departments/"):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(f"/enterprises/{enterprise}/visit", data={}).status_code == 403


def test_a_supervisor_cannot_open_a_reviewer(tree, login_as, department):
    """Reviewer accounts are the admin's: a supervisor gets 403."""
    client = login_as(tree.supervisor_a)
    assert client.get(f"/departments/{department}/reviewers").status_code == 403


def test_a_feature_adds_its_part_to_the_department_and_enterprise_pages(
    db_url, tree, app, login_as, enterprise, department
):
    """A part registered in DEPARTMENT_PARTS shows on the reviewer's department page above the
    enterprises, one in ENTERPRISE_PARTS on the enterprise's page; a part for a capability the
    user lacks is left out."""
    from jinja2 import ChoiceLoader, DictLoader

    from webapp.enterprises.sections import DEPARTMENT_PARTS, ENTERPRISE_PARTS, Part
    from webapp.permissions import Can

    from .conftest import make_app

    other = make_app(db_url)
    fragments = {
        "filings/_waiting.html": "<h2>{{ section.n }} 份报备待审核</h2>",
        "filings/_of.html": "<h2>{{ section.name }} 的报备</h2>",
        "filings/_secret.html": "<h2>审核员不该看到</h2>",
    }
    other.jinja_env.loader = ChoiceLoader([DictLoader(fragments), other.jinja_env.loader])
    DEPARTMENT_PARTS.add(other, Part(10, "filings/_waiting.html", lambda d: {"n": 2}))
    DEPARTMENT_PARTS.add(
        other, Part(20, "filings/_secret.html", lambda d: {}, Can.MANAGE_ENTERPRISES)
    )
    ENTERPRISE_PARTS.add(other, Part(10, "filings/_of.html", lambda e: {"name": e.name}))
    client = other.test_client()
    admin = client.post("/login", data={"phone": tree.admin.phone, "password": PASSWORD})
    assert admin.status_code == 302
    client.post(
        f"/departments/{department}/reviewers",
        data={"name": "周审核", "phone": "13600000002", "password": "enterprise-pass-1"},
    )
    sign_in(client, "13600000002")
    page = client.get(f"/departments/{department}").get_data(as_text=True)
    assert page.index("2 份报备待审核") < page.index("本部门企业")
    assert "审核员不该看到" not in page
    page = client.get(f"/enterprises/{enterprise}").get_data(as_text=True)
    assert "金华精工机械有限公司 的报备" in page
