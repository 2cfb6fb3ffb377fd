"""The checkpoints' and the green channel's parts of the daily report and the period summary:
a supervisor opens the report and sees checks, outcomes, green-channel passages, fevers and
handovers per sub-area and per checkpoint, and filings and enterprise problems per sub-area,
the same numbers as a row-by-row count, on the page and in the PDF."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from webapp import clock
from webapp.cases.states import OPEN
from webapp.checkpoints.report import CheckCounts, CheckpointFigures, CheckpointLine
from webapp.clock import day_start
from webapp.extensions import db
from webapp.greenchannel.report import GreenChannelFigures
from webapp.models import (
    Case,
    Checkpoint,
    CheckpointCheck,
    Enterprise,
    EnterpriseProblem,
    FiledEmployee,
    Grid,
    Handover,
    IndustryDepartment,
    ReturnFiling,
)
from webapp.reports.queries import OwnLevel, daily_report, period_report

from .conftest import add_grid

TODAY = date(2024, 3, 5)
NOW = datetime(2024, 3, 5, 15, 0)
LIMIT = timedelta(hours=24)  # HANDOVER_LIMIT_HOURS by default
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


# --- the same figures, one row at a time -----------------------------------------------------


def _paths() -> dict[int, str]:
    return dict(db.session.execute(select(Grid.id, Grid.path)).all())


def _inside(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def direct_checkpoint_figures(
    prefix: str, start: datetime, end: datetime, now: datetime
) -> CheckpointFigures:
    """Checks at their checkpoint's node, handovers at their destination (by checkpoint: at
    the checkpoint), late = open at min(now, end) and made a limit before it."""
    paths = _paths()
    stop = min(now, end)
    checkpoints = {c.id: c for c in db.session.scalars(select(Checkpoint))}
    f = CheckpointFigures()
    lines = {
        c.id: CheckpointLine(c.name, c.grid.name, c.active, CheckCounts())
        for c in checkpoints.values()
        if paths[c.grid_id].startswith(prefix)
    }
    for check in db.session.scalars(select(CheckpointCheck)):
        if check.checkpoint_id not in lines or not _inside(check.checked_at, start, end):
            continue
        for counts in (f, lines[check.checkpoint_id].counts):
            counts.people += check.kind == "person"
            counts.vehicles += check.kind == "vehicle"
            setattr(counts, check.outcome, getattr(counts, check.outcome) + 1)
            counts.green_channel += check.green_channel
            counts.fevers += check.fever
    for h in db.session.scalars(select(Handover)):
        if h.created_at >= end:
            continue
        received = _inside(h.received_at, start, end)
        late = h.created_at + LIMIT <= stop and (h.received_at is None or h.received_at >= stop)
        targets = [lines[h.checkpoint_id].counts] if h.checkpoint_id in lines else []
        if paths[h.grid_id].startswith(prefix):
            targets.append(f)
        for counts in targets:
            counts.received += received
            counts.late += late
    kept = {i: line for i, line in lines.items() if line.active or line.counts.has_data()}
    f.by_checkpoint = kept
    return f


def direct_greenchannel_figures(
    prefix: str, start: datetime, end: datetime, now: datetime
) -> GreenChannelFigures:
    """Filings at their enterprise's node, employees approved or arrived at their destination,
    problems at their case's node."""
    paths = _paths()
    f = GreenChannelFigures()
    for filing in db.session.scalars(select(ReturnFiling)):
        if paths[filing.enterprise.grid_id].startswith(prefix) and _inside(
            filing.created_at, start, end
        ):
            f.filings += 1
            f.filed += len(filing.employees)
        for e in filing.employees:
            if not paths[e.grid_id].startswith(prefix):
                continue
            both = filing.department_decision == "approved" and e.community_decision == "approved"
            f.approved += both and _inside(max(filing.department_at, e.community_at), start, end)
            f.arrived += _inside(e.arrived_at, start, end)
    for p in db.session.scalars(select(EnterpriseProblem)):
        c = p.case
        if c.kind != "enterprise" or not paths[c.grid_id].startswith(prefix) or c.created_at >= end:
            continue
        f.problems += _inside(c.created_at, start, end)
        f.resolved += _inside(c.resolved_at, start, end)
        f.overdue += c.state in OPEN and c.due_at is not None and c.due_at <= now
    return f


