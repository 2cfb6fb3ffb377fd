"""Exports: every kind in XLSX and CSV, in the user's subtree only, masked unless a revealer asks
for full numbers with a reason, on the audit trail, in the import layouts of webapp/sheets.py,
at once when small and as a background job when large."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime, time, timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from webapp import clock, jobs
from webapp.clock import today
from webapp.duplicates.rules import resolve_visit
from webapp.extensions import db
from webapp.models import (
    AuditEntry,
    FollowUp,
    Household,
    Import,
    Job,
    Observation,
    Resident,
    Visit,
    Worker,
)
from webapp.sheets import SHEETS, choice_labels, normalize_header, split_choices

from .test_personal_data import NUMBERS

BOM = b"\xef\xbb\xbf"
KINDS = [
    "households",
    "residents",
    "workers",
    "visits",
    "follow_ups",
    "due_visits",
    "open_follow_ups",
]
PERIOD = {"visits", "follow_ups"}


@pytest.fixture
def field(app, tree):
    """Field work in both branches, at 15:00 today (the morning follow-up overdue, the
    afternoon one due), with tags and a returnee's dates on A's resident and worker."""
    clock.freeze(datetime.combine(today(), time(15)))
    yesterday = today() - timedelta(days=1)
    with app.app_context():
        resident_a = db.session.get(Resident, tree.resident_a.id)
        resident_a.tags = ["returnee", "key_person"]
        resident_a.origin, resident_a.return_date = "温州", yesterday - timedelta(days=10)
        worker_a = db.session.get(Worker, tree.worker_a.id)
        worker_a.employment, worker_a.tags = "full_time", ["party_member", "volunteer"]
        worker_a.positions = ["floor_leader"]
        observation_a = Observation(
            resident_id=tree.resident_a.id,
            household_id=tree.household_a.id,
            start_date=yesterday,
            planned_end=today() + timedelta(days=13),
            reason="外地返回",
            created_by_id=tree.worker_a.id,
        )
        db.session.add(observation_a)
        db.session.flush()
        for n, (household, worker, grid) in enumerate(
            [
                (tree.household_a, tree.worker_a, tree.micro_a),
                (tree.household_b, tree.worker_b, tree.micro_b),
            ]
        ):
            db.session.add(
                Visit(
                    household_id=household.id,
                    worker_id=worker.id,
                    grid_id=grid.id,
                    visited_at=datetime.combine(yesterday, time(10, 15)),
                    method="door",
                    persons_seen=2,
                    note="量了体温",
                    client_key=f"visit-key-{n:04d}",
                )
            )
        for n, (observation_id, worker, grid) in enumerate(
            [
                (observation_a.id, tree.worker_a, tree.micro_a),
                (tree.observation_b.id, tree.worker_b, tree.micro_b),
            ]
        ):
            db.session.add(
                FollowUp(
                    observation_id=observation_id,
                    slot_date=yesterday,
                    slot="am",
                    worker_id=worker.id,
                    grid_id=grid.id,
                    temperature=37.5,
                    symptoms=["cough", "fatigue"],
                    client_key=f"follow-up-key-{n:04d}",
                )
            )
        db.session.commit()
    yield tree
    clock.freeze(None)


def post(client, grid_id: int, kind: str, fmt: str = "xlsx", **data):
    """Ask for an export of `kind` from the page of `grid_id`."""
    form = {"kind": kind, "format": fmt, **data}
    if kind in PERIOD:
        form.setdefault("first", (today() - timedelta(days=1)).isoformat())
        form.setdefault("last", today().isoformat())
    return client.post(f"/exports/{grid_id}", data=form)


def table(data: bytes) -> list[list[str]]:
    """The rows of an XLSX or CSV file, each cell as text ("" when empty)."""
    if data.startswith(b"PK"):
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        # A streamed sheet is unsized (as Excel's own files may be): empty cells at the end of
        # a row are simply not there.
        return [row + [""] * (len(rows[0]) - len(row)) for row in rows]
    assert data.startswith(BOM), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def text_of(data: bytes) -> str:
    """Everything a file says: the XML of every part of an XLSX, or the CSV itself."""
    if data.startswith(b"PK"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        return "".join(archive.read(name).decode() for name in archive.namelist())
    return data.decode("utf-8-sig")


def exported(client, grid_id: int, kind: str, fmt: str = "xlsx", **data) -> list[list[str]]:
    response = post(client, grid_id, kind, fmt, **data)
    assert response.status_code == 200, response.get_data(as_text=True)
    return table(response.get_data())


def headers(kind: str) -> list[str]:
    from webapp.exports.kinds import KINDS as LAYOUTS

    return [column.zh for column in LAYOUTS[kind].sheet.columns]


def expected_rows(tree, kind: str) -> list[list[str]]:
    """What the administrator's masked export of the whole tree holds, kind by kind."""
    yesterday, until = today() - timedelta(days=1), (today() + timedelta(days=13)).isoformat()
    returned, tags_a = (yesterday - timedelta(days=10)).isoformat(), "外地返回、重点人员"
    a, b = "1幢1单元101室", "9幢2单元202室"
    open_a = ["MA", a, "张三", "139****5678", until]
    open_b = ["MB", b, "李四", "139****5678", (today() + timedelta(days=14)).isoformat()]
    return {
        "households": [["MA", a, "138****2222"], ["MB", b, "138****2222"]],
        "residents": [
            ["MA", a, "张三", "330702********1237", "139****5678", tags_a, "温州", returned],
            ["MB", b, "李四", "330702********2247", "139****5678", "", "", ""],
        ],
        "workers": [
            ["管理员", "139****0001", "兼职", "", "", "Z", "系统管理员"],
            ["王主任", "139****0002", "兼职", "", "", "GA", "督导员"],
            ["赵网格", "139****0003", "专职", "党员、志愿者", "楼道长", "MA", "网格员"],
            ["钱网格", "139****0004", "兼职", "", "", "MB", "网格员"],
        ],
        "visits": [
            [yesterday.isoformat(), "10:15", code, address, worker, "上门", "2", "量了体温", ""]
            for code, address, worker in (("MA", a, "赵网格"), ("MB", b, "钱网格"))
        ],
        "follow_ups": [
            [yesterday.isoformat(), "上午", code, address, name, worker, "37.5", "咳嗽、乏力"]
            for code, address, name, worker in (
                ("MA", a, "张三", "赵网格"),
                ("MB", b, "李四", "钱网格"),
            )
        ],
        "due_visits": [["MA", a, "绿", "", "138****2222"], ["MB", b, "绿", "", "138****2222"]],
        "open_follow_ups": [
            ["上午", "已逾期", *open_a],
            ["上午", "已逾期", *open_b],
            ["下午", "待随访", *open_a],
            ["下午", "待随访", *open_b],
        ],
    }[kind]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_exports_its_headers_and_rows(field, login_as, kind, fmt):
    """Every kind, as XLSX and as CSV, holds its Chinese headers and the tree's rows."""
    client = login_as(field.admin)
    rows = exported(client, field.root.id, kind, fmt)
    assert rows[0] == headers(kind)
    assert rows[1:] == expected_rows(field, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_supervisor_exports_only_their_subtree(field, login_as, kind):
    """A supervisor of grid A exports A's rows; nothing of grid B is in any file."""
    client = login_as(field.supervisor_a)
    assert client.get("/exports/").headers["Location"].endswith(f"/exports/{field.grid_a.id}")
    found = text_of(post(client, field.grid_a.id, kind).get_data())
    for word in ("MB", "9幢2单元202室", "李四", "钱网格", "330702198502022247"):
        assert word not in found
    rows = exported(client, field.grid_a.id, kind)
    assert rows[1:], "A's own rows are there"
    if kind == "workers":  # the workers a supervisor manages: not themself
        assert [row[0] for row in rows[1:]] == ["赵网格"]
    assert post(client, field.grid_b.id, kind).status_code == 404
    assert post(client, field.root.id, kind).status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", KINDS)
def test_exports_are_masked_by_default(field, login_as, app, kind, fmt):
    """No stored ID number or phone is in a file unless asked for in full, even by an admin."""
    with app.app_context():
        stored = set(db.session.scalars(select(Resident.id_number)))
        for column in (Resident.phone, Household.phone, Worker.phone):
            stored |= {p for p in db.session.scalars(select(column)) if p}
    client = login_as(field.admin)
    found = set(NUMBERS.findall(text_of(post(client, field.root.id, kind, fmt).get_data())))
    assert not found & stored


def test_full_export_holds_the_numbers_and_goes_on_the_audit_trail(field, login_as, app):
    """An admin's full export, with a reason, has every number and an audit entry saying so."""
    client = login_as(field.admin)
    rows = exported(client, field.root.id, "residents", fullness="full", reason="核对户籍信息")
    assert [row[3] for row in rows[1:]] == ["330702199001011237", "330702198502022247"]
    assert [row[4] for row in rows[1:]] == ["13912345678", "13912345678"]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
        assert entry.actor_id == field.admin.id and entry.grid_id == field.root.id
        assert entry.address == "127.0.0.1"
        details = entry.details
    assert details["kind"] == "residents" and details["format"] == "xlsx"
    assert details["full"] is True and details["reason"] == "核对户籍信息"
    assert details["rows"] == 2 and details["filters"]["node"] == "Z"


def test_masked_export_is_on_the_audit_trail_too(field, login_as, app):
    """A masked list still leaves the app: its entry says full: false, with its period."""
    client = login_as(field.supervisor_a)
    post(client, field.grid_a.id, "visits", "csv", first="2025-01-01", last="2025-01-31")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
        assert entry.action_label == "导出名单"
        details = entry.details
    assert details["full"] is False and details["kind"] == "visits"
    assert details["filters"] == {"node": "GA", "from": "2025-01-01", "to": "2025-01-31"}
    assert details["format"] == "csv" and details["rows"] == 0


def test_full_export_needs_a_reason(field, login_as, app):
    """Full numbers without a reason are refused on the form; nothing is exported or logged."""
    client = login_as(field.supervisor_a)
    response = post(client, field.grid_a.id, "residents", fullness="full", reason="  ")
    assert response.status_code == 422
    assert "请说明为何需要完整号码。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export")) is None


