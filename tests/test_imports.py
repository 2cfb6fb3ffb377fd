"""Imports: each kind from XLSX and GBK CSV, every check with its row and column, references,
all-or-nothing writes, re-imports, the supervisor's subtree, bad files, templates, the audit."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from webapp import jobs
from webapp.extensions import db
from webapp.households import rules as households_rules
from webapp.models import AuditEntry, Grid, Household, Import, Resident, StatusChange, Worker
from webapp.sheets import SHEETS

from .conftest import add_grid, add_worker


@pytest.fixture(autouse=True)
def _jobs_finish():
    yield
    jobs.wait_for_in_process_jobs()


def xlsx(rows: list[list]) -> bytes:
    """A workbook whose first sheet holds `rows` (the first one the headers)."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "gbk") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, kind: str, data: bytes, name: str = "表.xlsx"):
    """Upload a sheet and let its check finish; the response of the upload."""
    response = client.post(
        "/imports/new",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    jobs.wait_for_in_process_jobs()
    return response


def latest(app) -> Import:
    with app.app_context():
        imp = db.session.scalar(select(Import).order_by(Import.id.desc()))
        db.session.expunge(imp)
        return imp


def confirm(client, app, **data) -> Import:
    """Confirm the latest import and let its write finish."""
    imp = latest(app)
    response = client.post(f"/imports/{imp.id}/confirm", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    jobs.wait_for_in_process_jobs()
    return latest(app)


def refused_cells(client, app, kind: str, rows: list[list]) -> set[tuple[int, str]]:
    """Upload `rows` as a workbook of `kind`: the (row, column) of each error found."""
    upload(client, kind, xlsx(rows))
    return {(e["row"], e["column"]) for e in latest(app).errors}


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


HOUSEHOLDS = [["微网格编码", "地址", "手机号"]]
RESIDENTS = [["微网格编码", "地址", "姓名", "身份证号", "手机号", "标签", "返回地", "返回日期"]]


def test_households_import_from_xlsx_and_a_second_time_changes_nothing(tree, login_as, app):
    """Households are created from XLSX; the same file again is all unchanged."""
    client = login_as(tree.admin)
    sheet = xlsx(
        [*HOUSEHOLDS, ["MA", "1幢1单元102室", "13800138000"], ["ma", "1幢1单元103室", None]]
    )
    assert upload(client, "households", sheet).status_code == 303
    imp = latest(app)
    assert (imp.status, imp.rows, imp.created, imp.error_count) == ("checked", 2, 2, 0), imp.message
    assert count(app, Household) == 2  # nothing written by the check
    page = client.get(f"/imports/{imp.id}").get_data(as_text=True)
    assert "确认导入" in page
    assert confirm(client, app).status == "done"
    assert count(app, Household, Household.grid_id == tree.micro_a.id) == 3
    upload(client, "households", sheet)
    again = latest(app)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_households_import_updates_a_phone_by_address(tree, login_as, app):
    """A row whose micro-grid and address exist updates that household's phone."""
    client = login_as(tree.admin)
    upload(client, "households", xlsx([*HOUSEHOLDS, ["MA", "1幢1单元101室", "13700000000"]]))
    assert latest(app).updated == 1
    confirm(client, app)
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        assert household.phone == "13700000000" and household.version == 2


def test_residents_import_from_gbk_csv_counts_members_and_raises_returnees(tree, login_as, app):
    """A GBK CSV registers residents; member_count follows; a returnee raises the household."""
    client = login_as(tree.admin)
    rows = [
        *RESIDENTS,
        [
            "MA",
            "1幢1单元101室",
            "王五",
            "330702199003070011",
            "１３８ ００１３ ８０００",
            "",
            "",
            "",
        ],
        [
            "MA",
            "1幢1单元101室",
            "返乡人",
            "330702200503150021",
            "",
            "外地返回",
            "温州",
            "2026/11/20",
        ],
    ]
    upload(client, "residents", csv_bytes(rows), "居民.csv")
    imp = latest(app)
    assert (imp.status, imp.created, imp.error_count) == ("checked", 2, 0), imp.errors
    assert confirm(client, app).status == "done"
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        assert household.member_count == 3
        assert household.status == "light_yellow"
        returnee = db.session.scalar(select(Resident).where(Resident.name == "返乡人"))
        assert (returnee.status, returnee.origin, returnee.gender) == ("light_yellow", "温州", "F")
        wang = db.session.scalar(select(Resident).where(Resident.name == "王五"))
        assert wang.phone == "13800138000"
        change = db.session.scalar(
            select(StatusChange).where(StatusChange.household_id == household.id)
        )
        assert change.to_status == "light_yellow" and "温州" in change.reason


def test_residents_import_from_utf8_csv_with_bom_corrects_a_resident(tree, login_as, app):
    """A UTF-8 CSV with BOM: a known ID number in its household is an update."""
    client = login_as(tree.admin)
    rows = [*RESIDENTS, ["MA", "1幢1单元101室", "张三丰", "330702199001011237", "", "", "", ""]]
    upload(client, "residents", csv_bytes(rows, "utf-8-sig"), "r.csv")
    assert latest(app).updated == 1
    confirm(client, app)
    with app.app_context():
        resident = db.session.get(Resident, tree.resident_a.id)
        assert resident.name == "张三丰" and resident.phone is None


def test_a_resident_needs_an_existing_household(tree, login_as, app):
    """A resident at an address without a household is refused: households come first."""
    client = login_as(tree.admin)
    upload(
        client, "residents", xlsx([*RESIDENTS, ["MA", "无此地址", "王五", "330702199003070011"]])
    )
    imp = latest(app)
    assert imp.error_count == 1
    assert imp.errors[0]["column"] == "地址" and "先导入户" in imp.errors[0]["message"]


def test_every_check_names_its_row_and_column(tree, login_as, app):
    """Each validator's refusal comes with its row number, its column and a Chinese message."""
    client = login_as(tree.admin)
    rows = [
        *RESIDENTS,
        ["MA", "1幢1单元101室", "甲", "330702199003070012", "", "", "", ""],  # 2: checksum
        ["MA", "1幢1单元101室", "乙", "330702199003070011", "12345", "", "", ""],  # 3: phone
        ["MA", "1幢1单元101室", "", "330702198001010010", "", "", "", ""],  # 4: name
        ["MA", "1幢1单元101室", "丁", "330702198002020018", "", "党员", "", ""],  # 5: tag
        ["MA", "1幢1单元101室", "戊", "330702198003030015", "", "外地返回", "", "2026-11-20"],
        ["MA", "1幢1单元101室", "己", "330702198004040012", "", "", "", "昨天"],  # 7: date
        ["MB9", "1幢1单元101室", "庚", "33070219800505001X", "", "", "", ""],  # 8: grid
        ["MA", "1幢1单元101室", "辛", "330702199003070011", "", "", "", ""],  # 9: dup of 3
        ["MA", "1幢1单元101室", "壬" * 41, "330702198006060017", "", "", "", ""],  # 10: long
    ]
    upload(client, "residents", xlsx(rows))
    imp = latest(app)
    found = {(e["row"], e["column"]): e["message"] for e in imp.errors}
    assert "身份证号无效" in found[(2, "身份证号")]
    assert "11位手机号" in found[(3, "手机号")]
    assert "必须填写" in found[(4, "姓名")]
    assert "不是可选的值" in found[(5, "标签")] and "外地返回" in found[(5, "标签")]
    assert "从何地返回" in found[(6, "返回地")]
    assert "不是日期" in found[(7, "返回日期")]
    assert "MB9" in found[(8, "微网格编码")]
    assert "第 3 行" in found[(9, "身份证号")]
    assert "40" in found[(10, "姓名")]
    assert imp.error_count == 9 and not imp.can_confirm
    page = client.get(f"/imports/{imp.id}").get_data(as_text=True)
    assert "确认导入" not in page and "下载" in page
    assert client.post(f"/imports/{imp.id}/confirm").status_code == 409
    assert count(app, Resident) == 2


def test_the_error_workbook_holds_every_row_with_its_errors_and_imports_back(tree, login_as, app):
    """The error workbook has all rows and an error column; fixed, it uploads as it is."""
    client = login_as(tree.admin)
    rows = [*HOUSEHOLDS, ["MA", "1幢2单元101室", "1380013800"], ["MA", "1幢2单元102室", ""]]
    upload(client, "households", xlsx(rows))
    imp = latest(app)
    with app.app_context():
        job = db.session.get(jobs.Job, imp.check_job_id)
        assert job.result_name.startswith("导入错误")
    download = client.get(f"/progress/{imp.check_job_id}/download")
    sheet = load_workbook(io.BytesIO(download.get_data())).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["错误", "微网格编码", "地址", "手机号"]
    assert "手机号" in values[1][0] and values[2][0] is None
    values[1][3] = "13800138000"
    upload(client, "households", xlsx(values))
    fixed = latest(app)
    assert (fixed.created, fixed.error_count) == (2, 0)
    assert "错误" in fixed.warnings[0]


def test_a_formula_without_a_saved_value_is_refused(tree, login_as, app):
    """A formula cell saved without its value is an error of that cell."""
    client = login_as(tree.admin)
    upload(client, "households", xlsx([*HOUSEHOLDS, ["MA", '=CONCAT("1幢","9室")', None]]))
    imp = latest(app)
    assert imp.errors[0]["row"] == 2 and "公式" in imp.errors[0]["message"]


def test_grids_refer_to_earlier_rows_not_later_ones(tree, login_as, app):
    """A parent defined in an earlier row is accepted; one defined in a later row is not."""
    client = login_as(tree.admin)
    header = ["编码", "名称", "层级", "微网格类型", "上级编码"]
    good = [header, ["G9", "第九网格", "网格", "", "C1"], ["M9", "9幢", "微网格", "楼道", "G9"]]
    upload(client, "grids", xlsx(good))
    assert (latest(app).created, latest(app).error_count) == (2, 0)
    bad = [header, ["M8", "8幢", "微网格", "楼道", "G8"], ["G8", "第八网格", "网格", "", "C1"]]
    upload(client, "grids", xlsx(bad))
    imp = latest(app)
    assert imp.errors[0]["row"] == 2 and imp.errors[0]["column"] == "上级编码"
    upload(client, "grids", xlsx(good))
    assert confirm(client, app).status == "done"
    with app.app_context():
        micro = db.session.scalar(select(Grid).where(Grid.code == "M9"))
        assert micro.level == 4 and micro.parent.code == "G9" and micro.path.startswith("0")


CELL_CHECKS = {
    "grids": (
        [
            ["编码", "名称", "层级", "微网格类型", "上级编码"],
            ["G-1", "坏编码", "网格", "", "C1"],
            ["M7", "7幢", "微网格", "", "GA"],
            ["M6", "6幢", "网格", "", "GA"],
            ["GA", "第一网格", "网格", "", "C1"],
        ],
        {(2, "编码"), (3, "微网格类型"), (4, "层级")},
    ),
    "workers": (
        [
            ["姓名", "手机号", "用工", "负责区域编码", "角色"],
            ["甲", "1370000000", "兼职", "MA", "网格员"],
            ["乙", "13700000005", "临时工", "MA", "网格员"],
            ["丙", "13700000006", "兼职", "NOPE", "网格员"],
            ["丁", "13700000007", "兼职", "MA", "队长"],
        ],
        {(2, "手机号"), (3, "用工"), (4, "负责区域编码"), (5, "角色")},
    ),
}


@pytest.mark.parametrize("kind", CELL_CHECKS)
def test_grid_and_worker_columns_are_checked_like_their_forms(kind, tree, login_as, app):
    """A bad code, level, kind (grids) or phone, employment, area, role (workers) is refused by
    row and column; a row already in the database is unchanged."""
    rows, expected = CELL_CHECKS[kind]
    assert refused_cells(client := login_as(tree.admin), app, kind, rows) == expected
    assert latest(app).unchanged == (1 if kind == "grids" else 0)
    assert client.get(f"/imports/{latest(app).id}").status_code == 200


def test_workers_are_appointed_with_one_first_password(tree, login_as, app):
    """New workers get the first password given at confirmation and must change it."""
    client = login_as(tree.admin)
    rows = [
        ["姓名", "手机号", "用工", "标签", "职务", "负责区域编码", "角色"],
        ["新网格员", "13700000001", "专职", "党员、志愿者", "楼道长", "MA", "网格员"],
        ["赵网格", "13900000003", "兼职", "", "", "MA", "网格员"],
    ]
    upload(client, "workers", xlsx(rows))
    imp = latest(app)
    assert (imp.created, imp.unchanged) == (1, 1), imp.errors
    page = client.get(f"/imports/{imp.id}").get_data(as_text=True)
    assert "新人员的初始密码" in page
    assert client.post(f"/imports/{imp.id}/confirm", data={}).status_code == 422
    assert confirm(client, app, first_password="first-pass-1").status == "done"
    with app.app_context():
        worker = db.session.scalar(select(Worker).where(Worker.phone == "13700000001"))
        assert worker.check_password("first-pass-1") and worker.must_change_password
        assert worker.tags == ["party_member", "volunteer"] and worker.positions == ["floor_leader"]
        assert (
            db.session.scalar(
                select(AuditEntry).where(AuditEntry.action == "worker_created")
            ).object_id
            == worker.id
        )


def test_the_import_is_on_the_audit_trail(tree, login_as, app):
    """A written import is an audit entry with its kind, counts and file name."""
    client = login_as(tree.admin)
    upload(client, "households", xlsx([*HOUSEHOLDS, ["MA", "1幢9室", ""]]), "九室.xlsx")
    imp = confirm(client, app)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
        assert (entry.object_type, entry.object_id, entry.actor_id) == (
            "import",
            imp.id,
            tree.admin.id,
        )
        assert entry.details == {
            "kind": "households",
            "file": "九室.xlsx",
            "created": 1,
            "updated": 0,
            "unchanged": 0,
        }
    assert "数据导入" in client.get("/audit/").get_data(as_text=True)


def test_a_failure_at_the_9000th_of_10000_rows_writes_nothing(tree, login_as, app, monkeypatch):
    """All rows are written in one transaction: a failure late in the write leaves none."""
    client = login_as(tree.admin)
    rows = [*HOUSEHOLDS, *(["MA", f"9幢{i}室", ""] for i in range(10_000))]
    upload(client, "households", xlsx(rows))
    assert latest(app).created == 10_000
    real = households_rules.create_all
    written = {"rows": 0}

    def fails_at_the_9000th(households):
        room = 8_999 - written["rows"]
        if room < len(households):
            real(households[:room])  # rows 1 to 8,999 reached the database
            raise RuntimeError("disk full")
        written["rows"] += len(households)
        real(households)

    monkeypatch.setattr(households_rules, "create_all", fails_at_the_9000th)
    imp = confirm(client, app)
    assert imp.status == "failed" and "disk full" in imp.message
    assert count(app, Household) == 2
    assert count(app, AuditEntry, AuditEntry.action == "import") == 0
    monkeypatch.setattr(households_rules, "create_all", real)
    assert confirm(client, app).status == "done"
    assert count(app, Household) == 10_002


def test_the_write_checks_again_and_writes_nothing_when_the_data_changed(tree, login_as, app):
    """A resident registered between check and confirmation fails the whole write."""
    client = login_as(tree.admin)
    rows = [
        *RESIDENTS,
        ["MA", "1幢1单元101室", "王五", "330702199003070011"],
        ["MA", "1幢1单元101室", "赵六", "330702198001010010"],
    ]
    upload(client, "residents", xlsx(rows))
    with app.app_context():
        db.session.add(
            Resident(
                household_id=tree.household_b.id,
                name="赵六",
                gender="M",
                birth_year=1980,
                id_number="330702198001010010",
            )
        )
        db.session.commit()
    imp = confirm(client, app)
    assert imp.status == "checked" and imp.error_count == 1 and imp.errors[0]["row"] == 3
    assert count(app, Resident) == 3


def test_a_supervisor_imports_only_into_their_subtree(tree, login_as, app):
    """Codes outside the supervisor's subtree are unknown; the tree is not theirs to import."""
    client = login_as(tree.supervisor_a)
    upload(client, "households", xlsx([*HOUSEHOLDS, ["MA", "1幢8室", ""], ["MB", "9幢8室", ""]]))
    imp = latest(app)
    assert imp.created == 1 and imp.errors == [
        {"row": 3, "column": "微网格编码", "message": "您的辖区内没有编码为 MB 的微网格。"}
    ]
    rows = [
        ["姓名", "手机号", "用工", "负责区域编码", "角色"],
        ["钱网格", "13900000004", "兼职", "MA", "网格员"],
        ["新主任", "13700000002", "兼职", "MA", "督导员"],
    ]
    assert refused_cells(client, app, "workers", rows) == {(2, "手机号"), (3, "角色")}
    page = client.get("/imports/").get_data(as_text=True)
    assert "kind=grids" not in page and "kind=households" in page
    response = upload(client, "grids", xlsx([["编码", "名称", "层级", "上级编码"]]))
    assert response.status_code == 422


def test_a_field_worker_cannot_import(tree, login_as):
    """Importing is for admins and supervisors."""
    client = login_as(tree.worker_a)
    assert client.get("/imports/").status_code == 403
    assert "导入" not in client.get("/today/").get_data(as_text=True).split("<main", 1)[0]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _merged_header() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["微网格编码", "地址", None])
    sheet.append(["MA", "1幢", "2单元"])
    sheet.merge_cells("B1:C1")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _macro_workbook() -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(xlsx([*HOUSEHOLDS, ["MA", "1幢", ""]])))
    members = {name: archive.read(name) for name in archive.namelist()}
    return _zip({**members, "xl/vbaProject.bin": b"\x00" * 100})


