# ruff: noqa: F811  (the fixtures imported from test_checkpoints are parameters here)
"""Handovers to the community (闭环): each one's time limit is a case of kind "handover" held
by the destination micro-grid; not received in time it rises one level, and again after as long,
with its timeline; receiving closes it. Supervisors list the open and late ones of their
subtree; the ID number and phone stay masked but for the logged reveal; the destination can be
given by scanning the micro-grid's stairwell QR."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.test_checkpoints import DAY, arrival, at, checkpoint  # noqa: F401
from webapp.cases import clock as case_clock
from webapp.checkpoints import queries, rules
from webapp.extensions import db
from webapp.models import AuditEntry, Case, CaseEvent, Grid, Handover

NEXT = DAY + timedelta(days=1)


def made(app) -> Handover:
    with app.app_context():
        return db.session.scalars(select(Handover)).one()


@pytest.fixture
def handed(tree, login_as, at, checkpoint):
    """Worker A hands 孙返乡 over to micro-grid MA at 09:00; the handover's id."""
    at(9)
    staff = login_as(tree.worker_a)
    assert (
        staff.post(
            f"/checkpoints/{checkpoint}/handover", data=arrival(destination="MA")
        ).status_code
        == 303
    )
    return made(staff.application).id


def test_a_handover_opens_a_case_held_by_the_destination(app, tree, handed):
    """A handover made at the checkpoint starts a handover case at the micro-grid."""
    with app.app_context():
        handover = db.session.get(Handover, handed)
        case_ = handover.case
        assert case_.kind == "handover" and case_.state == "new"
        assert case_.holder_id == handover.grid_id and case_.grid_id == handover.grid_id
        assert case_.due_at == datetime.combine(DAY, datetime.min.time()).replace(
            hour=9
        ) + timedelta(hours=24)
        assert "330702199203031236" not in case_.text


def test_a_late_handover_rises_a_level_and_shows_on_the_list_above_then_receiving_closes_it(
    app, tree, login_as, at, handed
):
    """Not received in 24 h, the handover rises to 第一网格 and shows on its supervisor's list."""
    supervisor = login_as(tree.supervisor_a)
    at(8, 59, day=NEXT)
    assert "孙返乡" not in supervisor.get("/checkpoints/handovers/?held=1").get_data(as_text=True)
    assert "孙返乡" not in supervisor.get("/checkpoints/handovers/?state=late").get_data(
        as_text=True
    )
    at(9, 0, day=NEXT)
    held = supervisor.get("/checkpoints/handovers/?held=1").get_data(as_text=True)
    assert "孙返乡" in held and "逾期" in held and "由 第一网格 负责" in held
    assert "孙返乡" in supervisor.get("/checkpoints/handovers/?state=late").get_data(as_text=True)
    today = supervisor.get("/today/").get_data(as_text=True)
    assert "1 件已升至本级" in today
    page = supervisor.get(f"/checkpoints/handovers/{handed}").get_data(as_text=True)
    assert "超过时限，自动上报一级" in page and "第一网格" in page
    with app.app_context():
        assert queries.late_count(db.session.get(Grid, tree.root.id), datetime(2027, 3, 2, 9)) == 1
    # A day later still, it has risen to the community.
    at(9, 0, day=NEXT + timedelta(days=1))
    with app.app_context():
        case_ = db.session.get(Handover, handed).case
        position = case_clock.position(case_, datetime(2027, 3, 3, 9))
        assert db.session.get(Grid, position.holder_id).code == "C1"
    response = supervisor.post(
        f"/checkpoints/handovers/{handed}", data={"household": tree.household_a.id}
    )
    assert response.status_code == 303
    with app.app_context():
        case_ = db.session.get(Handover, handed).case
        assert case_.state == "closed" and case_.clock_start is None
        kinds = list(
            db.session.scalars(
                select(CaseEvent.kind)
                .where(CaseEvent.case_id == case_.id)
                .order_by(CaseEvent.at, CaseEvent.id)
            )
        )
        assert kinds == ["submitted", "escalated", "escalated", "received"]
    assert "孙返乡 <small>" not in supervisor.get("/checkpoints/handovers/?state=late").get_data(
        as_text=True
    )
    assert "孙返乡 <small>" not in supervisor.get("/checkpoints/handovers/?held=1").get_data(
        as_text=True
    )
    assert "孙返乡 <small>" in supervisor.get("/checkpoints/handovers/?state=received").get_data(
        as_text=True
    )
    page = supervisor.get(f"/checkpoints/handovers/{handed}").get_data(as_text=True)
    assert "已接收" in page and "超过时限，自动上报一级" in page
    # Its heading no longer says it waits to be received.
    assert "已接收的交接" in page and "待接收的交接" not in page