def test_field_worker_exports_only_today_lists_and_only_masked(field, login_as):
    """A field worker may export their today lists, masked whatever they post, and nothing
    else; the page offers them neither the registers nor full numbers."""
    client = login_as(field.worker_a)
    page = client.get(f"/exports/{field.micro_a.id}").get_data(as_text=True)
    assert 'value="due_visits"' in page and 'value="residents"' not in page
    assert 'name="fullness"' not in page
    rows = exported(client, field.micro_a.id, "open_follow_ups", fullness="full", reason="x")
    assert [row[5] for row in rows[1:]] == ["139****5678", "139****5678"]
    assert post(client, field.micro_a.id, "residents").status_code == 422
    assert post(client, field.micro_a.id, "visits").status_code == 422


def imported(app, column, text: str) -> list[str]:
    """The stored values that the imports read from a choice cell (sheets.py's helpers)."""
    with app.app_context():
        labels = choice_labels(column)
    return [labels[normalize_header(part)] for part in split_choices(text)]


def test_full_export_imports_back_in_the_layout_of_sheets(field, login_as, app):
    """A full export of each register has sheets.py's headers in order, text cells (ID numbers
    and phones never numbers), choice labels that the imports read back as the stored values,
    and dates as YYYY-MM-DD."""
    client = login_as(field.admin)
    for kind, sheet in ((k, SHEETS[k]) for k in ("households", "residents", "workers")):
        response = post(client, field.root.id, kind, fullness="full", reason="导入到新系统")
        book = load_workbook(io.BytesIO(response.get_data()))
        cells = list(book.worksheets[0].iter_rows())
        assert [cell.value for cell in cells[0]] == [column.zh for column in sheet.columns]
        for row in cells[1:]:
            for column, cell in zip(sheet.columns, row, strict=True):
                assert cell.value is None or cell.data_type == "s", (kind, column.key)
                if column.choices and cell.value:
                    assert len(imported(app, column, cell.value)) == 1 or column.multiple
                if column.key == "return_date" and cell.value:
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell.value)
    with app.app_context():
        worker = db.session.get(Worker, field.worker_a.id)
        resident = db.session.get(Resident, field.resident_a.id)
        worker_tags, resident_tags = worker.tags, resident.tags
    worker_row = full_rows(client, field.root.id, "workers")[3]
    assert worker_row[1] == "13900000003"
    assert imported(app, SHEETS["workers"].column("tags"), worker_row[3]) == worker_tags
    resident_row = full_rows(client, field.root.id, "residents")[1]
    assert resident_row[3] == "330702199001011237"
    assert imported(app, SHEETS["residents"].column("tags"), resident_row[5]) == resident_tags