BAD_FILES = {
    "a picture": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "不是表格"),
    "a Word document": (_zip({"word/document.xml": b"<w/>"}), "不是表格"),
    "a password-protected workbook": (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le"),
        "密码",
    ),
    "an Excel 97 workbook": (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512, ".xls"),
    "a macro workbook": (_macro_workbook(), "宏"),
    "merged header cells": (_merged_header(), "合并"),
    "an empty sheet": (xlsx([]), "空"),
    "a zip bomb": (_zip({"xl/worksheets/sheet1.xml": b"\x00" * (30 * 1024 * 1024)}), "拒绝"),
    "a sheet without the required columns": (xlsx([["地址", "备注"], ["1幢", ""]]), "缺少必需的列"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_refused_with_a_message_and_nothing_written(name, tree, login_as, app):
    """Each bad file is refused with a Chinese sentence; nothing is written; no error 500."""
    data, words = BAD_FILES[name]
    client = login_as(tree.admin)
    assert upload(client, "households", data).status_code == 303
    imp = latest(app)
    assert imp.status == "refused" and words in imp.message, imp.message
    page = client.get(f"/imports/{imp.id}")
    assert page.status_code == 200 and words in page.get_data(as_text=True)
    assert count(app, Household) == 2


def test_more_rows_than_the_limit_are_refused(tree, login_as, app):
    """A sheet longer than IMPORT_MAX_ROWS is refused as a whole."""
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        client = login_as(tree.admin)
        upload(client, "households", xlsx([*HOUSEHOLDS, *(["MA", f"{i}室", ""] for i in range(4))]))
        assert "超过 3 行" in latest(app).message
    finally:
        app.config["IMPORT_MAX_ROWS"] = 600_000


def test_a_file_over_the_size_limit_is_refused_on_the_form(tree, login_as, app):
    """A file over IMPORT_MAX_MB gets the upload form back with the limit, and no import."""
    app.config["IMPORT_MAX_MB"] = 1
    try:
        client = login_as(tree.admin)
        response = upload(client, "households", b"x" * (1024 * 1024 + 10), "big.csv")
        assert response.status_code == 413 and "大于 1 MB" in response.get_data(as_text=True)
        response = upload(client, "households", b"x" * (3 * 1024 * 1024), "bigger.csv")
        assert response.status_code == 413 and "大于 1 MB" in response.get_data(as_text=True)
    finally:
        app.config["IMPORT_MAX_MB"] = 50
    assert count(app, Import) == 1  # the fixture's import of grid B only


def test_unknown_headers_are_a_warning_and_columns_come_in_any_order(tree, login_as, app):
    """Headers are matched by name (Chinese or English) in any order; unknown ones warn."""
    client = login_as(tree.admin)
    rows = [["备注", "Address", "micro-grid code"], ["x", "1幢7室", "MA"]]
    upload(client, "households", xlsx(rows))
    imp = latest(app)
    assert imp.created == 1 and "备注" in imp.warnings[0]


@pytest.fixture
def example_tree(app) -> Worker:
    """The nodes the templates' example rows refer to, and an admin at the root."""
    with app.app_context():
        nodes: list[Grid] = []
        for level, (name, code) in enumerate(
            (("开发区", "Z"), ("江南街道", "T1"), ("西苑社区", "C1"), ("第一网格", "G0101001"))
        ):
            nodes.append(add_grid(nodes[-1] if nodes else None, level, name, code))
        admin = add_worker("管理员", "13900000001", "admin", nodes[0])
        db.session.commit()
        db.session.refresh(admin)
        db.session.expunge(admin)
        return admin


KINDS = ("grids", "workers", "households", "residents")  # the order an office imports them


def test_the_templates_download_and_import_back(app, login_as, client, example_tree):
    """Each kind's template has Chinese headers, an example row and instructions; its example
    row imports."""
    login_as(example_tree)
    for kind in KINDS:
        response = client.get(f"/imports/template?kind={kind}")
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.get_data()))
        data, notes = workbook.worksheets
        assert [c.value for c in data[1]] == [c.zh for c in SHEETS[kind].columns]
        assert notes.max_row == len(SHEETS[kind].columns) + 1
        upload(client, kind, response.get_data(), f"{kind}.xlsx")
        imp = latest(app)
        assert (imp.created, imp.error_count) == (1, 0), imp.errors
        assert confirm(client, app, first_password="first-pass-1").status == "done"
    assert count(app, Resident, Resident.id_number == "330702199001011237") == 1
    assert client.get("/imports/template?kind=nothing").status_code == 404