def test_late_figures_are_the_case_clocks(app, tree, login_as, at, handed):
    """Today's overdue count, the per-area column and the list read the same case columns."""
    at(10, 0, day=NEXT)
    with app.app_context():
        moment = datetime(2027, 3, 2, 10)
        overdue = db.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.kind == "handover", case_clock.overdue(moment))
        )
        assert overdue == queries.late_count(db.session.get(Grid, tree.root.id), moment) == 1
        assert queries.is_late(db.session.get(Handover, handed), moment)
    page = login_as(tree.supervisor_a).get("/today/").get_data(as_text=True)
    assert "1 件逾期" in page


def test_the_list_filters_by_checkpoint_and_day(app, tree, login_as, at, handed, checkpoint):
    """A supervisor narrows the list to a checkpoint and a day."""
    at(10)
    supervisor = login_as(tree.supervisor_a)
    assert "孙返乡" in supervisor.get(f"/checkpoints/handovers/?checkpoint={checkpoint}").get_data(
        as_text=True
    )
    assert "孙返乡" not in supervisor.get(
        f"/checkpoints/handovers/?checkpoint={checkpoint + 1}"
    ).get_data(as_text=True)
    assert "孙返乡" in supervisor.get("/checkpoints/handovers/?date=2027-03-01").get_data(
        as_text=True
    )
    assert "孙返乡" not in supervisor.get("/checkpoints/handovers/?date=2027-03-02").get_data(
        as_text=True
    )
    bad = supervisor.get("/checkpoints/handovers/?date=yesterday")
    assert bad.status_code == 422 and "2020-02-15" in bad.get_data(as_text=True)
    partial = supervisor.get("/checkpoints/handovers/?state=all", headers={"HX-Request": "true"})
    assert "<html" not in partial.get_data(as_text=True) and "孙返乡" in partial.get_data(
        as_text=True
    )


def test_the_list_is_the_supervisors_and_of_their_subtree_only(app, tree, login_as, at, handed):
    """A field worker cannot open the list; another subtree's supervisor would not see it."""
    at(10)
    assert login_as(tree.worker_a).get("/checkpoints/handovers/").status_code == 403
    admin = login_as(tree.admin)
    assert "孙返乡" in admin.get("/checkpoints/handovers/").get_data(as_text=True)
    assert "孙返乡" in admin.get("/today/").get_data(as_text=True)
    with app.app_context():
        total, _rows = queries.handover_list(
            db.session.get(Grid, tree.micro_b.id).path,
            db.session.get(Grid, tree.micro_b.id),
            queries.Filters("all"),
            datetime(2027, 3, 1, 10),
        )
        assert total == 0