def full_rows(client, grid_id: int, kind: str) -> list[list]:
    """The cells' values of a full XLSX export, as openpyxl reads them."""
    response = post(client, grid_id, kind, fullness="full", reason="导入到新系统")
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_file_name_says_what_and_when(field, login_as):
    """户-第一网格-<today>.xlsx; a period's file says its first and last days."""
    client = login_as(field.supervisor_a)
    response = post(client, field.grid_a.id, "households")
    name = f"户-第一网格-{today().isoformat()}.xlsx"
    assert quote(name) in response.headers["Content-Disposition"]
    response = post(client, field.grid_a.id, "visits", "csv", first="2026-11-01", last="2026-11-30")
    assert (
        quote("走访-第一网格-2026-11-01至2026-11-30.csv") in response.headers["Content-Disposition"]
    )
    assert response.mimetype == "text/csv"


def test_a_typed_formula_stays_text(field, login_as, app):
    """A note typed as a formula is text in the XLSX and starts with an apostrophe in the CSV,
    so opening the file runs nothing."""
    with app.app_context():
        visit = db.session.scalar(select(Visit).where(Visit.household_id == field.household_a.id))
        visit.note = '=HYPERLINK("http://example.com","点我")'
        db.session.commit()
    client = login_as(field.supervisor_a)
    book = load_workbook(io.BytesIO(post(client, field.grid_a.id, "visits").get_data()))
    cell = book.worksheets[0]["H2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.com","点我")'
    rows = exported(client, field.grid_a.id, "visits", "csv")
    assert rows[1][7] == '\'=HYPERLINK("http://example.com","点我")'


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_visit_struck_out_is_marked_in_the_visit_export(field, login_as, app, fmt):
    """A supervisor strikes one of two visits out as a duplicate: the export still lists it,
    marked 不计入统计, and the visit kept (or never flagged) has that cell empty."""
    with app.app_context():
        visit = db.session.scalar(select(Visit).where(Visit.household_id == field.household_a.id))
        visit.possible_duplicate = True
        db.session.add(
            Visit(
                household_id=field.household_a.id,
                worker_id=field.worker_a.id,
                grid_id=field.micro_a.id,
                visited_at=visit.visited_at + timedelta(minutes=5),
                method="door",
                persons_seen=1,
                client_key="visit-key-kept",
            )
        )
        db.session.commit()
        resolve_visit(visit, True, "同一次走访录了两遍", field.supervisor_a.id)
        db.session.commit()
    rows = exported(login_as(field.admin), field.root.id, "visits", fmt)
    assert rows[0][-1] == "统计"
    marks = [(row[3], row[6], row[-1]) for row in rows[1:]]
    assert marks == [
        ("1幢1单元101室", "2", "不计入统计"),
        ("9幢2单元202室", "2", ""),
        ("1幢1单元101室", "1", ""),
    ]