def test_each_kind_imports_from_a_gbk_csv_and_again_unchanged(app, login_as, client, example_tree):
    """Every kind imports from a GBK CSV (what WPS writes); the same file again changes
    nothing."""
    login_as(example_tree)
    for kind in KINDS:
        columns = SHEETS[kind].columns
        sheet = csv_bytes([[c.zh for c in columns], [c.example for c in columns]])
        upload(client, kind, sheet, f"{kind}.csv")
        assert latest(app).created == 1, latest(app).errors
        confirm(client, app, first_password="first-pass-1")
        upload(client, kind, sheet, f"{kind}.csv")
        assert (latest(app).unchanged, latest(app).error_count) == (1, 0), latest(app).errors
    with app.app_context():
        household = db.session.scalar(select(Household))
        assert (household.member_count, household.status) == (1, "light_yellow")


def test_the_import_page_polls_while_checking_and_is_a_fragment_for_htmx(tree, login_as, app):
    """The page is whole without htmx and a fragment with it; done, it stops polling."""
    client = login_as(tree.admin)
    upload(client, "households", xlsx([*HOUSEHOLDS, ["MA", "1幢6室", ""]]))
    imp = latest(app)
    partial = client.get(f"/imports/{imp.id}", headers={"HX-Request": "true"})
    text = partial.get_data(as_text=True)
    assert "<html" not in text and "hx-trigger" not in text and "确认导入" in text
    assert "HX-Request" in partial.headers["Vary"]
    assert "<html" in client.get(f"/imports/{imp.id}").get_data(as_text=True)
    assert "1幢6室" not in client.get("/imports/").get_data(as_text=True)


def test_an_import_is_its_creators(tree, login_as, app):
    """Another supervisor's (or a field worker's) request for an import is refused."""
    client = login_as(tree.admin)
    upload(client, "households", xlsx([*HOUSEHOLDS, ["MA", "1幢5室", ""]]))
    imp = latest(app)
    client = login_as(tree.supervisor_a)
    assert client.get(f"/imports/{imp.id}").status_code == 404
    assert client.post(f"/imports/{imp.id}/confirm").status_code == 404