def _day(day: date) -> tuple[datetime, datetime]:
    return day_start(day), day_start(day + timedelta(days=1))


# --- a fortnight at three checkpoints and a few enterprises ----------------------------------


@dataclass
class World:
    micro_a2_id: int
    checkpoint_ids: list[int]


def _moment(rng: random.Random) -> datetime:
    at = day_start(TODAY - timedelta(days=rng.randint(0, 5))) + timedelta(
        seconds=rng.randrange(24 * 3600)
    )
    return min(at, NOW - timedelta(minutes=1))


def _later(rng: random.Random, at: datetime, hours: int = 40) -> datetime | None:
    """Some time after `at`, or None when that would be after NOW."""
    then = at + timedelta(minutes=rng.randint(1, hours * 60))
    return then if then < NOW else None


@pytest.fixture
def world(app, tree) -> World:
    """Checkpoints at grid A, micro-grid B and the township (and a closed one at grid A),
    300 checks with their handovers over six days, filings at every stage and enterprise
    problems open, overdue and resolved (seeded)."""
    rng = random.Random(13)
    with app.app_context():
        grid_a = db.session.get(Grid, tree.grid_a.id)
        micro_a2 = add_grid(grid_a, 4, "1幢2单元", "MA2", "stairwell")
        micros = [tree.micro_a.id, micro_a2.id, tree.micro_b.id]
        places = [
            ("东入口卡口", tree.grid_a.id, True),
            ("南高速卡口", tree.micro_b.id, True),
            ("北国道卡口", tree.township.id, True),
            ("旧西卡口", tree.grid_a.id, False),
        ]
        checkpoints = [Checkpoint(name=n, place="路口", grid_id=g, active=a) for n, g, a in places]
        db.session.add_all(checkpoints)
        db.session.flush()
        worker = tree.worker_a.id
        for i in range(300):
            cp = rng.choice(checkpoints[:3] if i % 10 else checkpoints)
            at = _moment(rng)
            fever = rng.random() < 0.08
            outcome = rng.choice(
                ["turned_back", "isolation"]
                if fever
                else ["let_through"] * 3 + ["handed_over"] * 2 + ["turned_back", "isolation"]
            )
            kind = "person" if outcome == "handed_over" or rng.random() < 0.7 else "vehicle"
            check = CheckpointCheck(
                checkpoint_id=cp.id,
                worker_id=worker,
                checked_at=at,
                shift="day",
                kind=kind,
                outcome=outcome,
                temperature=38.2 if fever else None,
                fever=fever,
                green_channel=outcome in ("let_through", "handed_over") and rng.random() < 0.3,
                client_key=f"chk-{i:06d}",
            )
            db.session.add(check)
            if outcome == "handed_over":
                received = _later(rng, at) if rng.random() < 0.8 else None
                db.session.add(
                    Handover(
                        check=check,
                        checkpoint_id=cp.id,
                        grid_id=rng.choice(micros),
                        name="王五",
                        id_number="330702199001011237",
                        origin="湖北",
                        address="1幢101室",
                        created_at=at,
                        created_by_id=worker,
                        received_at=received,
                        received_by_id=worker if received else None,
                    )
                )
        department = IndustryDepartment(name="经信局")
        db.session.add(department)
        db.session.flush()
        enterprises = [
            Enterprise(
                name=f"企业{i}",
                uscc=f"91330700MA{i:08d}",
                address="工业园",
                grid_id=g,
                department_id=department.id,
                contact_name="联系人",
                contact_phone="13800000000",
            )
            for i, g in enumerate([tree.micro_a.id, micro_a2.id, tree.grid_b.id, tree.township.id])
        ]
        db.session.add_all(enterprises)
        db.session.flush()
        for i in range(60):
            made = _moment(rng)
            decision = rng.choice([None, "approved", "approved", "approved", "refused"])
            filing = ReturnFiling(
                enterprise_id=rng.choice(enterprises).id,
                created_at=made,
                created_by_id=tree.admin.id,
                department_decision=decision,
                department_at=_later(rng, made, 30) if decision else None,
                client_key=f"fil-{i:04d}",
            )
            if decision and filing.department_at is None:
                filing.department_decision = None
            db.session.add(filing)
            for j in range(rng.randint(1, 4)):
                community = rng.choice([None, "approved", "approved", "approved", "refused"])
                community_at = _later(rng, made, 30) if community else None
                employee = FiledEmployee(
                    filing=filing,
                    name=f"员工{i}-{j}",
                    id_number="330702199001011237",
                    phone="13800000001",
                    origin="湖北",
                    arrival_date=made.date(),
                    means="car",
                    stay_address="宿舍",
                    grid_id=rng.choice(micros),
                    community_decision=community if community_at else None,
                    community_at=community_at,
                )
                both = filing.department_decision == "approved" and community_at
                if both and rng.random() < 0.6:
                    employee.arrived_at = _later(rng, max(filing.department_at, community_at), 20)
                db.session.add(employee)
        for _i in range(40):
            made = _moment(rng)
            enterprise = rng.choice(enterprises)
            state = rng.choice(["new", "accepted", "in_progress", "resolved", "closed"])
            resolved = _later(rng, made, 60) if state in ("resolved", "closed") else None
            if state in ("resolved", "closed") and resolved is None:
                state = "in_progress"
            due = made + timedelta(hours=rng.randint(1, 96)) if state in OPEN else None
            case_ = Case(
                kind="enterprise",
                category="staffing",
                state=state,
                text="招工难",
                grid_id=enterprise.grid_id,
                holder_id=enterprise.grid_id,
                holder_level=db.session.get(Grid, enterprise.grid_id).level,
                created_at=made,
                resolved_at=resolved,
                due_at=due,
                clock_start=made if due else None,
                clock_start_min=clock_minutes(made) if due else None,
                limit_min=int((due - made).total_seconds() // 60) if due else None,
            )
            db.session.add(case_)
            db.session.flush()
            db.session.add(
                EnterpriseProblem(
                    case_id=case_.id, enterprise_id=enterprise.id, department_id=department.id
                )
            )
        db.session.commit()
        return World(micro_a2.id, [c.id for c in checkpoints])


def clock_minutes(at: datetime) -> int:
    from webapp.cases.clock import minutes

    return minutes(at)


NODES = ("root", "township", "community", "grid_a", "micro_b")


def _nodes(tree) -> list[Grid]:
    return [db.session.get(Grid, getattr(tree, name).id) for name in NODES]


def _as_dict(figures) -> dict:
    return asdict(figures)


# --- the numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("days_ago", [0, 1, 3])
def test_daily_figures_equal_direct_counts(app, tree, world, days_ago):
    """Every node's total and every child's row equal a row-by-row count, per checkpoint too."""
    day = TODAY - timedelta(days=days_ago)
    start, end = _day(day)
    with app.app_context():
        seen = CheckpointFigures()
        for node in _nodes(tree):
            report = daily_report(node, day, NOW)
            for part, direct in (
                ("checkpoints", direct_checkpoint_figures),
                ("greenchannel", direct_greenchannel_figures),
            ):
                expected = direct(node.path, start, end, NOW)
                assert _as_dict(report.total[part]) == _as_dict(expected), (node.name, part)
                for child, row in report.rows:
                    if isinstance(child, OwnLevel):
                        # The node itself: the total less its children's rows (checked below,
                        # in the test that the rows add up to the total).
                        continue
                    expected = direct(child.path, start, end, NOW)
                    assert _as_dict(row[part]) == _as_dict(expected), (child.name, part)
            if node.level == 0:
                seen = report.total["checkpoints"]
                green = report.total["greenchannel"]
    # The comparison compares something: each figure is there on the day.
    assert all(getattr(seen, name) for name in ("people", "vehicles", "let_through", "fevers"))
    assert len(seen.by_checkpoint) >= 3 and green.filings and green.problems
    if days_ago:
        assert seen.received and seen.late and green.approved and green.arrived


@pytest.mark.parametrize("first_ago, last_ago", [(5, 0), (4, 2)])
def test_period_figures_equal_direct_counts(app, tree, world, first_ago, last_ago):
    """The period summary's totals and rows equal a row-by-row count over its days."""
    first, last = TODAY - timedelta(days=first_ago), TODAY - timedelta(days=last_ago)
    start, end = day_start(first), day_start(last + timedelta(days=1))
    with app.app_context():
        for node in _nodes(tree):
            report = period_report(node, first, last)
            for part, direct in (
                ("checkpoints", direct_checkpoint_figures),
                ("greenchannel", direct_greenchannel_figures),
            ):
                assert _as_dict(report.total[part]) == _as_dict(
                    direct(node.path, start, end, NOW)
                ), (node.name, part)
                for child, row in report.rows:
                    assert _as_dict(row[part]) == _as_dict(direct(child.path, start, end, NOW))


def test_a_past_day_stays_the_same_when_later_rows_arrive(app, tree, world):
    """Receiving every open handover, approving and letting through every waiting employee,
    resolving every problem and checking more people today leave yesterday's figures as they
    were (but for the problems overdue now, a fact of when the report is read)."""
    day = TODAY - timedelta(days=1)

    def snapshot():
        out = {}
        for node in _nodes(tree):
            report = daily_report(node, day, clock.now())
            total = {p: _as_dict(report.total[p]) for p in ("checkpoints", "greenchannel")}
            total["greenchannel"].pop("overdue")
            out[node.id] = total
        return out

    with app.app_context():
        before = snapshot()
        later = NOW + timedelta(hours=5)
        clock.freeze(later)
        for h in db.session.scalars(select(Handover).where(Handover.received_at.is_(None))):
            h.received_at = later
        for e in db.session.scalars(select(FiledEmployee)):
            # What was waiting is decided now; what was decided stays.
            if e.filing.department_decision is None:
                e.filing.department_decision, e.filing.department_at = "approved", later
            if e.community_decision is None:
                e.community_decision, e.community_at = "approved", later
            if e.filing.department_decision == e.community_decision == "approved":
                e.arrived_at = e.arrived_at or later
        for c in db.session.scalars(select(Case).where(Case.kind == "enterprise")):
            if c.state in OPEN:
                c.state, c.resolved_at, c.due_at = "resolved", later, None
        db.session.add(
            CheckpointCheck(
                checkpoint_id=world.checkpoint_ids[0],
                worker_id=tree.worker_a.id,
                checked_at=later,
                shift="evening",
                kind="person",
                outcome="let_through",
                client_key="chk-later",
            )
        )
        db.session.commit()
        assert snapshot() == before


def test_the_report_still_reads_a_fixed_number_of_statements(app, tree, world):
    """With checkpoints and enterprises under every node, each part adds one statement, the
    same for the zone, a community and a grid."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        nodes = [db.session.get(Grid, i) for i in (tree.root.id, tree.community.id)]
        nodes.append(db.session.get(Grid, tree.grid_a.id))
        used = []
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for node in nodes:
                statements.clear()
                daily_report(node, TODAY - timedelta(days=1), NOW)
                used.append(len(statements))
                mine = [s for s in statements if "checkpoint_check" in s or "return_filing" in s]
                assert len(mine) == 2, mine
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(set(used)) == 1 and used[0] <= 20, used


# --- the page and the PDF --------------------------------------------------------------------


def _table_rows(html: str, css_class: str) -> dict[str, list[str]]:
    """Each body row of the table of `css_class`: its first cell's text and its numbers."""
    table = html.split(f'class="figures {css_class}"', 1)[1].split("<tbody>", 1)[1]
    table = table.split("</tbody>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        label = re.sub(r"<small>.*?</small>", "", cells[0], flags=re.S)
        label = re.sub(r"<[^>]+>", "", label).strip()
        rows[label] = re.findall(r"\d+", " ".join(re.sub(r"<[^>]+>", " ", c) for c in cells[1:]))
    return rows


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-layout", str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _same_rows(page: str, text: str, css_class: str, heading: str) -> dict[str, list[str]]:
    rows = _table_rows(page, css_class)
    table = text.split(heading, 1)[1]
    for label, numbers in rows.items():
        line = next(line for line in table.splitlines() if line.strip().startswith(label))
        # A checkpoint's row names its node after its name: the numbers are the last ten.
        found = re.findall(r"\d+", line.split(label, 1)[1])
        assert found[-len(numbers) :] == numbers, (css_class, label, line)
    return rows


@needs_poppler
@pytest.mark.parametrize("days_ago", [0, 2])
def test_page_and_pdf_show_the_same_checkpoint_and_filing_numbers(
    app, tree, world, login_as, tmp_path, days_ago
):
    """The community's daily report: the tables by sub-area and by checkpoint and the green
    channel's table have the same numbers on the page and in the PDF."""
    client = login_as(tree.admin)
    query = f"date={(TODAY - timedelta(days=days_ago)).isoformat()}"
    page = client.get(f"/reports/{tree.community.id}?{query}").get_data(as_text=True)
    text = _pdf_text(client.get(f"/reports/{tree.community.id}/pdf?{query}").data, tmp_path)
    rows = _same_rows(page, text, "checkpoints", "卡口分区域")
    assert set(rows) == {"第一网格", "第二网格", "合计"}
    lines = _same_rows(page, text, "by-checkpoint", "各卡口")
    assert {"东入口卡口", "南高速卡口"} <= set(lines) and "北国道卡口" not in lines
    assert set(_same_rows(page, text, "greenchannel", "绿色通道分区域")) == set(rows)
    # The key figure is the total of the table.
    key = re.sub(r"<[^>]+>", " ", page.split("卡口检查", 1)[1].split("</div>", 1)[0])
    assert re.findall(r"\d+", key)[0] == rows["合计"][0]


@needs_poppler
def test_period_page_and_pdf_show_the_same_numbers(app, tree, world, login_as, tmp_path):
    """The period summary carries the same two parts' tables on its page and in its PDF."""
    client = login_as(tree.admin)
    query = f"from={(TODAY - timedelta(days=5)).isoformat()}&to={TODAY.isoformat()}"
    page = client.get(f"/reports/{tree.community.id}/period?{query}").get_data(as_text=True)
    pdf = client.get(f"/reports/{tree.community.id}/period/pdf?{query}").data
    text = _pdf_text(pdf, tmp_path)
    rows = _same_rows(page, text, "checkpoints", "卡口分区域")
    with app.app_context():
        community = db.session.get(Grid, tree.community.id)
        total = period_report(community, TODAY - timedelta(days=5), TODAY).total["checkpoints"]
    assert rows["合计"][0] == str(total.people)
    _same_rows(page, text, "by-checkpoint", "各卡口")
    _same_rows(page, text, "greenchannel", "绿色通道分区域")


def test_a_node_without_any_says_none_instead_of_zeros(app, tree, login_as):
    """Without checkpoints or enterprises, each table is one line 无, no key box, no note."""
    client = login_as(tree.admin)
    page = client.get(f"/reports/{tree.community.id}").get_data(as_text=True)
    assert 'class="figures checkpoints"' not in page and 'class="figures greenchannel"' not in page
    assert page.count('<p class="none">无</p>') == 3
    assert "卡口检查" not in page and "返岗报备" not in page


def test_the_parts_speak_english_too(app, tree, world, login_as):
    """A user who chose English reads the tables' headings in English."""
    client = login_as(tree.admin)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get(f"/reports/{tree.community.id}").get_data(as_text=True)
    for words in ("Checkpoints by sub-area", "By checkpoint", "Green channel by sub-area"):
        assert words in page


def test_another_branch_report_is_404_as_before(app, tree, world, login_as):
    """A worker of micro-grid A opens their own report, with its figures, and gets 404 for
    micro-grid B's, page and PDF alike."""
    client = login_as(tree.worker_a)
    assert client.get(f"/reports/{tree.micro_a.id}").status_code == 200
    for url in (f"/reports/{tree.micro_b.id}", f"/reports/{tree.micro_b.id}/pdf"):
        assert client.get(url).status_code == 404
    assert client.get(f"/reports/{tree.micro_b.id}/period").status_code == 404


@pytest.mark.parametrize("days_ago", [0, 2])
def test_what_lies_at_the_node_itself_has_a_row_so_the_rows_add_up(
    app, tree, world, login_as, days_ago
):
    """The township's own checkpoint (北国道卡口) is in no community: its daily report shows a
    row for the township itself, and the rows of the sub-area table add up to its total."""
    client = login_as(tree.admin)
    query = f"date={(TODAY - timedelta(days=days_ago)).isoformat()}"
    page = client.get(f"/reports/{tree.township.id}?{query}").get_data(as_text=True)
    rows = _table_rows(page, "checkpoints")
    assert "江南街道（本级）" in rows
    total = rows.pop("合计")
    for column in range(len(total)):
        assert sum(int(numbers[column]) for numbers in rows.values()) == int(total[column])