@pytest.mark.parametrize(
    "period, message",
    [
        ({"first": "2026-12-05", "last": "2026-12-01"}, "结束日期早于开始日期。"),
        ({"first": "2026-13-45"}, "Not a valid date value."),
        ({"first": "", "last": ""}, "请填写这段时间的第一天和最后一天。"),
        ({"first": "2020-01-01", "last": "2026-12-01"}, "一次最多导出 366 天。"),
    ],
)
def test_a_bad_period_is_a_message(field, login_as, app, period, message):
    """A period that is no period answers the form with what is wrong (422), never a 500."""
    client = login_as(field.supervisor_a)
    response = post(client, field.grid_a.id, "visits", **period)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body or "不是有效的日期值" in body
    with app.app_context():
        assert db.session.scalar(select(Job).where(Job.kind == "export")) is None


def test_large_export_runs_as_a_job_with_progress_and_download(field, login_as, app, monkeypatch):
    """Over EXPORT_AT_ONCE_ROWS the export is a job: its page shows the bar, then the link,
    and the download is the file; the job counts the rows it wrote."""
    monkeypatch.setitem(app.config, "EXPORT_AT_ONCE_ROWS", 1)
    client = login_as(field.admin)
    response = post(client, field.root.id, "residents", "csv")
    assert response.status_code == 303
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    jobs.wait_for_in_process_jobs()
    page = client.get(f"/progress/{job_id}").get_data(as_text=True)
    assert "导出" in page and f"/progress/{job_id}/download" in page
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status == "done", job.error
        assert job.progress == job.total == 2
        assert job.result_name == f"居民-开发区-{today().isoformat()}.csv"
    rows = table(client.get(f"/progress/{job_id}/download").get_data())
    assert rows[1:] == expected_rows(field, "residents")
    page = client.get(f"/exports/{field.root.id}").get_data(as_text=True)
    assert f"/progress/{job_id}/download" in page  # the recent exports list
    other = login_as(field.supervisor_a).get(f"/exports/{field.grid_a.id}").get_data(as_text=True)
    assert job_id not in other


