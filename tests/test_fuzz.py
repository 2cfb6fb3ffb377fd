"""Every write route, every field of its form, sent odd values (control characters, huge
numbers, dates at the ends of the calendar, long text, any unicode): never a 500, and a
refusal (4xx) saves nothing.

The routes come from app.url_map, so a write route added later fails
test_every_write_route_is_fuzzed until it is given its form here. Each example starts from
values the form accepts and makes one or two fields odd (or leaves them out), so that the odd
value gets past the others and as far as it can go: the rules and the database.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import func, select
from wtforms import FileField, HiddenField, SelectMultipleField, StringField

from webapp import create_app, jobs
from webapp.account.forms import PasswordForm
from webapp.auth.forms import LoginForm
from webapp.cards.forms import BatchForm, IssueForm, PhotoForm, RevokeForm
from webapp.cases import forms as case_forms
from webapp.checkpoints.forms import CheckForm as CheckpointCheckForm
from webapp.checkpoints.forms import (
    CheckpointForm,
    HandoverForm,
    PostForm,
    ReceiveForm,
    TakeOffForm,
)
from webapp.duplicates.forms import MergeForm, PairForm, ResolveForm
from webapp.enterprises import forms as enterprise_forms
from webapp.exports.forms import ExportForm
from webapp.extensions import db
from webapp.filings import forms as filing_forms
from webapp.forms import Form
from webapp.grids.forms import GridForm
from webapp.households.forms import HouseholdForm
from webapp.households.forms import MoveForm as HouseholdMoveForm
from webapp.idempotency import KEY_SHAPE
from webapp.identity import id_check_char, uscc_check_char
from webapp.imports.forms import ConfirmForm, UploadForm
from webapp.models import Household
from webapp.notices.forms import NoticeForm
from webapp.observations.forms import ExtendForm, FollowUpForm, ObservationForm, ReleaseForm
from webapp.passes.forms import RevokeForm as PassRevokeForm
from webapp.passes.forms import ThroughForm
from webapp.problems import forms as problem_forms
from webapp.requests import forms as request_forms
from webapp.residents.forms import CheckForm, ResidentForm
from webapp.residents.forms import MoveForm as ResidentMoveForm
from webapp.selfreports.forms import SelfReportForm
from webapp.statuses.forms import StatusForm
from webapp.sweeps.forms import FindingsForm, ScreenForm, SweepForm
from webapp.visits.forms import UndoForm, VisitForm
from webapp.workers.forms import WorkerForm

from .conftest import PASSWORD, Tree

FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same examples on every run: a CI failure repeats on a laptop
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def admin(tree, login_as):
    """The admin's client, signed in once for all the examples of a route."""
    return login_as(tree.admin)


# Write routes that take no input but their URL (one-button posts) or that end the session.
NO_FIELDS = {
    "auth.logout",
    "grids.deactivate",
    "grids.activate",
    "households.deactivate",
    "households.activate",
    "residents.deactivate",
    "residents.reveal",
    "workers.deactivate",
    "workers.activate",
    "errands.done",
    "errands.undo",
    "progress.retry",
    "workers.reveal",
    "account.sign_out_everywhere",
    "notices.withdraw",
    "posters.batch",
    "requests.accept",
    "requests.reveal",
    "requests.raise_colour",
    "requests.phone_consent",
    "problems.accept",
    "selfreports.issue",
    "selfreports.revoke",
    "enterprises.reveal",
    "enterprises.deactivate",
    "enterprises.activate",
    "departments.deactivate",
    "departments.activate",
    "filings.reveal",
    "filings.review_reveal",
    "checkpoints.reveal",
}

CONTROLS = "\x00\x01\x08\x1b\r\n\t\x0b\x7f\x85\x9b\u2028\u2029\u202a\u202e\u2066\u2069\ufeff"
NASTY = [
    "",
    " ",
    "9" * 40,
    str(2**31),
    str(2**63),
    "-1",
    "1e400",
    "nan",
    "-inf",
    "١٢٣",
    "１３８００１３８００１",
    "138 0013 8001",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "2026-03-02T25:00",
    "长" * 5000,
    "x" * 100_000,
    "'; DROP TABLE households; --",
    "%(name)s {{ 7*7 }}",
]
any_text = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from(CONTROLS) | st.characters(codec="utf-8"), max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(date.isoformat),
    st.datetimes().map(lambda moment: moment.isoformat()),
)


def odd_text(valid: object) -> st.SearchStrategy[str]:
    """Something odd in place of `valid`: the valid value with control characters slipped in
    or made far too long (so that it passes the other checks and reaches the database), a
    value known to have broken something, or anything at all."""
    base = valid if isinstance(valid, str) else ""
    # What broke things before: a NUL (PostgreSQL), CR/LF (headers), ESC, bidi overrides.
    spikes = st.sampled_from(["\x00", "\r\n", "\x1b[2J", "\u202e", "\x00\n\u2066"]) | st.text(
        st.sampled_from(CONTROLS), min_size=1, max_size=3
    )
    spiked = st.tuples(spikes, st.integers(0, len(base)))
    return st.one_of(
        spiked.map(lambda spike: base[: spike[1]] + spike[0] + base[spike[1] :]),
        st.sampled_from(NASTY),
        st.just(base * 300),
        any_text,
    )


