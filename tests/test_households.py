"""The household page, and managing households and residents."""

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Household, IdNumberCheck, Resident

from .conftest import RETURNEE


def test_household_page_masks_ids_and_phones(tree, login_as):
    """A worker sees residents with masked ID numbers and phones only."""
    client = login_as(tree.worker_a)
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "张三" in page
    assert "330702********1237" in page and "330702199001011237" not in page
    assert "139****5678" in page and "13912345678" not in page
    assert "完整显示" not in page  # field workers cannot reveal


def test_supervisor_reveals_one_resident(tree, login_as):
    """A supervisor asks for the full values of one resident and gets that row back."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/residents/{tree.resident_a.id}/reveal", headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "330702199001011237" in body and "13912345678" in body


def test_supervisor_adds_a_household_and_a_resident(tree, login_as, app):
    """Add a household to a stairwell, then a resident; gender and birth year come from the ID."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/households/new/{tree.micro_a.id}", data={"address": "1幢1单元102室", "phone": ""}
    )
    assert response.status_code == 303
    household_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(
        f"/residents/new/{household_id}",
        data={"name": "王喆", "id_number": "330702200503150021", "phone": "13700001111"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        resident = db.session.scalar(select(Resident).where(Resident.name == "王喆"))
        assert (resident.gender, resident.birth_year) == ("F", 2005)
        assert db.session.get(Household, household_id).member_count == 1


def test_invalid_id_number_is_refused(tree, login_as, app):
    """A wrong check character gets a Chinese message and nothing is saved."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/residents/new/{tree.household_a.id}",
        data={"name": "错号", "id_number": "330702199001011236"},
    )
    assert response.status_code == 422
    assert "身份证号无效" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resident)) == 2


def test_a_number_registered_in_scope_says_where(tree, login_as):
    """An ID number already registered in the worker's own area: refused, with its household."""
    client = login_as(tree.worker_a)
    response = client.post(
        f"/residents/new/{tree.household_a.id}",
        data={"name": "张三", "id_number": "330702199001011237"},
    )
    assert response.status_code == 422
    assert "张*" in response.get_data(as_text=True)
    assert tree.household_a.address in response.get_data(as_text=True)


def test_a_number_registered_elsewhere_goes_to_a_supervisor(tree, login_as, app):
    """An ID number registered outside the worker's area (even in another grid): refused
    without saying where, and kept for a supervisor to check."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/residents/new/{tree.household_a.id}",
        data={"name": "李四", "id_number": "330702198502022247"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "已登记" not in page and tree.household_b.address not in page
    with app.app_context():
        check = db.session.scalar(select(IdNumberCheck).where(IdNumberCheck.name == "李四"))
        assert (check.household_id, check.name) == (tree.household_a.id, "李四")
    page = login_as(tree.admin).get("/residents/checks").get_data(as_text=True)
    assert "李四" in page and tree.household_b.address in page


def test_bad_phone_and_empty_fields_are_refused(tree, login_as, app):
    """Empty required fields and a bad phone get messages; nothing is saved."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/households/new/{tree.micro_a.id}", data={"address": "", "phone": "12345"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入地址" in body and "11位手机号" in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Household)) == 2


def test_oversized_field_is_refused(tree, login_as):
    """An address longer than the column gets a message, not a database error."""
    client = login_as(tree.supervisor_a)
    response = client.post(f"/households/new/{tree.micro_a.id}", data={"address": "楼" * 500})
    assert response.status_code == 422
    assert "最多 120 个字" in response.get_data(as_text=True)


def test_returnee_needs_origin_and_date(tree, login_as):
    """Ticking 'returnee' without where from and when gets two messages."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/residents/new/{tree.household_a.id}",
        data={"name": "返乡", "id_number": "330702200503150021", "tags": "returnee"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "返回地" in body or "从何地返回" in body


def test_household_moves_to_another_micro_grid(tree, login_as, app):
    """An admin moves a household by typing the new micro-grid's code."""
    client = login_as(tree.admin)
    response = client.post(
        f"/households/{tree.household_a.id}/edit",
        data={"address": "1幢1单元101室", "grid_code": "MB", "version": "1"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).grid_id == tree.micro_b.id


def test_household_move_to_unknown_code_is_refused(tree, login_as):
    """A code that is not a micro-grid in scope gets a message."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/households/{tree.household_a.id}/edit",
        data={"address": "1幢1单元101室", "grid_code": "MB", "version": "1"},
    )
    assert response.status_code == 422


def test_concurrent_edit_gets_the_conflict_message(tree, login_as, app):
    """Two managers edit one household: the second sees the current state, nothing is lost."""
    client = login_as(tree.supervisor_a)
    first = client.post(
        f"/households/{tree.household_a.id}/edit",
        data={"address": "第一次修改", "grid_code": "MA", "version": "1"},
    )
    assert first.status_code == 303
    second = client.post(
        f"/households/{tree.household_a.id}/edit",
        data={"address": "第二次修改", "grid_code": "MA", "version": "1"},
    )
    assert second.status_code == 409
    assert "第一次修改" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).address == "第一次修改"


def test_removing_a_resident_updates_the_count(tree, login_as, app):
    """Deactivating a resident takes them off the page and the household's count."""
    client = login_as(tree.supervisor_a)
    client.post(f"/residents/{tree.resident_a.id}/deactivate")
    with app.app_context():
        assert db.session.get(Household, tree.household_a.id).member_count == 0
    client.get("/today/")  # the flash message names the resident once; let it go
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    assert "张三" not in page


def test_nobody_under_observation_leaves_the_lists(tree, login_as, app):
    """B's resident is under home observation: neither they nor their household can be taken
    out of the lists (their follow-ups would vanish from the day); the page says why."""
    client = login_as(tree.admin)
    for url in (
        f"/residents/{tree.resident_b.id}/deactivate",
        f"/households/{tree.household_b.id}/deactivate",
    ):
        response = client.post(url, follow_redirects=True)
        assert "正在居家观察" in response.get_data(as_text=True), url
    with app.app_context():
        household = db.session.get(Household, tree.household_b.id)
        assert household.active and household.member_count == 1
        assert db.session.get(Resident, tree.resident_b.id).active


def test_worker_registers_a_returnee_who_starts_light_yellow(tree, login_as, app):
    """A field worker registers a returnee: resident and household start light yellow."""
    client = login_as(tree.worker_a)
    response = client.post(
        f"/residents/new/{tree.household_a.id}",
        data=RETURNEE,
    )
    assert response.status_code == 303
    with app.app_context():
        resident = db.session.scalar(select(Resident).where(Resident.name == "返乡人"))
        assert resident.status == "light_yellow"
        assert db.session.get(Household, tree.household_a.id).status == "light_yellow"


def test_the_resident_form_shows_numbers_masked_and_keeps_them(tree, login_as, app):
    """The edit form holds no full ID number or phone; left empty they stay, typed they change,
    and "no phone any more" removes the phone."""
    client = login_as(tree.supervisor_a)
    page = client.get(f"/residents/{tree.resident_a.id}/edit").get_data(as_text=True)
    assert "330702199001011237" not in page and "13912345678" not in page
    assert "330702********1237" in page and "139****5678" in page
    data = {"name": "张三丰", "id_number": "", "phone": ""}
    assert client.post(f"/residents/{tree.resident_a.id}/edit", data=data).status_code == 303
    with app.app_context():
        resident = db.session.get(Resident, tree.resident_a.id)
        assert (resident.name, resident.id_number, resident.phone) == (
            "张三丰",
            "330702199001011237",
            "13912345678",
        )
    data = {"name": "张三丰", "id_number": "", "phone": "", "remove_phone": "y"}
    client.post(f"/residents/{tree.resident_a.id}/edit", data=data)
    with app.app_context():
        assert db.session.get(Resident, tree.resident_a.id).phone is None


def test_a_worker_adds_a_household_to_their_micro_grid_and_a_supervisor_manages_it(
    tree, login_as, app
):
    """A worker finds a returnee family in an empty flat of their stairwell: the micro-grid page
    offers 添加住户, they add it and register the family there. They cannot add one elsewhere,
    nor edit or deactivate it; their supervisor edits and deactivates it."""
    client = login_as(tree.worker_a)
    page = client.get(f"/grids/{tree.micro_a.id}").get_data(as_text=True)
    assert f'href="/households/new/{tree.micro_a.id}"' in page
    assert f'href="/households/move/{tree.micro_a.id}"' not in page
    response = client.post(
        f"/households/new/{tree.micro_a.id}", data={"address": "1幢1单元602室", "phone": ""}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    household_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/residents/new/{household_id}", data=RETURNEE).status_code == 303
    assert (
        client.post(f"/households/new/{tree.micro_b.id}", data={"address": "x"}).status_code == 404
    )
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert f"/households/{household_id}/edit" not in page
    assert client.get(f"/households/{household_id}/edit").status_code == 403
    assert client.post(f"/households/{household_id}/deactivate").status_code == 403
    manager = login_as(tree.supervisor_a)
    with app.app_context():
        version = str(db.session.get(Household, household_id).version)
    edited = manager.post(
        f"/households/{household_id}/edit",
        data={"address": "1幢1单元603室", "version": version, "grid_code": "MA"},
    )
    assert edited.status_code == 303, edited.get_data(as_text=True)
    assert manager.post(f"/households/{household_id}/deactivate").status_code == 303
    with app.app_context():
        household = db.session.get(Household, household_id)
        assert household.address == "1幢1单元603室" and not household.active
        assert household.grid_id == tree.micro_a.id and household.member_count == 1


def test_the_returnee_shortcut_registers_a_light_yellow_returnee_from_today(tree, login_as, app):
    """The household page's 登记返乡人员 holds name, ID number, where from, the return date
    (today) and phone; sent as it comes, it registers a returnee through the residents' rules:
    light yellow, returned today, and the household with them."""
    from webapp.clock import today

    client = login_as(tree.worker_a)
    page = client.get(f"/households/{tree.household_a.id}").get_data(as_text=True)
    form = page[page.index('id="returnee"') : page.index("</form>", page.index('id="returnee"'))]
    assert '<input type="hidden" name="tags" value="returnee">' in form
    assert f'value="{today().isoformat()}"' in form
    for name in ("name", "id_number", "origin", "phone"):
        assert f'name="{name}"' in form
    response = client.post(
        f"/residents/new/{tree.household_a.id}",
        data={
            "tags": "returnee",
            "name": "返乡人",
            "id_number": "330702200503150021",
            "origin": "温州",
            "return_date": today().isoformat(),
            "phone": "13700002222",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        resident = db.session.scalar(select(Resident).where(Resident.name == "返乡人"))
        assert resident.status == "light_yellow" and resident.tags == ["returnee"]
        assert (resident.origin, resident.return_date) == ("温州", today())
        assert db.session.get(Household, tree.household_a.id).status == "light_yellow"