def test_each_download_of_a_full_file_is_on_the_audit_trail(field, login_as, app, monkeypatch):
    """A full export's file can be fetched again for days: every download is an entry; a masked
    file's downloads are not."""
    monkeypatch.setitem(app.config, "EXPORT_AT_ONCE_ROWS", 1)
    client = login_as(field.admin)
    full = post(client, field.root.id, "residents", fullness="full", reason="核对名册")
    masked = post(client, field.root.id, "residents")
    jobs.wait_for_in_process_jobs()
    for response in (full, full, masked):
        download = client.get(response.headers["Location"] + "/download")
        assert download.status_code == 200
    with app.app_context():
        downloads = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "full_file_downloaded")
        ).all()
        job_id = full.headers["Location"].rsplit("/", 1)[1]
        assert [(e.actor_id, e.details["job"]) for e in downloads] == [(field.admin.id, job_id)] * 2


def test_the_job_reports_progress_as_rows_are_written(field, app, monkeypatch):
    """The writer reports every PROGRESS_EVERY rows, counting what it wrote."""
    from webapp.exports import files
    from webapp.exports.kinds import Export

    monkeypatch.setattr(files, "PROGRESS_EVERY", 1)
    reports: list[int] = []
    export = Export(kind="households", format="xlsx", grid_id=field.root.id, path="")
    with app.app_context():
        assert files.write(export, io.BytesIO(), reports.append) == 2
    assert reports == [1, 2]


def test_a_job_of_an_area_that_is_gone_fails_with_a_message(field, app):
    """A job whose node no longer exists fails and says so (retry is offered)."""
    from webapp.exports.kinds import Export

    export = Export(kind="households", format="csv", grid_id=999_999, path="x")
    with app.app_context():
        job = jobs.create("export", vars(export), field.admin.id, 0)
        jobs.execute(job.id)
        db.session.refresh(job)
        assert job.status == "failed" and job.error == "该区域已不存在。"


def test_the_export_page_is_reachable_from_the_nav_and_the_grid_pages(field, login_as):
    """Managers find it in the nav and on every grid page; a field worker on their grid
    pages, for the today lists."""
    client = login_as(field.supervisor_a)
    assert 'href="/exports/"' in client.get("/today/").get_data(as_text=True)
    page = client.get(f"/grids/{field.grid_a.id}").get_data(as_text=True)
    assert f'href="/exports/{field.grid_a.id}"' in page
    page = client.get(f"/exports/{field.grid_a.id}").get_data(as_text=True)
    assert "<html" in page and "导入" in page  # says which exports import back
    client = login_as(field.worker_a)
    page = client.get(f"/grids/{field.micro_a.id}").get_data(as_text=True)
    assert 'href="/exports/"' not in page and f'href="/exports/{field.micro_a.id}"' in page


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["households", "residents", "workers"])
def test_a_full_export_uploaded_to_the_import_changes_nothing(field, login_as, app, kind, fmt):
    """The round trip: a register exported in full and uploaded as it is checks clean, every
    row matched to the record it came from and unchanged."""
    client = login_as(field.admin)
    response = post(client, field.root.id, kind, fmt, fullness="full", reason="核对名册")
    exported_rows = len(table(response.get_data())) - 1
    assert exported_rows > 0
    upload = client.post(
        "/imports/new",
        data={"kind": kind, "file": (io.BytesIO(response.get_data()), f"回传.{fmt}")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, upload.get_data(as_text=True)
    jobs.wait_for_in_process_jobs()
    with app.app_context():
        imp = db.session.scalar(select(Import).order_by(Import.id.desc()))
        assert imp.errors == [] and imp.status == "checked", imp.message
        assert (imp.created, imp.updated, imp.unchanged) == (0, 0, exported_rows)


def test_a_masked_export_uploaded_to_the_import_is_refused_row_by_row(field, login_as, app):
    """A masked register is no register: each row's ID number and phone are in error."""
    client = login_as(field.admin)
    response = post(client, field.root.id, "residents")
    client.post(
        "/imports/new",
        data={"kind": "residents", "file": (io.BytesIO(response.get_data()), "脱敏.xlsx")},
        content_type="multipart/form-data",
    )
    jobs.wait_for_in_process_jobs()
    with app.app_context():
        imp = db.session.scalar(select(Import).order_by(Import.id.desc()))
        assert imp.error_count == len(table(response.get_data())) - 1
        assert {error["column"] for error in imp.errors} == {"身份证号", "手机号"}