keys = st.from_regex(KEY_SHAPE, fullmatch=True)
phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
codes = st.from_regex(r"[A-Z][A-Z0-9]{1,5}", fullmatch=True)


@st.composite
def id_numbers(draw) -> str:
    """A valid 18-character ID number (real birth date, right check character)."""
    born = draw(st.dates(date(1930, 1, 1), date(2020, 12, 31)))
    first17 = f"330702{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_char(first17)


@st.composite
def credit_codes(draw) -> str:
    """A valid unified social credit code (right check character)."""
    first17 = f"91330701{draw(st.integers(0, 10**9 - 1)):09d}"
    return first17 + uscc_check_char(first17)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 40), (90, 120, 150)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()
SOON = (date.today() + timedelta(days=30)).isoformat()


def _version(household_id: int) -> str:
    return str(db.session.get(Household, household_id).version)


def _checkpoint(t: Tree) -> int:
    """A checkpoint of the tree (made once, on the first example), with an open handover to
    micro-grid B; its id and the handover's are kept on `t` for the URLs."""
    from webapp.models import Checkpoint, CheckpointCheck, Handover

    found = db.session.scalar(select(Checkpoint.id).where(Checkpoint.name == "模糊卡口"))
    if found is None:
        checkpoint = Checkpoint(name="模糊卡口", place="路口", grid_id=t.township.id)
        check = CheckpointCheck(
            checkpoint=checkpoint,
            worker_id=t.admin.id,
            shift="day",
            kind="person",
            outcome="handed_over",
            client_key="fuzz-handover-check",
        )
        handover = Handover(
            check=check,
            checkpoint=checkpoint,
            grid_id=t.micro_b.id,
            name="孙到达",
            id_number="330702199203031236",
            origin="温州",
            address="9幢2单元303室",
            created_by_id=t.admin.id,
        )
        db.session.add_all([checkpoint, check, handover])
        db.session.commit()
        found = checkpoint.id
    object.__setattr__(t, "checkpoint_id", found)
    object.__setattr__(
        t,
        "handover_id",
        db.session.scalar(select(Handover.id).where(Handover.checkpoint_id == found)),
    )
    return found


def _enterprise(t: Tree) -> int:
    """An enterprise of micro-grid B in a department of its own, worker B its liaison officer
    (made once, on the first example); its id and the department's are kept on `t`."""
    from webapp.models import Enterprise, IndustryDepartment

    # Found by its key: an example may have changed its name, code or department.
    found = db.session.scalar(select(Enterprise).where(Enterprise.client_key == "fuzz-enterprise"))
    if found is None:
        department = IndustryDepartment(name="模糊局")
        found = Enterprise(
            name="模糊企业",
            uscc="91330701147520101T",
            address="江南路1号",
            grid_id=t.micro_b.id,
            department=department,
            contact_name="陈经理",
            contact_phone="13588887777",
            liaison_id=t.worker_b.id,
            client_key="fuzz-enterprise",
        )
        db.session.add_all([department, found])
        db.session.commit()
    object.__setattr__(t, "enterprise_id", found.id)
    object.__setattr__(t, "department_id", found.department_id)
    return found.id


def _enterprise_values(t: Tree) -> dict:
    _enterprise(t)
    department = t.department_id
    return {
        "key": keys,
        "name": "金华精工机械有限公司",
        "uscc": credit_codes(),
        "address": "江南路88号",
        "area": "MB",
        "department": str(department),
        "contact_name": "陈经理",
        "phone": phones,
        "employees": "120",
        "liaison_officer": t.worker_b.phone,
    }


_ACCOUNT = {"name": "陈经理", "phone": phones, "password": "enterprise-pass-1"}


def _problem(t: Tree) -> int:
    """An enterprise of micro-grid B and a problem it logged (made once, on the first
    example); their ids are kept on `t` for the URLs."""
    from webapp.clock import now
    from webapp.models import Enterprise, EnterpriseProblem, IndustryDepartment, Worker
    from webapp.problems.rules import log

    found = db.session.scalar(select(Enterprise.id).where(Enterprise.name == "模糊企业"))
    if found is None:
        department = IndustryDepartment(name="模糊主管部门")
        enterprise = Enterprise(
            name="模糊企业",
            uscc="91330702MA2D9XYZ4K",
            address="江南路 4 号",
            grid_id=t.micro_b.id,
            department=department,
            contact_name="周经理",
            contact_phone="13811110004",
            liaison_id=t.worker_b.id,
        )
        db.session.add_all([department, enterprise])
        db.session.flush()
        log(enterprise, "housing", "宿舍不够", "normal", db.session.get(Worker, t.admin.id), now())
        db.session.commit()
        found = enterprise.id
    object.__setattr__(t, "enterprise_id", found)
    object.__setattr__(
        t,
        "problem_id",
        db.session.scalar(
            select(EnterpriseProblem.case_id).where(EnterpriseProblem.enterprise_id == found)
        ),
    )
    return found