def test_numbers_are_masked_everywhere_and_revealed_on_the_audit_trail(
    app, tree, login_as, at, handed
):
    """Today, the list and the handover page mask the ID number and phone; the reveal shows
    them and is logged; another micro-grid's worker cannot reveal."""
    at(10)
    supervisor = login_as(tree.supervisor_a)
    pages = [
        supervisor.get("/checkpoints/handovers/"),
        supervisor.get(f"/checkpoints/handovers/{handed}"),
    ]
    worker = login_as(tree.worker_a)
    for page in (*pages, worker.get("/today/")):
        body = page.get_data(as_text=True)
        assert "330702********1236" in body and "137****2222" in body
        assert "330702199203031236" not in body and "13700002222" not in body
    revealed = worker.post(f"/checkpoints/handovers/{handed}/reveal")
    assert revealed.status_code == 200
    assert revealed.headers["Cache-Control"] == "no-store"
    body = revealed.get_data(as_text=True)
    assert "330702199203031236" in body and "13700002222" in body
    assert (
        login_as(tree.worker_b).post(f"/checkpoints/handovers/{handed}/reveal").status_code == 404
    )
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).one()
        assert (entry.object_type, entry.object_id, entry.actor_id) == (
            "handover",
            handed,
            tree.worker_a.id,
        )


def test_any_handover_gets_its_case_through_one_rule(app, tree, handed):
    """The green channel's let-through calls the same open_case; twice is refused."""
    from webapp.rules import RuleError

    with app.app_context():
        handover = db.session.get(Handover, handed)
        with pytest.raises(RuleError):
            rules.open_case(handover)


@pytest.mark.parametrize(
    "typed, code",
    [
        ("https://grid.example.cn/r/MA", "MA"),
        ("http://127.0.0.1:5000/r/ma/", "MA"),
        ("grid.example.cn/r/MA?x=1", "MA"),
        ("https://grid.example.cn/r/track/ABC", None),
        ("https://grid.example.cn/p/MA", None),
        ("湖海塘社区 1幢1单元", None),
    ],
)
def test_a_scanned_poster_url_names_its_micro_grid(typed, code):
    """The stairwell poster's QR (PUBLIC_BASE_URL/r/<code>) gives the micro-grid code."""
    assert queries.scanned_code(typed) == code


def test_a_worker_scans_the_stairwell_qr_as_the_destination(app, tree, login_as, at, checkpoint):
    """The scanned URL in the destination field hands the arrival to that micro-grid; a poster
    of no micro-grid says so and saves nothing."""
    at(9)
    staff = login_as(tree.worker_a)
    form = staff.get(f"/checkpoints/{checkpoint}/handover").get_data(as_text=True)
    assert (
        'data-scan="destination"' in form
        and "js/scan.js" in form
        and 'capture="environment"' in form
    )
    wrong = staff.post(
        f"/checkpoints/{checkpoint}/handover",
        data=arrival(destination="https://grid.example.cn/r/NOPE"),
    )
    assert wrong.status_code == 422 and "没有匹配的微网格" in wrong.get_data(as_text=True)
    url = f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/r/MB"
    assert (
        staff.post(f"/checkpoints/{checkpoint}/handover", data=arrival(destination=url)).status_code
        == 303
    )
    with app.app_context():
        assert db.session.scalars(select(Handover)).one().grid_id == tree.micro_b.id


def test_the_small_demo_has_five_checkpoints_a_month_of_checks_and_handovers(app):
    """Five staffed checkpoints, a few hundred checks (fevers only turned back or isolated),
    handovers mostly received, a few late and open, each with its case."""
    from webapp.models import Checkpoint, CheckpointCheck, CheckpointPost

    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkpoint)) == 5
        assert db.session.scalar(select(func.count()).select_from(CheckpointPost)) >= 15
        checks = db.session.scalar(select(func.count()).select_from(CheckpointCheck))
        assert 300 <= checks < 1000
        fevers = set(
            db.session.scalars(select(CheckpointCheck.outcome).where(CheckpointCheck.fever))
        )
        assert fevers and fevers <= {"turned_back", "isolation"}
        handovers = db.session.scalars(select(Handover)).all()
        received = [h for h in handovers if h.received_at]
        assert len(received) > len(handovers) / 2
        assert all(h.case is not None for h in handovers)
        assert all(h.case.state == "closed" for h in received)
        moment = max(h.created_at for h in handovers)
        assert 0 < sum(queries.is_late(h, moment) for h in handovers) < len(handovers) / 4