def _green_pass(t: Tree) -> int:
    """A valid green pass of an employee going to micro-grid B (made once), and a checkpoint
    the admin is put on for every shift; their ids are kept on `t` for the URLs and the form."""
    from webapp.models import (
        Checkpoint,
        CheckpointPost,
        Enterprise,
        FiledEmployee,
        GreenPass,
        IndustryDepartment,
        ReturnFiling,
    )

    found = db.session.scalar(select(GreenPass.id).where(GreenPass.code == "FZ0FZ0FZ0FZ0"))
    if found is None:
        enterprise = Enterprise(
            name="模糊通行企业",
            uscc="91330701MA2F00000F",
            address="路1号",
            grid_id=t.micro_b.id,
            department=IndustryDepartment(name="模糊部门"),
            contact_name="联系人",
            contact_phone="13600000003",
        )
        employee = FiledEmployee(
            filing=ReturnFiling(
                enterprise=enterprise, created_by_id=t.admin.id, department_decision="approved"
            ),
            name="孙员工",
            id_number="330702199203031236",
            phone="13700003333",
            origin="温州",
            arrival_date=date.today(),
            means="car",
            stay_address="9幢2单元404室",
            grid_id=t.micro_b.id,
            community_decision="approved",
        )
        green_pass = GreenPass(
            employee=employee,
            code="FZ0FZ0FZ0FZ0",
            valid_from=date.today() - timedelta(days=1),
            valid_until=date.today() + timedelta(days=14),
        )
        checkpoint = Checkpoint(name="模糊绿色通道", place="路口", grid_id=t.township.id)
        posts = [
            CheckpointPost(checkpoint=checkpoint, worker_id=t.admin.id, shift=shift)
            for shift in ("night", "day", "evening")
        ]
        db.session.add_all([enterprise, employee, green_pass, checkpoint, *posts])
        db.session.commit()
        found = green_pass.id
    object.__setattr__(t, "pass_id", found)
    object.__setattr__(
        t,
        "pass_checkpoint_id",
        db.session.scalar(select(Checkpoint.id).where(Checkpoint.name == "模糊绿色通道")),
    )
    return found


def _on_problem(path: str = "") -> Callable[[Tree], str]:
    return lambda t: f"/problems/{t.problem_id}{path}"


@dataclass(frozen=True)
class Write:
    """A write route's form, its URL on an object of the test tree, and values its form
    accepts: `valid` is called before each example (it may read the current state, such as a
    household's version), and any of its values may be a strategy."""

    form: type
    url: Callable[[Tree], str]
    valid: Callable[[Tree], dict]
    signed_in: bool = True


def _flagged_visit(t: Tree) -> dict:
    """Values for deciding on a flagged visit, made anew in B for each example (the one before
    may have been decided on); its id is kept on the tree for the URL."""
    from webapp.models import Visit

    visit = Visit(
        household_id=t.household_b.id,
        worker_id=t.worker_b.id,
        grid_id=t.micro_b.id,
        method="door",
        possible_duplicate=True,
        client_key=f"fuzz-{db.session.scalar(select(func.count()).select_from(Visit))}",
    )
    db.session.add(visit)
    db.session.commit()
    t.fuzz_visit_id = visit.id
    return {"outcome": "struck", "reason": "同一次走访点了两次", "back": "/today/"}


def _filing(t: Tree) -> int:
    """An enterprise of micro-grid B with a filing of one employee coming to B (made once, on
    the first example); the ids are kept on `t` for the URLs."""
    from webapp.models import Enterprise, FiledEmployee, IndustryDepartment, ReturnFiling

    found = db.session.scalar(select(Enterprise.id).where(Enterprise.name == "模糊企业"))
    if found is None:
        enterprise = Enterprise(
            name="模糊企业",
            uscc="91330702MA2FFFFFF1",
            address="江南路1号",
            grid_id=t.micro_b.id,
            department=IndustryDepartment(name="模糊部门"),
            contact_name="联系人",
            contact_phone="13600000001",
        )
        filing = ReturnFiling(enterprise=enterprise, created_by_id=t.admin.id)
        db.session.add(
            FiledEmployee(
                filing=filing,
                name="孙返岗",
                id_number="330702199203031236",
                phone="13800138000",
                origin="武汉",
                arrival_date=date.today() + timedelta(days=3),
                means="car",
                stay_address="9幢2单元303室",
                grid_id=t.micro_b.id,
            )
        )
        db.session.add(enterprise)
        db.session.commit()
        found = enterprise.id
    filing_id, employee_id = db.session.execute(
        select(ReturnFiling.id, FiledEmployee.id)
        .join(FiledEmployee, FiledEmployee.filing_id == ReturnFiling.id)
        .where(ReturnFiling.enterprise_id == found)
        .order_by(ReturnFiling.id)
        .limit(1)
    ).one()
    object.__setattr__(t, "enterprise_id", found)
    object.__setattr__(t, "filing_id", filing_id)
    object.__setattr__(t, "employee_id", employee_id)
    return found


# The filing form as it is sent: one row of fields named rows-0-..., and the button pressed.
ROW = ("name", "id_number", "phone", "origin", "arrival_date", "means", "stay_address")
FilingFuzzForm = type(
    "FilingFuzzForm",
    (Form,),
    {
        "key": HiddenField(),
        "action": HiddenField(),
        **{f: StringField(name=f"rows-0-{f}") for f in (*ROW, "destination")},
    },
)


def _xlsx_of_one() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(
        [
            "姓名",
            "身份证号",
            "手机号",
            "出发地",
            "计划到达日期",
            "交通方式",
            "在区居住地址",
            "目的地微网格",
        ]
    )
    workbook.active.append(
        ["王强", "330702199001011237", "13800138000", "武汉", SOON, "火车", "9幢2单元303室", "MB"]
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_DECISION = {"decision": st.sampled_from(["approve", "refuse"]), "reason": "住址不实"}
FILING_WRITES = {
    "filings.new": Write(
        FilingFuzzForm,
        lambda t: f"/filings/new/{t.enterprise_id}",
        lambda t: {
            "key": keys,
            "action": st.sampled_from(["file", "add", "remove-0"]),
            "rows-0-name": "王强",
            "rows-0-id_number": id_numbers(),
            "rows-0-phone": phones,
            "rows-0-origin": "武汉",
            "rows-0-arrival_date": (date.today() + timedelta(days=3)).isoformat(),
            "rows-0-means": "train",
            "rows-0-stay_address": "9幢2单元303室",
            "rows-0-destination": "MB",
            "_": _filing(t),
        },
    ),
    "filings.upload": Write(
        filing_forms.ImportForm,
        lambda t: f"/filings/new/{t.enterprise_id}/import",
        lambda t: {"key": keys, "file": _xlsx_of_one(), "_": _filing(t)},
    ),
    "filings.revoke": Write(
        filing_forms.RevokeForm,
        lambda t: f"/filings/{t.filing_id}/revoke",
        lambda t: {"reason": "企业停产", "_": _filing(t)},
    ),
    "filings.review_revoke": Write(
        filing_forms.RevokeForm,
        lambda t: f"/filings/review/{t.filing_id}/revoke",
        lambda t: {"reason": "企业停产", "_": _filing(t)},
    ),
    "filings.decide": Write(
        filing_forms.DecisionForm,
        lambda t: f"/filings/review/{t.filing_id}/decide",
        lambda t: {**_DECISION, "_": _filing(t)},
    ),
    "filings.arrival": Write(
        filing_forms.DecisionForm,
        lambda t: f"/filings/employees/{t.employee_id}/decide",
        lambda t: {**_DECISION, "_": _filing(t)},
    ),
    "filings.arrivals": Write(
        filing_forms.DecisionForm,
        lambda t: f"/filings/{t.filing_id}/arrivals",
        lambda t: {**_DECISION, "_": _filing(t)},
    ),
}


def _request(path: str = "") -> Callable[[Tree], str]:
    return lambda t: f"/requests/{t.request_b.id}{path}"


_NEED = {"key": keys, "category": "need", "text": "楼道灯坏了", "address": "9幢", "phone": phones}

REQUEST_WRITES = {
    "requests.form": Write(
        request_forms.PublicRequestForm,
        lambda t: "/r/MB",
        lambda t: {**_NEED, "name": "王阿姨", "website": ""},
        signed_in=False,
    ),
    "requests.message": Write(
        request_forms.MessageForm,
        lambda t: f"/r/track/{t.request_b.code}/message",
        lambda t: {"text": "灯还是不亮"},
        signed_in=False,
    ),
    "requests.rate": Write(
        request_forms.RateForm,
        lambda t: f"/r/track/{t.request_b.code}/rate",
        lambda t: {"rating": st.sampled_from(["satisfied", "mostly", "unsatisfied"])},
        signed_in=False,
    ),
    "requests.progress": Write(
        request_forms.NoteForm, _request("/progress"), lambda t: {"text": "已上门"}
    ),
    "requests.resolve": Write(
        request_forms.NoteForm, _request("/resolve"), lambda t: {"text": "已办结"}
    ),
    "requests.return_up": Write(
        request_forms.NoteForm, _request("/return"), lambda t: {"text": "非本级"}
    ),
    "requests.urge": Write(
        request_forms.OptionalNoteForm, _request("/urge"), lambda t: {"text": "尽快"}
    ),
    "requests.dispatch": Write(
        request_forms.DispatchForm,
        _request("/dispatch"),
        lambda t: {"target": f"g{t.micro_b.id}", "text": "请上门"},
    ),
    "requests.merge": Write(
        request_forms.MergeForm, _request("/merge"), lambda t: {"into": t.request_b.code}
    ),
    "requests.mediation": Write(
        request_forms.MediationForm,
        _request("/mediation"),
        lambda t: {
            "parties": "甲乙",
            "others": "李红, 社区妇联主席",
            "held_on": date.today().isoformat(),
            "place": "调解室",
            "outcome": st.sampled_from(["settled", "partial", "failed"]),
            "agreement": "各让一步",
            "refer_up": st.sampled_from(["", "y"]),
        },
    ),
    "requests.link": Write(
        request_forms.LinkForm, _request("/link"), lambda t: {"household_id": t.household_b.id}
    ),
    "requests.new_for_grid": Write(
        request_forms.RequestForm, lambda t: f"/requests/grids/{t.micro_b.id}/new", lambda t: _NEED
    ),
    "requests.new_for_household": Write(
        request_forms.RequestForm,
        lambda t: f"/requests/households/{t.household_b.id}/new",
        lambda t: _NEED,
    ),
}

ENTERPRISE_WRITES = {
    "departments.index": Write(
        enterprise_forms.DepartmentForm, lambda t: "/departments/", lambda t: {"name": "工信局"}
    ),
    "departments.rename": Write(
        enterprise_forms.DepartmentForm,
        lambda t: f"/departments/{t.department_id}/rename",
        lambda t: {"name": "经信局", "_": _enterprise(t)},
    ),
    "departments.reviewer": Write(
        enterprise_forms.AccountForm,
        lambda t: f"/departments/{t.department_id}/reviewers",
        lambda t: {**_ACCOUNT, "_": _enterprise(t)},
    ),
    "enterprises.new": Write(
        enterprise_forms.EnterpriseForm, lambda t: "/enterprises/new", _enterprise_values
    ),
    "enterprises.edit": Write(
        enterprise_forms.EnterpriseForm,
        lambda t: f"/enterprises/{t.enterprise_id}/edit",
        _enterprise_values,
    ),
    "enterprises.visit": Write(
        enterprise_forms.LiaisonVisitForm,
        lambda t: f"/enterprises/{t.enterprise_id}/visit",
        lambda t: {
            "key": keys,
            "method": st.sampled_from(["in_person", "phone"]),
            "note": "复工准备",
            "_": _enterprise(t),
        },
    ),
    "enterprises.undo_visit": Write(
        enterprise_forms.UndoForm,
        lambda t: f"/enterprises/{t.enterprise_id}/visit/undo",
        lambda t: {"visit": "1", "_": _enterprise(t)},
    ),
    "enterprises.account": Write(
        enterprise_forms.AccountForm,
        lambda t: f"/enterprises/{t.enterprise_id}/account",
        lambda t: {**_ACCOUNT, "_": _enterprise(t)},
    ),
}

PROBLEM_WRITES = {
    "problems.new": Write(
        problem_forms.ProblemForm,
        lambda t: f"/problems/enterprises/{t.enterprise_id}/new",
        lambda t: (
            {
                "key": keys,
                "category": st.sampled_from(["staffing", "logistics"]),
                "urgency": st.sampled_from(["normal", "urgent"]),
                "text": "缺少熟练工",
            }
            | {"_": _problem(t)}
        ),
    ),
    "problems.progress": Write(
        case_forms.NoteForm,
        _on_problem("/progress"),
        lambda t: {"text": "已上门"} | {"_": _problem(t)},
    ),
    "problems.resolve": Write(
        case_forms.NoteForm,
        _on_problem("/resolve"),
        lambda t: {"text": "已办结"} | {"_": _problem(t)},
    ),
    "problems.return_up": Write(
        case_forms.NoteForm,
        _on_problem("/return"),
        lambda t: {"text": "非本级"} | {"_": _problem(t)},
    ),
    "problems.urge": Write(
        case_forms.OptionalNoteForm,
        _on_problem("/urge"),
        lambda t: {"text": "尽快"} | {"_": _problem(t)},
    ),
    "problems.comment": Write(
        problem_forms.CommentForm,
        _on_problem("/comment"),
        lambda t: {"text": "已协调"} | {"_": _problem(t)},
    ),
    "problems.dispatch": Write(
        case_forms.DispatchForm,
        _on_problem("/dispatch"),
        lambda t: {"target": f"g{t.micro_b.id}", "text": "请上门"} | {"_": _problem(t)},
    ),
    "problems.merge": Write(
        problem_forms.MergeForm,
        _on_problem("/merge"),
        lambda t: {"into": "ABCDABCDABCD"} | {"_": _problem(t)},
    ),
    # Only the enterprise's own account rates: the admin who sends these gets 403 every time,
    # which must still never be a 500.
    "problems.rate": Write(
        case_forms.RateForm,
        _on_problem("/rate"),
        lambda t: {"rating": st.sampled_from(["satisfied", "unsatisfied"])} | {"_": _problem(t)},
    ),
}

WRITES = {
    **REQUEST_WRITES,
    **ENTERPRISE_WRITES,
    **FILING_WRITES,
    **PROBLEM_WRITES,
    "notices.new": Write(
        NoticeForm,
        lambda t: f"/notices/grids/{t.community.id}/new",
        lambda t: {"key": keys, "title": "停水通知", "text": "明天上午停水。", "last_day": SOON},
    ),
    "selfreports.page": Write(
        SelfReportForm,
        lambda t: f"/s/{t.link_b.code}",
        lambda t: {"key": keys, "temperature": "36.6", "symptoms": []},
        signed_in=False,
    ),
    "checkpoints.index": Write(
        CheckpointForm,
        lambda t: "/checkpoints/",
        lambda t: {"key": keys, "name": "东入口卡口", "place": "江南路口", "grid_code": "T1"},
    ),
    "checkpoints.staff": Write(
        PostForm,
        lambda t: f"/checkpoints/{t.checkpoint_id}/staff",
        lambda t: {"worker_phone": t.worker_a.phone, "shift": "day"} | {"_": _checkpoint(t)},
    ),
    "checkpoints.take_off": Write(
        TakeOffForm,
        lambda t: f"/checkpoints/{t.checkpoint_id}/staff/off",
        lambda t: {"post": "1"} | {"_": _checkpoint(t)},
    ),
    "checkpoints.check": Write(
        CheckpointCheckForm,
        lambda t: f"/checkpoints/{t.checkpoint_id}/check",
        lambda t: {
            "key": keys,
            "tap": st.sampled_from(["person.let_through", "vehicle.turned_back"]),
            "temperature": "36.6",
            "_": _checkpoint(t),
        },
    ),
    "checkpoints.handover": Write(
        HandoverForm,
        lambda t: f"/checkpoints/{t.checkpoint_id}/handover",
        lambda t: {
            "key": keys,
            "name": "孙返乡",
            "id_number": "330702199203031236",
            "phone": phones,
            "origin": "温州",
            "address": "9幢2单元303室",
            "destination": "MB",
            "_": _checkpoint(t),
        },
    ),
    "checkpoints.receive": Write(
        ReceiveForm,
        lambda t: f"/checkpoints/handovers/{t.handover_id}",
        lambda t: {"household": str(t.household_b.id), "_": _checkpoint(t)},
    ),
    "passes.through": Write(
        ThroughForm,
        lambda t: f"/passes/{t.pass_id}/through",
        # _green_pass first: it sets the checkpoint's id the form then reads.
        lambda t: {"_": _green_pass(t), "key": keys, "checkpoint": str(t.pass_checkpoint_id)},
    ),
    "passes.revoke": Write(
        PassRevokeForm,
        lambda t: f"/passes/{t.pass_id}/revoke",
        lambda t: {"reason": "员工未返岗", "_": _green_pass(t)},
    ),
    "sweeps.new": Write(
        SweepForm,
        lambda t: f"/sweeps/new/{t.community.id}",
        lambda t: {
            "key": keys,
            "name": "春节返金人员排查",
            "starts_on": date.today().isoformat(),
            "ends_on": SOON,
            "checks": ["returnee", "fever"],
        },
    ),
    "sweeps.screen": Write(
        ScreenForm,
        lambda t: f"/sweeps/{t.sweep_b.id}/screen/{t.household_b.id}",
        lambda t: {"key": keys, "outcome": st.sampled_from(["clear", "absent"]), "page": "row"},
    ),
    "sweeps.found": Write(
        FindingsForm,
        lambda t: f"/sweeps/{t.sweep_b.id}/found/{t.household_b.id}",
        lambda t: {"key": keys, "page": "row", "fever": "y", "temperature": "38.1", "note": ""},
    ),
    "duplicates.merge_residents": Write(
        MergeForm,
        lambda t: f"/duplicates/residents/{t.resident_b.id}/merge",
        lambda t: {"other": str(t.resident_a.id), "keep": str(t.resident_a.id), "page": "1"},
    ),
    "duplicates.dismiss_residents": Write(
        PairForm,
        lambda t: f"/duplicates/residents/{t.resident_b.id}/not-duplicates",
        lambda t: {"other": str(t.resident_a.id), "page": "1"},
    ),
    "duplicates.merge_households": Write(
        MergeForm,
        lambda t: f"/duplicates/households/{t.household_b.id}/merge",
        lambda t: {"other": str(t.household_a.id), "keep": str(t.household_a.id), "page": "1"},
    ),
    "duplicates.dismiss_households": Write(
        PairForm,
        lambda t: f"/duplicates/households/{t.household_b.id}/not-duplicates",
        lambda t: {"other": str(t.household_a.id), "page": "1"},
    ),
    "duplicates.resolve_visit": Write(
        ResolveForm,
        lambda t: f"/duplicates/visits/{t.fuzz_visit_id}/resolve",
        _flagged_visit,
    ),
    "account.password": Write(
        PasswordForm,
        lambda t: "/account/password",
        lambda t: {"current": PASSWORD, "password": "a-new-pass-77", "again": "a-new-pass-77"},
    ),
    "residents.resolve": Write(
        CheckForm,
        lambda t: f"/residents/checks/{t.check_b.id}/resolve",
        lambda t: {"resolution": "号码录错"},
    ),
    "imports.new": Write(
        UploadForm,
        lambda t: "/imports/new",
        lambda t: {
            "kind": "households",
            "file": "微网格编码,地址,手机号\nMB,9幢2单元305室,13800138000\n".encode("gb18030"),
        },
    ),
    "imports.confirm": Write(
        ConfirmForm,
        lambda t: f"/imports/{t.import_b.id}/confirm",
        lambda t: {"first_password": "first-pass-77"},
    ),
    "exports.new": Write(
        ExportForm,
        lambda t: f"/exports/{t.micro_b.id}",
        lambda t: {"kind": "households", "format": "csv", "fullness": "masked"},
    ),
    "households.move": Write(
        HouseholdMoveForm,
        lambda t: f"/households/move/{t.micro_b.id}",
        lambda t: {"households": [str(t.household_b.id)], "grid_code": "MA"},
    ),
    "residents.move": Write(
        ResidentMoveForm,
        lambda t: f"/residents/{t.resident_b.id}/move",
        lambda t: {"household_id": str(t.household_a.id)},
    ),
    "auth.login": Write(
        LoginForm,
        lambda t: "/login?next=/today/",
        lambda t: {"phone": t.worker_a.phone, "password": PASSWORD, "remember": "y"},
        signed_in=False,
    ),
    "cards.batch": Write(
        BatchForm,
        lambda t: f"/cards/batch/{t.micro_b.id}",
        lambda t: {
            "positions": [],
            "missing_only": "y",
            "issue": "y",
            "valid_until": SOON,
            "workers": [str(t.worker_b.id)],
        },
    ),
    "cards.issue_card": Write(
        IssueForm,
        lambda t: f"/cards/workers/{t.worker_b.id}/issue",
        lambda t: {"valid_until": SOON},
    ),
    "cards.photo": Write(
        PhotoForm,
        lambda t: f"/cards/workers/{t.worker_b.id}/photo",
        lambda t: {"photo": JPEG},
    ),
    "cards.revoke_card": Write(
        RevokeForm, lambda t: f"/cards/{t.card_b.id}/revoke", lambda t: {"reason": "遗失"}
    ),
    "grids.edit": Write(
        GridForm,
        lambda t: f"/grids/{t.micro_b.id}/edit",
        lambda t: {"name": "9幢2单元", "code": "MB", "kind": "stairwell", "parent_code": "GB"},
    ),
    "grids.new": Write(
        GridForm,
        lambda t: f"/grids/{t.grid_b.id}/new",
        lambda t: {"name": "10幢1单元", "code": codes, "kind": "stairwell"},
    ),
    "households.edit": Write(
        HouseholdForm,
        lambda t: f"/households/{t.household_b.id}/edit",
        lambda t: {
            "address": "9幢2单元203室",
            "phone": phones,
            "grid_code": "MB",
            "version": _version(t.household_b.id),
        },
    ),
    "households.new": Write(
        HouseholdForm,
        lambda t: f"/households/new/{t.micro_b.id}",
        lambda t: {"address": "9幢2单元301室", "phone": phones},
    ),
    "observations.extend": Write(
        ExtendForm,
        lambda t: f"/observations/{t.observation_b.id}/extend",
        lambda t: {
            "planned_end": (date.today() + timedelta(days=30)).isoformat(),
            "reason": "复查",
        },
    ),
    "observations.follow_up": Write(
        FollowUpForm,
        lambda t: f"/observations/{t.observation_b.id}/follow-ups",
        lambda t: {
            "key": keys,
            "slot_date": date.today().isoformat(),
            "slot": st.sampled_from(["am", "pm"]),
            "temperature": "36.6",
            "symptoms": [],
            "supplies": "",
        },
    ),
    "observations.new": Write(
        ObservationForm,
        lambda t: f"/observations/new/{t.resident_a.id}",
        lambda t: {
            "key": keys,
            "start_date": date.today().isoformat(),
            "planned_end": (date.today() + timedelta(days=14)).isoformat(),
            "reason": "外地返回",
        },
    ),
    "observations.release": Write(
        ReleaseForm,
        lambda t: f"/observations/{t.observation_b.id}/release",
        lambda t: {"reason": "核酸阴性"},
    ),
    "residents.edit": Write(
        ResidentForm,
        lambda t: f"/residents/{t.resident_b.id}/edit",
        lambda t: {
            "name": "李四",
            "id_number": "330702198502022247",
            "phone": phones,
            "tags": ["returnee"],
            "origin": "温州",
            "return_date": date.today().isoformat(),
        },
    ),
    "residents.new": Write(
        ResidentForm,
        lambda t: f"/residents/new/{t.household_a.id}",
        lambda t: {"name": "王喆", "id_number": id_numbers(), "phone": phones, "tags": []},
    ),
    "statuses.household": Write(
        StatusForm,
        lambda t: f"/statuses/household/{t.household_a.id}",
        lambda t: {
            "key": keys,
            "status": st.sampled_from(["red", "orange", "yellow", "light_yellow", "green"]),
            "reason": "确诊病例",
            "version": _version(t.household_a.id),
            "page": st.sampled_from(["row", "today", "household"]),
        },
    ),
    "statuses.resident": Write(
        StatusForm,
        lambda t: f"/statuses/resident/{t.resident_a.id}",
        lambda t: {
            "key": keys,
            "status": st.sampled_from(["red", "orange", "yellow", "light_yellow", "green"]),
            "reason": "密切接触者",
            "version": _version(t.household_a.id),
            "page": "household",
        },
    ),
    "visits.new": Write(
        VisitForm,
        lambda t: f"/visits/new/{t.household_a.id}",
        lambda t: {
            "key": keys,
            "method": "door",
            "persons_seen": "2",
            "note": "一切正常",
            "temperatures": "36.5 36.8",
            "page": "row",
        },
    ),
    "visits.undo": Write(
        UndoForm,
        lambda t: f"/visits/{t.household_a.id}/undo",
        lambda t: {"visit": "1", "page": "row"},
    ),
    "workers.edit": Write(
        WorkerForm,
        lambda t: f"/workers/{t.worker_b.id}/edit",
        lambda t: {
            "name": "钱网格",
            "phone": t.worker_b.phone,
            "role": "worker",
            "area": "MB",
            "employment": "part_time",
            "positions": ["floor_leader"],
            "tags": [],
        },
    ),
    "workers.new": Write(
        WorkerForm,
        lambda t: "/workers/new",
        lambda t: {
            "name": "孙网格",
            "phone": phones,
            "password": "long-enough",
            "role": "worker",
            "area": "MA",
            "employment": "part_time",
        },
    ),
}


def _post_routes() -> set[str]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_write_route_is_fuzzed():
    """Each POST route is fuzzed here or takes no input but its URL."""
    routes = _post_routes()
    assert routes - NO_FIELDS == WRITES.keys(), "give the new write route its form in WRITES"


def _fields(app, form: type) -> dict[str, object]:
    """The form's fields by name (CSRF aside), read from an instance of it."""
    with app.test_request_context():
        instance = form(formdata=None, meta={"csrf": False})
        return {field.name: field for field in instance}


def _odd(field, valid: object) -> st.SearchStrategy:
    if isinstance(field, FileField):
        return st.binary(max_size=300)
    if isinstance(field, SelectMultipleField):
        first = valid[0] if isinstance(valid, list) and valid else ""
        return st.lists(odd_text(first), min_size=1, max_size=3)
    return odd_text(valid)


def _as_strategy(value) -> st.SearchStrategy:
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


# Logs of attempts, which a refused request writes by design (a failed sign-in is audited).
LOGS = {"audit_entry", "rate_limit_counter"}


def _row_counts() -> dict[str, int]:
    """Every data table's row count, in one statement."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in LOGS]
    counts = select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    return dict(zip((t.name for t in tables), db.session.execute(counts).one(), strict=True))


def _body(fields: dict, values: dict) -> dict:
    """Form data for the test client: files as uploads, lists as repeated fields."""
    return {
        name: (io.BytesIO(value), "photo.jpg") if isinstance(fields.get(name), FileField) else value
        for name, value in values.items()
    }


@pytest.mark.parametrize("endpoint", sorted(WRITES))
@FUZZ
@given(data=st.data())
def test_odd_values_are_refused_or_saved_never_a_500(endpoint, data, tree, admin, app, monkeypatch):
    """Never a 500; a 4xx leaves every table's row count as it was."""
    write = WRITES[endpoint]
    monkeypatch.setattr(jobs, "_dispatch", lambda job: None)  # a batch is queued, not drawn
    sender = admin if write.signed_in else app.test_client()  # the sign-in: someone signed out
    fields = _fields(app, write.form)
    with app.app_context():
        valid = write.valid(tree)
    values = {name: data.draw(_as_strategy(value), label=name) for name, value in valid.items()}
    odd = data.draw(st.sets(st.sampled_from(sorted(fields)), min_size=1, max_size=2), label="odd")
    for name in odd:
        if data.draw(st.integers(0, 3), label=f"left out {name} if 0") == 0 and name in values:
            del values[name]
        else:
            values[name] = data.draw(_odd(fields[name], values.get(name)), label=name)
    with app.app_context():
        before = _row_counts()
    response = sender.post(write.url(tree), data=_body(fields, values))
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    if 400 <= response.status_code < 500:
        with app.app_context():
            assert _row_counts() == before, f"{response.status_code} but rows changed"
