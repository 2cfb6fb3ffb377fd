"""The daily report (日报) and the period summary: numbers equal direct counts of generated field
work, for a node and its children, across day boundaries; page and PDF agree; PDFs open with
the CJK font embedded; bad dates get a message."""

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
from webapp.clock import day_start
from webapp.errands.report import ErrandFigures
from webapp.extensions import db
from webapp.models import (
    STATUSES,
    Errand,
    FollowUp,
    Grid,
    Household,
    HouseholdMove,
    Observation,
    Resident,
    ResidentMove,
    Screening,
    StatusChange,
    Sweep,
    Visit,
)
from webapp.observations.report import ObservationFigures
from webapp.reports.queries import daily_report, period_report
from webapp.reports.workers import worker_list
from webapp.residents.report import ReturneeFigures
from webapp.selfreports.report import SelfReportFigures
from webapp.statuses.report import ColourFigures
from webapp.sweeps.report import SweepFigures
from webapp.visits.chart import TrendPoint, nice_step, trend_svg
from webapp.visits.due_report import DueFigures
from webapp.visits.report import VisitFigures

from .conftest import add_grid, add_household

TODAY = date(2024, 3, 5)
NOW = datetime(2024, 3, 5, 15, 0)  # both follow-up slots (06-12, 12-20) have begun
HX = {"HX-Request": "true"}
needs_poppler = pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils missing")


@pytest.fixture(autouse=True)
def frozen():
    """Every test here runs at NOW (set before the tree is made, so its rows are dated too)."""
    clock.freeze(NOW)
    yield
    clock.freeze(None)


# --- generated field work --------------------------------------------------------------------


@dataclass
class Data:
    root_id: int
    township_id: int
    community_id: int
    grid_a_id: int
    micro_a_id: int
    micro_a2_id: int
    micro_b_id: int
    moved_household_id: int
    boundary_household_id: int


def _key(rng: random.Random) -> str:
    return f"k{rng.getrandbits(64):016x}"


def _moment(rng: random.Random, day: date) -> datetime:
    at = day_start(day) + timedelta(seconds=rng.randrange(24 * 3600))
    return min(at, NOW)


def households_by_id(households: list[Household]) -> dict[int, Household]:
    return {h.id: h for h in households}


def _status_chain(rng: random.Random, household: Household, first_day: date) -> list[dict]:
    """0-3 colour changes ending on the household's current colour, each from the one before."""
    steps = rng.randint(0, 3)
    colours = [rng.choice(list(STATUSES))]
    for _ in range(steps):
        colours.append(rng.choice([s for s in STATUSES if s != colours[-1]]))
    household.status = colours[-1]
    times = sorted(
        _moment(rng, first_day + timedelta(days=rng.randint(0, (TODAY - first_day).days)))
        for _ in range(steps)
    )
    return [
        {"from_status": a, "to_status": b, "changed_at": t}
        for a, b, t in zip(colours[:-1], colours[1:], times, strict=True)
    ]


@pytest.fixture
def data(app, tree) -> Data:
    """Three micro-grids under two grids, 14 households, and a fortnight of every kind of
    field work at random times (seeded), plus rows placed on day boundaries."""
    rng = random.Random(2020)
    # The daily report's later figures (not at home, fevers, returnees): a generator of their
    # own, so that the rest of the data stays what it was.
    more = random.Random(11)
    worker_id = tree.worker_a.id
    with app.app_context():
        grid_a = db.session.get(Grid, tree.grid_a.id)
        micro_a, micro_b = (
            db.session.get(Grid, tree.micro_a.id),
            db.session.get(Grid, tree.micro_b.id),
        )
        micro_a2 = add_grid(grid_a, 4, "1幢2单元", "MA2", "stairwell")
        micros = [micro_a, micro_a2, micro_b]
        households = [
            db.session.get(Household, tree.household_a.id),
            db.session.get(Household, tree.household_b.id),
        ]
        for i in range(12):
            h = add_household(micros[i % 3], f"{i + 2}号", f"33070219900101{i:04d}", f"住户{i}")
            h.created_at = NOW - timedelta(days=60)
            households.append(h)
        db.session.flush()
        first_day = TODAY - timedelta(days=15)

        for h in households[2:]:
            for change in _status_chain(rng, h, first_day):
                db.session.add(
                    StatusChange(
                        household_id=h.id,
                        worker_id=worker_id,
                        grid_id=h.grid_id,
                        reason="走访",
                        **change,
                    )
                )
        # One resident's own colour: not a household change, so it counts nowhere here.
        db.session.add(
            StatusChange(
                household_id=households[2].id,
                resident_id=households[2].residents[0].id,
                grid_id=households[2].grid_id,
                changed_at=NOW - timedelta(days=1),
                from_status="green",
                to_status="red",
                reason="密接",
            )
        )

        workers = [worker_id, tree.worker_b.id, tree.supervisor_a.id]

        def visit(h: Household, at: datetime, grid_id: int | None = None, persons: int = 2):
            away = more.random() < 0.2
            db.session.add(
                Visit(
                    household_id=h.id,
                    worker_id=more.choice(workers),
                    grid_id=grid_id or h.grid_id,
                    visited_at=at,
                    method="door",
                    persons_seen=0 if away else persons,
                    not_at_home=away,
                    client_key=_key(rng),
                )
            )
            # As the visit rules keep it: the household's latest visit.
            if h.last_visit_at is None or h.last_visit_at < at:
                h.last_visit_at = at

        for _ in range(120):
            day = first_day + timedelta(days=rng.randint(0, 15))
            visit(rng.choice(households), _moment(rng, day), persons=rng.randint(0, 4))
        boundary = households[3]
        visit(boundary, day_start(TODAY) - timedelta(minutes=1), persons=3)  # 23:59 yesterday
        visit(boundary, day_start(TODAY) + timedelta(minutes=1), persons=1)  # 00:01 today
        # A household visited in two sub-areas on one day (it moved between them).
        moved = households[4]
        visit(
            moved,
            datetime.combine(TODAY - timedelta(days=1), datetime.min.time()).replace(hour=9),
            grid_id=micro_b.id,
        )
        visit(
            moved,
            datetime.combine(TODAY - timedelta(days=1), datetime.min.time()).replace(hour=16),
            grid_id=micro_a.id,
        )

        for i, h in enumerate(households[2:12]):
            start = TODAY - timedelta(days=rng.randint(0, 16))
            planned_end = start + timedelta(days=13)
            released = None
            if i == 0:
                released = start  # released on its first day: never current
            elif rng.random() < 0.3:
                released = start + timedelta(days=rng.randint(1, 13))
            if released and released > TODAY:
                released = None
            obs = Observation(
                resident_id=h.residents[0].id,
                household_id=h.id,
                start_date=start,
                planned_end=planned_end,
                reason="外地返回",
                released_on=released,
                created_by_id=worker_id,
            )
            db.session.add(obs)
            db.session.flush()
            day = start
            while obs.current_on(day) and day <= TODAY:
                for slot in ("am", "pm"):
                    if rng.random() < 0.8:
                        db.session.add(
                            FollowUp(
                                observation_id=obs.id,
                                slot_date=day,
                                slot=slot,
                                worker_id=worker_id,
                                grid_id=h.grid_id,
                                temperature=more.choice([36.6, 36.6, 36.8, 37.3, 38.1]),
                                symptoms=["cough"] if more.random() < 0.15 else [],
                                recorded_at=day_start(day)
                                + timedelta(hours=9 if slot == "am" else 14),
                                client_key=_key(rng),
                            )
                        )
                day += timedelta(days=1)

        for _ in range(14):
            h = rng.choice(households)
            created = _moment(rng, TODAY - timedelta(days=rng.randint(0, 6)))
            done = None
            if rng.random() < 0.5:
                done = min(created + timedelta(hours=rng.randint(1, 40)), NOW)
            db.session.add(
                Errand(
                    household_id=h.id,
                    grid_id=h.grid_id,
                    description="买菜",
                    created_at=created,
                    created_by_id=worker_id,
                    done_at=done,
                    done_by_id=worker_id if done else None,
                )
            )
        db.session.add(
            Errand(
                household_id=boundary.id,
                grid_id=boundary.grid_id,
                description="买药",
                created_by_id=worker_id,
                created_at=day_start(TODAY) - timedelta(seconds=1),
                done_at=day_start(TODAY) + timedelta(seconds=1),
                done_by_id=worker_id,
            )
        )

        # Moves, as households.rules.move records them: each from where the one before left.
        def move(h: Household, to: Grid, at: datetime) -> None:
            db.session.add(
                HouseholdMove(
                    household_id=h.id,
                    from_grid_id=h.grid_id,
                    to_grid_id=to.id,
                    moved_at=at,
                    moved_by_id=worker_id,
                )
            )
            h.grid_id = to.id

        noon = timedelta(hours=12)
        move(moved, micro_a, day_start(TODAY - timedelta(days=1)) + noon)  # between its visits
        move(households[5], micro_b, day_start(TODAY - timedelta(days=4)) + noon)
        move(households[5], micro_a2, day_start(TODAY) + timedelta(hours=9))  # twice, once today
        move(households[6], micro_a, day_start(TODAY))  # 00:00: after yesterday, on today
        # A resident moves to a household of another micro-grid with their observation, which
        # was current before the move and after it; its later follow-ups are made there.
        observation = next(
            o
            for o in db.session.scalars(select(Observation).order_by(Observation.id))
            if o.current_on(TODAY - timedelta(days=3)) and o.current_on(TODAY - timedelta(days=1))
        )
        old_home = db.session.get(Household, observation.household_id)
        new_home = next(h for h in households if h.grid_id not in (old_home.grid_id, None))
        at = day_start(TODAY - timedelta(days=2)) + noon
        resident = db.session.get(Resident, observation.resident_id)
        db.session.add(
            ResidentMove(
                resident_id=resident.id,
                from_household_id=old_home.id,
                to_household_id=new_home.id,
                observation_id=observation.id,
                moved_at=at,
                moved_by_id=worker_id,
            )
        )
        resident.household_id = observation.household_id = new_home.id
        for follow_up in observation.follow_ups:
            if follow_up.recorded_at > at:
                follow_up.grid_id = new_home.grid_id

        # Returnees registered over the last days, one of whom moves on to another household;
        # and a resident who is no returnee.
        returnees = []
        for i in range(9):
            h = more.choice(households)
            day = TODAY - timedelta(days=more.randint(0, 3))
            returnee = Resident(
                household_id=h.id,
                name=f"返乡{i}",
                gender="F",
                birth_year=1995,
                id_number=f"33070219950101{i + 50:04d}",
                tags=["returnee", "key_person"] if i % 4 == 0 else ["returnee"],
                origin="温州",
                return_date=day,
                created_at=_moment(more, day),
            )
            db.session.add(returnee)
            returnees.append(returnee)
        db.session.add(
            Resident(
                household_id=households[7].id,
                name="新生儿",
                gender="M",
                birth_year=2024,
                id_number="330702202403050011",
                tags=[],
                created_at=NOW - timedelta(hours=1),
            )
        )
        db.session.flush()
        leaver = min(returnees, key=lambda r: r.created_at)
        away = next(
            h
            for h in households
            if h.grid_id != households_by_id(households)[leaver.household_id].grid_id
        )
        db.session.add(
            ResidentMove(
                resident_id=leaver.id,
                from_household_id=leaver.household_id,
                to_household_id=away.id,
                moved_at=max(leaver.created_at + timedelta(hours=1), day_start(TODAY)),
                moved_by_id=worker_id,
            )
        )
        leaver.household_id = away.id
        db.session.commit()
        return Data(
            tree.root.id,
            tree.township.id,
            tree.community.id,
            grid_a.id,
            micro_a.id,
            micro_a2.id,
            micro_b.id,
            moved.id,
            boundary.id,
        )


# --- direct counts: the definitions of webapp/reports/queries.py, row by row in Python --------


def direct(prefix: str, day: date, now: datetime = NOW) -> dict:
    """Every figure of `day` for the subtree at `prefix`, counted one row at a time, as the
    report's parts hold them."""
    paths = dict(db.session.execute(select(Grid.id, Grid.path)).all())
    households = {h.id: h for h in db.session.scalars(select(Household))}
    start, end = day_start(day), day_start(day + timedelta(days=1))

    def inside(grid_id: int) -> bool:
        return paths[grid_id].startswith(prefix)

    moves = sorted(db.session.scalars(select(HouseholdMove)), key=lambda m: (m.moved_at, m.id))
    resident_moves = sorted(
        db.session.scalars(select(ResidentMove)), key=lambda m: (m.moved_at, m.id)
    )

    def grid_then(h: Household) -> int:
        """The micro-grid where the last move before the end of the day left it, else the one
        it left at its first move (it was there from the start)."""
        own = [m for m in moves if m.household_id == h.id]
        before = [m for m in own if m.moved_at < end]
        return before[-1].to_grid_id if before else own[0].from_grid_id if own else h.grid_id

    def household_then(obs: Observation) -> Household:
        """The household where the last move of its resident before the end of the day took
        it (while it went along), else where it started."""
        own = [m for m in resident_moves if m.observation_id == obs.id]
        before = [m for m in own if m.moved_at < end]
        home = before[-1].to_household_id if before else own[0].from_household_id if own else None
        return households[home or obs.household_id]

    v, c, o, e = VisitFigures(), ColourFigures(), ObservationFigures(), ErrandFigures()
    visits = [
        v
        for v in db.session.scalars(select(Visit))
        if inside(v.grid_id) and start <= v.visited_at < end
    ]
    v.visits = len(visits)
    v.households_visited = len({visit.household_id for visit in visits})
    v.person_times = sum(visit.persons_seen for visit in visits)
    v.not_at_home = sum(1 for visit in visits if visit.not_at_home)

    changes = sorted(
        (c for c in db.session.scalars(select(StatusChange)) if c.resident_id is None),
        key=lambda c: (c.changed_at, c.id),
    )
    for h in households.values():
        if not (h.active and inside(grid_then(h)) and h.created_at < end):
            continue
        own = [c for c in changes if c.household_id == h.id]
        before = [c for c in own if c.changed_at < end]
        after = [c for c in own if c.changed_at >= end]
        colour = before[-1].to_status if before else after[0].from_status if after else h.status
        c.by_status[colour] += 1
    for change in changes:
        if inside(change.grid_id) and start <= change.changed_at < end:
            c.changes += 1
            c.into[change.to_status] += 1
            c.out[change.from_status] += 1

    # Due a visit: by the colour at the start of the day, no visit in [end - rhythm, start).
    rhythm = {"red": 12, "orange": 12, "yellow": 24, "light_yellow": 72, "green": 720}
    all_visits = db.session.scalars(select(Visit)).all()
    due = DueFigures()
    for h in households.values():
        if not (h.active and inside(grid_then(h)) and h.created_at < end):
            continue
        own = [c for c in changes if c.household_id == h.id]
        before = [c for c in own if c.changed_at < start]
        after = [c for c in own if c.changed_at >= start]
        colour = before[-1].to_status if before else after[0].from_status if after else h.status
        window = min(end - timedelta(hours=rhythm[colour]), start)
        times = [x.visited_at for x in all_visits if x.household_id == h.id]
        if not any(window <= t < start for t in times):
            due.due += 1
            due.visited += any(start <= t < end for t in times)

    # Returnees registered that day, where they lived at its end.
    r = ReturneeFigures()
    for resident in db.session.scalars(select(Resident)):
        if "returnee" not in resident.tags or not start <= resident.created_at < end:
            continue
        own = [m for m in resident_moves if m.resident_id == resident.id]
        before = [m for m in own if m.moved_at < end]
        after = [m for m in own if m.moved_at >= end]
        home = (
            before[-1].to_household_id
            if before
            else after[0].from_household_id
            if after
            else resident.household_id
        )
        r.returnees += inside(grid_then(households[home]))

    for obs in db.session.scalars(select(Observation)):
        if not inside(grid_then(household_then(obs))):
            continue
        if obs.released_on is not None and obs.released_on <= obs.planned_end:
            first_day_out = obs.released_on
        else:
            first_day_out = obs.planned_end + timedelta(days=1)
        o.observed += obs.current_on(day)
        o.new += obs.start_date == day
        o.ended += first_day_out == day
        if obs.current_on(day):
            made = {u.slot for u in obs.follow_ups if u.slot_date == day}
            # The slots it owes: not those over before it was entered on its first day.
            entered_that_day = obs.start_date == day and obs.created_at.date() == day
            owed = [
                (s, first, after_last)
                for s, first, after_last in (("am", 6, 12), ("pm", 12, 20))
                if not (entered_that_day and obs.created_at.hour >= after_last)
            ]
            begun = [s for s, first, _ in owed if day < now.date() or now.hour >= first]
            over = [s for s, _, after_last in owed if day < now.date() or now.hour >= after_last]
            o.follow_ups_due += len(begun)
            o.follow_ups_overdue += sum(1 for slot in over if slot not in made)
    made = [
        u for u in db.session.scalars(select(FollowUp)) if inside(u.grid_id) and u.slot_date == day
    ]
    o.follow_ups_done = len(made)
    o.alerts = sum(1 for u in made if u.temperature >= 37.3 or u.symptoms)
    o.fevers = sum(1 for u in made if u.temperature >= 37.3)

    for errand in db.session.scalars(select(Errand)):
        if not inside(errand.grid_id):
            continue
        e.opened += start <= errand.created_at < end
        e.done += errand.done_at is not None and start <= errand.done_at < end
        e.open += errand.created_at < end and (errand.done_at is None or errand.done_at >= end)
    from tests.test_reports_checkpoints import (
        direct_checkpoint_figures,
        direct_greenchannel_figures,
    )
    from tests.test_requests import direct_request_figures

    q = direct_request_figures(prefix, start, end, now)
    return {
        "visits": v,
        "due": due,
        "colours": c,
        "returnees": r,
        "observations": o,
        "errands": e,
        "requests": q,
        "sweeps": direct_sweep_figures(paths, households, prefix, day, min(now, end)),
        "selfreports": SelfReportFigures(
            sum(1 for u in made if u.self_reported),
        ),
        "checkpoints": direct_checkpoint_figures(prefix, start, end, now),
        "greenchannel": direct_greenchannel_figures(prefix, start, end, now),
    }


def direct_sweep_figures(paths, households, prefix, day, until) -> SweepFigures:
    """The sweeps open on `day`, one row at a time: screened where screened, due where the
    household lives when not screened, tried without contact where tried."""
    f = SweepFigures()
    for sweep in db.session.scalars(select(Sweep)):
        if not sweep.starts_on <= day <= sweep.ends_on:
            continue
        area = paths[sweep.grid_id]

        def counted(grid_id: int, area=area) -> bool:
            return paths[grid_id].startswith(prefix) and paths[grid_id].startswith(area)

        done = list(db.session.scalars(select(Screening).where(Screening.sweep_id == sweep.id)))
        screened = {s.household_id for s in done if s.contact and s.screened_at < until}
        for s in done:
            if s.contact and s.screened_at < until and counted(s.grid_id):
                f.screened += 1
                f.due += 1
                f.returnees += s.returnee
                f.fevers += s.fever
                f.key_persons += s.key_person
        tried = {
            (s.household_id, s.grid_id)
            for s in done
            if not s.contact and s.screened_at < until and s.household_id not in screened
        }
        f.no_contact += sum(1 for _h, grid_id in tried if counted(grid_id))
        f.due += sum(
            1
            for h in households.values()
            if h.active and h.id not in screened and counted(h.grid_id)
        )
    return f


def as_dict(row: dict) -> dict:
    return {name: asdict(figures) for name, figures in row.items()}


# --- the numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("days_ago", [0, 1, 2, 6, 14])
def test_daily_numbers_equal_direct_counts_for_node_and_children(app, data, days_ago):
    """Total and every child row equal a row-by-row count, for every level of the tree."""
    day = TODAY - timedelta(days=days_ago)
    with app.app_context():
        nodes = (data.root_id, data.township_id, data.community_id, data.grid_a_id, data.micro_b_id)
        for node_id in nodes:
            node = db.session.get(Grid, node_id)
            report = daily_report(node, day, NOW)
            assert as_dict(report.total) == as_dict(direct(node.path, day)), node.name
            for child, figures in report.rows:
                assert as_dict(figures) == as_dict(direct(child.path, day)), child.name
            if report.rows:
                assert {c.id for c, _f in report.rows} == set(
                    db.session.scalars(select(Grid.id).where(Grid.parent_id == node.id))
                )


def test_boundary_visits_move_between_days(app, tree):
    """A visit at 23:59 counts on its day and one at 00:01 on the next (China local time);
    so do an errand opened at 23:59:59 and done at 00:00:01."""
    with app.app_context():
        micro = db.session.get(Grid, tree.micro_a.id)
        db.session.add(
            Visit(
                household_id=tree.household_a.id,
                worker_id=tree.worker_a.id,
                grid_id=micro.id,
                visited_at=day_start(TODAY) - timedelta(minutes=1),
                method="door",
                persons_seen=3,
                client_key="boundary-key-1",
            )
        )
        db.session.add(
            Visit(
                household_id=tree.household_a.id,
                worker_id=tree.worker_a.id,
                grid_id=micro.id,
                visited_at=day_start(TODAY) + timedelta(minutes=1),
                method="phone",
                persons_seen=1,
                client_key="boundary-key-2",
            )
        )
        db.session.add(
            Errand(
                household_id=tree.household_a.id,
                grid_id=micro.id,
                description="买药",
                created_by_id=tree.worker_a.id,
                created_at=day_start(TODAY) - timedelta(seconds=1),
                done_at=day_start(TODAY) + timedelta(seconds=1),
            )
        )
        db.session.commit()
        before = daily_report(micro, TODAY - timedelta(days=1), NOW).total
        on_day = daily_report(micro, TODAY, NOW).total
        v, e = before["visits"], before["errands"]
        assert (v.visits, v.person_times, v.households_visited) == (1, 3, 1)
        assert (e.opened, e.done, e.open) == (1, 0, 1)
        v, e = on_day["visits"], on_day["errands"]
        assert (v.visits, v.person_times, v.households_visited) == (1, 1, 1)
        assert (e.opened, e.done, e.open) == (0, 1, 0)


def test_household_moved_mid_day_counts_once_in_the_total(app, data):
    """Visited in two sub-areas on one day: once in each row, once in the total."""
    with app.app_context():
        community = db.session.get(Grid, data.community_id)
        report = daily_report(community, TODAY - timedelta(days=1), NOW)
        rows = sum(row["visits"].households_visited for _c, row in report.rows)
        assert rows == report.total["visits"].households_visited + 1


def test_colours_of_a_past_day_come_from_the_history(app, tree):
    """Green → red yesterday, red → yellow today: the day before was green, yesterday red."""
    with app.app_context():
        h = db.session.get(Household, tree.household_a.id)
        h.created_at = NOW - timedelta(days=30)
        h.status = "yellow"
        for at, a, b in ((NOW - timedelta(days=1), "green", "red"), (NOW, "red", "yellow")):
            db.session.add(
                StatusChange(
                    household_id=h.id,
                    grid_id=h.grid_id,
                    changed_at=at,
                    from_status=a,
                    to_status=b,
                    reason="复核",
                )
            )
        db.session.commit()
        micro = db.session.get(Grid, tree.micro_a.id)
        colour = {
            d: daily_report(micro, TODAY - timedelta(days=d), NOW).total["colours"].by_status
            for d in (0, 1, 2)
        }
        assert colour[2]["green"] == 1 and colour[1]["red"] == 1 and colour[0]["yellow"] == 1
        yesterday = daily_report(micro, TODAY - timedelta(days=1), NOW).total["colours"]
        assert (yesterday.into["red"], yesterday.out["red"]) == (1, 0)


def test_observations_current_follow_new_and_ended(app, data):
    """current(D) = current(D-1) + new(D) - ended(D) on every day of the fortnight."""
    with app.app_context():
        root = db.session.get(Grid, data.root_id)
        for days_ago in range(15):
            day = TODAY - timedelta(days=days_ago)
            today, before = (
                daily_report(root, day, NOW).total["observations"],
                daily_report(root, day - timedelta(days=1), NOW).total["observations"],
            )
            assert today.observed == before.observed + today.new - today.ended


@pytest.mark.parametrize("hour, slots", [(5, 0), (9, 1), (15, 2), (21, 2)])
def test_follow_ups_due_today_count_only_begun_slots(app, tree, hour, slots):
    """Today only the slots already begun are due; a past day owes both."""
    clock.freeze(datetime.combine(TODAY, datetime.min.time()).replace(hour=hour))
    with app.app_context():
        micro = db.session.get(Grid, tree.micro_b.id)
        observed = daily_report(micro, TODAY).total["observations"]
        assert observed.observed == 1
        assert observed.follow_ups_due == slots
        yesterday = daily_report(micro, TODAY - timedelta(days=1))
        assert yesterday.extras["observations"].per_observation == 2


def test_report_is_a_fixed_number_of_queries(app, data):
    """The number of statements does not grow with the number of children (no query per row)."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        # A household of grid A turned red that day: every node lists it (four statements:
        # the list, its residents' names to mask, the names of its places, the names above
        # the node that its address loses).
        household = db.session.scalars(
            select(Household).where(Household.grid_id == data.micro_a_id)
        ).first()
        db.session.add(
            StatusChange(
                household_id=household.id,
                grid_id=data.micro_a_id,
                changed_at=day_start(TODAY - timedelta(days=3)) + timedelta(hours=10),
                from_status="yellow",
                to_status="red",
                reason="确诊",
            )
        )
        db.session.commit()
        nodes = [db.session.get(Grid, i) for i in (data.root_id, data.community_id, data.grid_a_id)]
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            used = []
            for node in nodes:
                statements.clear()
                daily_report(node, TODAY - timedelta(days=3), NOW)
                used.append(len(statements))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    # One statement more per part at most (the resident requests' part reads one, the
    # self-reports' one, the checkpoints' one, the green channel's one); the sweeps' part
    # reads which sweeps are open, then a fixed five for each (the fixture's tree has one open
    # in grid B).
    assert len(set(used)) == 1 and used[0] <= 20, used


def test_trend_holds_the_14_days_up_to_the_day(app, data):
    """The chart's days end on the report's day; each equals that day's visit count."""
    with app.app_context():
        root = db.session.get(Grid, data.root_id)
        trend = daily_report(root, TODAY - timedelta(days=2), NOW).extras["visits"].points
        assert [p.day for p in trend] == [TODAY - timedelta(days=15 - i) for i in range(14)]
        for p in trend[-4:]:
            d = direct(root.path, p.day)["visits"]
            assert (p.households_visited, p.person_times, p.visits) == (
                d.households_visited,
                d.person_times,
                d.visits,
            )


def test_period_summary_states_the_seed_figures(app, data):
    """Households visited, person-times, observation households served and follow-ups,
    counted directly over the period, per child and in total."""
    first, last = TODAY - timedelta(days=9), TODAY - timedelta(days=1)
    with app.app_context():
        paths = dict(db.session.execute(select(Grid.id, Grid.path)).all())
        visits = db.session.scalars(select(Visit)).all()
        follow_ups = db.session.scalars(select(FollowUp)).all()
        owner = dict(db.session.execute(select(Observation.id, Observation.household_id)).all())
        moves = db.session.scalars(select(ResidentMove).order_by(ResidentMove.moved_at)).all()

        def served_then(u: FollowUp) -> int:
            """The household the follow-up was made for: its resident's when it was recorded."""
            own = [m for m in moves if m.observation_id == u.observation_id]
            before = [m for m in own if m.moved_at <= u.recorded_at]
            if before:
                return before[-1].to_household_id
            return own[0].from_household_id if own else owner[u.observation_id]

        for node_id in (data.root_id, data.community_id, data.grid_a_id):
            node = db.session.get(Grid, node_id)
            report = period_report(node, first, last)
            for grid, row in [(node, report.total), *report.rows]:
                visited, served = row["visits"], row["observations"]
                vs = [
                    v
                    for v in visits
                    if paths[v.grid_id].startswith(grid.path)
                    and day_start(first) <= v.visited_at < day_start(last + timedelta(days=1))
                ]
                fs = [
                    u
                    for u in follow_ups
                    if paths[u.grid_id].startswith(grid.path) and first <= u.slot_date <= last
                ]
                assert visited.households_visited == len({v.household_id for v in vs})
                assert visited.person_times == sum(v.persons_seen for v in vs)
                assert visited.visits == len(vs)
                assert served.households_served == len({served_then(u) for u in fs})
                assert served.follow_ups == len(fs)


# --- pages, PDFs and input -------------------------------------------------------------------


def _pdf_pages(data: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return pages, fonts.stdout


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def _page_rows(html: str) -> dict[str, list[str]]:
    """Each row of the page's sub-area table: its label and the numbers in its cells."""
    table = html.split('class="figures children"', 1)[1].split("<tbody>", 1)[1]
    table = table.split("</tbody>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>|<tr class=\"total\">(.*?)</tr>", table, re.S):
        cells = tr[0] or tr[1]
        label = re.sub(r"<[^>]+>", "", cells.split("</th>", 1)[0]).strip()
        rows[label] = _numbers(re.sub(r"<[^>]+>", " ", cells.split("</th>", 1)[1]))
    return rows


@needs_poppler
def test_pdf_opens_with_the_cjk_font_embedded(data, login_as, tree, tmp_path):
    """The PDF starts with %PDF, has pages, and embeds the app's CJK font (not a fallback)."""
    client = login_as(tree.admin)
    response = client.get(f"/reports/{data.root_id}/pdf?date={TODAY.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    pages, fonts = _pdf_pages(response.data, tmp_path)
    assert pages >= 1
    embedded = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert embedded and all("Gridwork-CJK" in line for line in embedded), fonts
    assert all(line.split()[-5] == "yes" for line in embedded), fonts  # the "emb" column


@needs_poppler
def test_page_and_pdf_show_the_same_numbers(data, login_as, tree, tmp_path):
    """Every row of the sub-area table has the same numbers on the page and in the PDF."""
    client = login_as(tree.supervisor_a)  # grid A: the rows are MA and MA2
    query = f"date={(TODAY - timedelta(days=1)).isoformat()}"
    page = client.get(f"/reports/{data.grid_a_id}?{query}").get_data(as_text=True)
    pdf = client.get(f"/reports/{data.grid_a_id}/pdf?{query}").data
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    rows = _page_rows(page)
    assert set(rows) == {"1幢1单元", "1幢2单元", "合计"}
    table = text.split("各下辖区域", 1)[1]
    for label, numbers in rows.items():
        line = next(line for line in table.splitlines() if line.strip().startswith(label))
        assert _numbers(line.split(label, 1)[1]) == numbers, label
    assert rows["合计"][:2] == [str(n) for n in _key_numbers(page)]


def _key_numbers(page: str) -> tuple[int, int]:
    key = re.sub(r"<[^>]+>", " ", page.split('<dl class="key">', 1)[1].split("</dl>", 1)[0])
    households, person_times = _numbers(key)[:2]
    return int(households), int(person_times)


@needs_poppler
def test_long_table_breaks_across_pages_with_its_header_repeated(app, tree, login_as, tmp_path):
    """70 sub-areas: every page has the running header and its number, every page of the
    table its header."""
    with app.app_context():
        grid_b = db.session.get(Grid, tree.grid_b.id)
        for i in range(70):
            add_grid(grid_b, 4, f"{i + 10}幢", f"MB{i:03d}", "building")
        db.session.commit()
    client = login_as(tree.admin)
    response = client.get(f"/reports/{tree.grid_b.id}/pdf")
    pages, _fonts = _pdf_pages(response.data, tmp_path)
    assert pages >= 2
    path = tmp_path / "long.pdf"
    path.write_bytes(response.data)
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "第二网格 · 日报" in text
        if re.search(r"\d+幢", text):  # a page of the long table (the lists follow it)
            assert "下辖区域" in text
        assert f"第{page}页/共{pages}页" in re.sub(r"\s", "", text)


@needs_poppler
def test_period_pdf_states_the_sentence_of_the_page(data, login_as, tree, tmp_path):
    """The period PDF opens, embeds the font and carries the page's summary sentence."""
    client = login_as(tree.admin)
    query = f"from={(TODAY - timedelta(days=9)).isoformat()}&to={TODAY.isoformat()}"
    page = client.get(f"/reports/{data.root_id}/period?{query}").get_data(as_text=True)
    response = client.get(f"/reports/{data.root_id}/period/pdf?{query}")
    assert response.data.startswith(b"%PDF")
    pages, fonts = _pdf_pages(response.data, tmp_path)
    assert pages == 1 and "Gridwork-CJK" in fonts
    seed = r"累计走访(\d+)户、(\d+)人次，服务居家观察对象(\d+)户、(\d+)人次"
    on_page = re.search(seed, page).groups()
    path = tmp_path / "p.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(seed, re.sub(r"\s", "", text)).groups() == on_page


def test_report_page_has_chart_table_and_links(data, login_as, tree):
    """The page shows the day's figures, an inline SVG chart (no script) and links per child."""
    client = login_as(tree.admin)
    page = client.get(f"/reports/{data.community_id}").get_data(as_text=True)
    assert "<html" in page and "日报" in page
    assert '<svg class="trend"' in page and "<script" not in page.split('<svg class="trend"')[1]
    assert f"/reports/{data.grid_a_id}?date={TODAY.isoformat()}" in page
    assert f"/reports/{data.community_id}/pdf?date={TODAY.isoformat()}" in page


def test_day_picker_swaps_only_the_report_body(data, login_as, tree):
    """htmx gets the report section alone; without htmx, or on Back, the same GET is a page."""
    client = login_as(tree.admin)
    url = f"/reports/{data.root_id}?date={(TODAY - timedelta(days=3)).isoformat()}"
    partial = client.get(url, headers=HX)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section id="report">')
    assert "HX-Request" in partial.headers.get("Vary", "")
    assert "<html" in client.get(url).get_data(as_text=True)
    # The Back button: htmx restores history with HX-Request set and wants the whole page.
    restore = client.get(url, headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, message",
    [
        ("date=2024-02-30", "不是有效日期"),
        ("date=hello", "不是有效日期"),
        ("date=2024-03-06", "以后"),
        ("date=1900-01-01", "2000-01-01"),
    ],
)
def test_bad_day_gets_a_message_not_a_500(tree, login_as, query, message):
    """A bad or future day answers 422 with a Chinese message, on the page and for the PDF."""
    client = login_as(tree.admin)
    for path in (f"/reports/{tree.root.id}", f"/reports/{tree.root.id}/pdf"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2024-03-05&to=2024-03-01", "开始日期晚于结束日期"),
        ("from=2014-01-01&to=2024-03-01", "最长 366 天"),
        ("from=2024-03-01&to=2024-03-09", "以后"),
        ("from=x&to=2024-03-01", "不是有效日期"),
    ],
)
def test_bad_period_gets_a_message_not_a_500(tree, login_as, query, message):
    """from > to, a ten-year period, a future end or a non-date answer 422 with a message."""
    client = login_as(tree.admin)
    for path in (f"/reports/{tree.root.id}/period", f"/reports/{tree.root.id}/period/pdf"):
        response = client.get(f"{path}?{query}", headers=HX if path.endswith("period") else {})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)


def test_dates_typed_without_a_picker_are_understood(tree, login_as):
    """2024/3/4, 2024年3月4日 and 20240304 all mean 4 March 2024."""
    client = login_as(tree.admin)
    for typed in ("2024/3/4", "2024年3月4日", "20240304"):
        page = client.get(f"/reports/{tree.root.id}", query_string={"date": typed})
        assert page.status_code == 200
        assert "2024年3月4日" in page.get_data(as_text=True)


def test_worker_gets_own_report_and_404_elsewhere(tree, login_as):
    """A field worker opens the report of their micro-grid, not of another branch."""
    client = login_as(tree.worker_a)
    assert client.get(f"/reports/{tree.micro_a.id}").status_code == 200
    assert client.get(f"/reports/{tree.micro_b.id}").status_code == 404
    assert client.get("/reports/").headers["Location"].endswith(f"/reports/{tree.micro_a.id}")


def test_grid_browser_links_to_todays_report(tree, login_as):
    """Every node of the grid browser links to its own report of today."""
    client = login_as(tree.admin)
    for grid_id in (tree.community.id, tree.micro_a.id):
        page = client.get(f"/grids/{grid_id}").get_data(as_text=True)
        assert f'href="/reports/{grid_id}"' in page and "今日日报" in page


def test_chart_scale_and_markup():
    """The scale is a round step; the chart is plain SVG with one bar per day."""
    assert [nice_step(n) for n in (1, 7, 40, 41, 999)] == [1, 2, 10, 20, 500]
    points = [TrendPoint(TODAY - timedelta(days=13 - i), i, i, 2 * i) for i in range(14)]
    svg = str(trend_svg(points, today=TODAY))
    assert svg.startswith("<svg") and svg.count("<rect") == 14 and "<script" not in svg


def test_a_feature_adds_figures_to_the_report_without_editing_it(db_url, tree):
    """A part that a feature registers gets its column in every row, its total and its key
    figure, on the page."""
    from dataclasses import dataclass as figures

    from jinja2 import ChoiceLoader, DictLoader

    from webapp.reports.parts import DAILY_PARTS, DailyPart, Figures

    from .conftest import PASSWORD, make_app

    @figures
    class Requests(Figures):
        new: int = 0

    def read(node, key, day, at):
        # One figure per child: 2 in each.
        return {
            child.path: Requests(2)
            for child in db.session.scalars(select(Grid).where(Grid.parent_id == node.id))
        }

    macros = (
        "{% macro key(report, f) %}<div><dt>新诉求</dt><dd><b>{{ f.new }}</b></dd></div>"
        "{% endmacro %}{% macro sections(r, e, p) %}{% endmacro %}"
        "{% macro below(r, e, p) %}{% endmacro %}{% macro colgroup() %}<col>{% endmacro %}"
        '{% macro group_head() %}<th rowspan="2">诉求</th>{% endmacro %}'
        "{% macro heads() %}{% endmacro %}"
        "{% macro cells(f) %}<td>{{ f.new }}</td>{% endmacro %}"
        "{% macro notes(r, e) %}诉求：当日新收到的件数。{% endmacro %}"
    )
    app = make_app(db_url)
    loader = DictLoader({"requests/_report.html": macros})
    app.jinja_env.loader = ChoiceLoader([loader, app.jinja_env.loader])
    DAILY_PARTS.add(app, DailyPart("requests", 50, "requests/_report.html", Requests, read))
    client = app.test_client()
    client.post("/login", data={"phone": tree.admin.phone, "password": PASSWORD})
    page = client.get(f"/reports/{tree.community.id}").get_data(as_text=True)
    rows = _page_rows(page)
    assert rows[tree.grid_a.name][-1] == "2" and rows["合计"][-1] == "4"
    assert "新诉求" in page and "诉求：当日新收到的件数。" in page


def test_pdfs_are_named_after_the_node_and_the_days(tree, login_as):
    """The downloaded file says which node and which days it holds."""
    client = login_as(tree.admin)
    daily = client.get(f"/reports/{tree.community.id}/pdf?date={TODAY.isoformat()}")
    assert f"daily-report-C1-{TODAY.isoformat()}.pdf" in daily.headers["Content-Disposition"]
    first = TODAY - timedelta(days=6)
    period = client.get(
        f"/reports/{tree.community.id}/period/pdf?from={first.isoformat()}&to={TODAY.isoformat()}"
    )
    name = f"summary-C1-{first.isoformat()}-{TODAY.isoformat()}.pdf"
    assert name in period.headers["Content-Disposition"]


# --- what a supervisor asks of the daily report --------------------------------------------


def test_the_generated_days_have_every_new_figure(app, data):
    """The equality tests above compare something: the fortnight has returnees, households due,
    overdue follow-ups, fevers and symptoms, and visits that found nobody in."""
    seen = dict.fromkeys(["returnees", "due", "visited", "overdue", "alerts", "fevers", "away"], 0)
    with app.app_context():
        root = db.session.get(Grid, data.root_id)
        for days_ago in range(4):
            total = daily_report(root, TODAY - timedelta(days=days_ago), NOW).total
            seen["returnees"] += total["returnees"].returnees
            seen["due"] += total["due"].due
            seen["visited"] += total["due"].visited
            seen["overdue"] += total["observations"].follow_ups_overdue
            seen["alerts"] += total["observations"].alerts
            seen["fevers"] += total["observations"].fevers
            seen["away"] += total["visits"].not_at_home
    assert all(seen.values()), seen


@pytest.mark.parametrize("hour, over", [(5, 0), (11, 0), (12, 1), (19, 1), (20, 2)])
def test_follow_ups_are_overdue_once_their_slot_is_over(app, tree, hour, over):
    """Today a slot is overdue once it has ended (webapp/observations/slots.py past_slots)
    and no follow-up was made for it; a past day's missing slots are all overdue."""
    clock.freeze(datetime.combine(TODAY, datetime.min.time()).replace(hour=hour))
    with app.app_context():
        observation = db.session.get(Observation, tree.observation_b.id)
        observation.start_date = TODAY - timedelta(days=1)
        db.session.add(
            FollowUp(
                observation_id=observation.id,
                slot_date=TODAY - timedelta(days=1),
                slot="am",
                worker_id=tree.worker_b.id,
                grid_id=tree.micro_b.id,
                temperature=38.2,
                symptoms=["cough"],
                recorded_at=day_start(TODAY - timedelta(days=1)) + timedelta(hours=9),
                client_key="late-fever-1",
            )
        )
        db.session.commit()
        micro = db.session.get(Grid, tree.micro_b.id)
        assert daily_report(micro, TODAY).total["observations"].follow_ups_overdue == over
        yesterday = daily_report(micro, TODAY - timedelta(days=1)).total["observations"]
        assert (yesterday.follow_ups_overdue, yesterday.alerts, yesterday.fevers) == (1, 1, 1)


def _direct_period(prefix: str, first: date, last: date) -> dict:
    """End colours, new observations and new returnees of first..last, one row at a time."""
    at_end = direct(prefix, last)
    paths = dict(db.session.execute(select(Grid.id, Grid.path)).all())
    end = day_start(last + timedelta(days=1))
    households = {h.id: h for h in db.session.scalars(select(Household))}
    moves = sorted(db.session.scalars(select(HouseholdMove)), key=lambda m: (m.moved_at, m.id))
    resident_moves = sorted(
        db.session.scalars(select(ResidentMove)), key=lambda m: (m.moved_at, m.id)
    )

    def then(moved: list, own_id, now_value, key: str, frm: str, to: str):
        own = [m for m in moved if getattr(m, key) == own_id]
        before = [m for m in own if m.moved_at < end]
        after = [m for m in own if m.moved_at >= end]
        return getattr(before[-1], to) if before else getattr(after[0], frm) if after else now_value

    def grid_of(household_id: int) -> int:
        h = households[household_id]
        return then(moves, h.id, h.grid_id, "household_id", "from_grid_id", "to_grid_id")

    new_observations = 0
    for obs in db.session.scalars(select(Observation)):
        home = then(
            resident_moves,
            obs.id,
            obs.household_id,
            "observation_id",
            "from_household_id",
            "to_household_id",
        )
        new_observations += first <= obs.start_date <= last and paths[grid_of(home)].startswith(
            prefix
        )
    returnees = 0
    for r in db.session.scalars(select(Resident)):
        if "returnee" not in r.tags or not day_start(first) <= r.created_at < end:
            continue
        home = then(
            resident_moves,
            r.id,
            r.household_id,
            "resident_id",
            "from_household_id",
            "to_household_id",
        )
        returnees += paths[grid_of(home)].startswith(prefix)
    return {
        "colours": at_end["colours"].by_status,
        "new": new_observations,
        "returnees": returnees,
    }


@pytest.mark.parametrize("first_ago, last_ago", [(9, 1), (3, 0), (16, 2)])
def test_period_summary_ends_with_colours_new_observations_and_returnees(
    app, data, first_ago, last_ago
):
    """Households per colour at the end of the period, observations started in it and
    returnees registered in it equal direct counts, per sub-area and in total."""
    first, last = TODAY - timedelta(days=first_ago), TODAY - timedelta(days=last_ago)
    with app.app_context():
        for node_id in (data.township_id, data.community_id, data.grid_a_id):
            node = db.session.get(Grid, node_id)
            report = period_report(node, first, last)
            for grid, row in [(node, report.total), *report.rows]:
                found = {
                    "colours": row["colours"].by_status,
                    "new": row["observations"].new,
                    "returnees": row["returnees"].returnees,
                }
                assert found == _direct_period(grid.path, first, last), grid.name


def _snapshot(node: Grid, day: date) -> dict:
    report = daily_report(node, day, clock.now())
    rows = {child.id: as_dict(row) for child, row in report.rows}
    raised = [(r.household_id, r.to_status, r.reason) for r in report.extras["colours"].rows]
    workers = [asdict(w) for w in worker_list(node, day).rows]
    return {"total": as_dict(report.total), "rows": rows, "raised": raised, "workers": workers}


def test_a_past_day_stays_the_same_after_later_moves_visits_and_colours(app, data, tree):
    """Moving a household and a returnee, visiting and recolouring today leave every figure,
    list and row of yesterday and of three days ago as they were."""
    from webapp.households.rules import move
    from webapp.residents.rules import move_to
    from webapp.statuses.rules import set_household_status
    from webapp.visits.rules import log_visit

    days = [TODAY - timedelta(days=1), TODAY - timedelta(days=3)]
    node_ids = (data.root_id, data.township_id, data.community_id, data.grid_a_id)
    with app.app_context():
        before = {(i, d): _snapshot(db.session.get(Grid, i), d) for i in node_ids for d in days}
        micro_b = db.session.get(Grid, data.micro_b_id)
        for household in db.session.scalars(
            select(Household).where(Household.grid_id == data.micro_a_id)
        ).all():
            move(household, micro_b, tree.worker_a.id)
            log_visit(household, tree.worker_a.id, NOW, "door", f"later-{household.id}")
            set_household_status(household, "orange", "密接", tree.worker_a.id)
        returnee = db.session.scalars(
            select(Resident).where(Resident.name.like("返乡%")).order_by(Resident.created_at)
        ).first()
        elsewhere = db.session.scalars(
            select(Household).where(Household.id != returnee.household_id)
        ).first()
        move_to(returnee, elsewhere, tree.worker_a.id)
        db.session.commit()
        after = {(i, d): _snapshot(db.session.get(Grid, i), d) for i in node_ids for d in days}
    assert after == before


def _masked_change(app, tree) -> None:
    """Household A turns red today; its reason names its resident with a phone and an ID."""
    with app.app_context():
        db.session.add(
            StatusChange(
                household_id=tree.household_a.id,
                worker_id=tree.worker_a.id,
                grid_id=tree.micro_a.id,
                changed_at=NOW - timedelta(hours=2),
                from_status="yellow",
                to_status="red",
                reason="张三确诊，电话13812345678，身份证330702199001011237",
            )
        )
        db.session.add(
            StatusChange(
                household_id=tree.household_b.id,
                worker_id=tree.worker_b.id,
                grid_id=tree.micro_b.id,
                changed_at=NOW - timedelta(hours=1),
                from_status="green",
                to_status="orange",
                reason="密切接触",
            )
        )
        db.session.commit()


@needs_poppler
def test_red_and_orange_households_are_listed_with_why_masked(app, tree, login_as, tmp_path):
    """The day's households turned red or orange are listed on the page and in the PDF, with
    the reason; names, phones and ID numbers in it are masked."""
    _masked_change(app, tree)
    client = login_as(tree.admin)
    page = client.get(f"/reports/{tree.community.id}").get_data(as_text=True)
    listed = page.split('id="raised"', 1)[1].split("</ul>", 1)[0]
    assert "1幢1单元101室" in listed and "9幢2单元202室" in listed
    assert "张*确诊，电话138****5678，身份证330702********1237" in listed
    assert "张*" in listed and "第一网格 / 1幢1单元" in listed
    text = _pdf_text(client.get(f"/reports/{tree.community.id}/pdf").data, tmp_path)
    flat = re.sub(r"\s", "", text)
    assert "张*确诊，电话138****5678，身份证330702********1237" in flat
    for whole in ("13812345678", "330702199001011237", "张三确诊"):
        assert whole not in page and whole not in flat
    # A grid's report lists only what happened under it.
    page_b = client.get(f"/reports/{tree.grid_b.id}").get_data(as_text=True)
    assert "9幢2单元202室" in page_b and "1幢1单元101室" not in page_b.split('id="raised"')[1]


def _pdf_text(data: bytes, tmp_path, layout: bool = False) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _key_boxes(page: str) -> dict[str, str]:
    """The key figures of the page: label → the bold number."""
    key = page.split('<dl class="key">', 1)[1].split("</dl>", 1)[0]
    return {
        re.sub(r"<[^>]+>", "", label).strip(): number
        for label, number in re.findall(r"<dt>(.*?)</dt><dd><b>(\d+)</b>", key, re.S)
    }


def _printed_boxes(pdf: bytes, tmp_path) -> dict[str, str]:
    """The key figures of the PDF's first page: each label → the number printed right below it
    (the first line under it that starts where it starts)."""
    path = tmp_path / "boxes.pdf"
    path.write_bytes(pdf)
    out = tmp_path / "boxes.html"
    subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox-layout", str(path), str(out)], check=True
    )
    lines = []
    for attrs, body in re.findall(r"<line ([^>]*)>(.*?)</line>", out.read_text(), re.S):
        x, y = (float(re.search(rf'{a}="([\d.]+)"', attrs).group(1)) for a in ("xMin", "yMin"))
        lines.append((x, y, "".join(re.findall(r">([^<]+)</word>", body))))
    found = {}
    for x, y, text in lines:
        below = [line for line in lines if abs(line[0] - x) < 2 and line[1] > y + 1]
        if below:
            number = re.match(r"\d+", min(below, key=lambda line: line[1])[2])
            if number:
                found.setdefault(text, number.group())
    return found


def _table_rows(html: str, css_class: str) -> dict[str, list[str]]:
    """Each body row of the table of `css_class`: its first cell's text and its numbers."""
    table = html.split(f'class="figures {css_class}"', 1)[1].split("<tbody>", 1)[1]
    table = table.split("</tbody>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        label = re.sub(r"<[^>]+>", "", cells[0]).strip()
        rows[label] = _numbers(" ".join(re.sub(r"<[^>]+>", " ", c) for c in cells[1:]))
    return rows


@needs_poppler
@pytest.mark.parametrize("days_ago", [0, 2])
def test_page_and_pdf_carry_the_same_new_numbers(data, login_as, tree, tmp_path, days_ago):
    """The key figures, the second per-area table and the worker list have the same numbers
    on the page and in the PDF."""
    client = login_as(tree.admin)
    query = f"date={(TODAY - timedelta(days=days_ago)).isoformat()}&sort=visits"
    page = client.get(f"/reports/{data.community_id}?{query}").get_data(as_text=True)
    pdf = client.get(f"/reports/{data.community_id}/pdf?{query}").data
    boxes = _key_boxes(page)
    assert {"应走访户数", "登记返乡人员", "逾期随访", "发热或有症状"} <= set(boxes)
    printed = _printed_boxes(pdf, tmp_path)
    for label, number in boxes.items():
        assert printed[re.sub(r"\s", "", label)] == number, (label, number)
    layout = _pdf_text(pdf, tmp_path, layout=True)
    work = _table_rows(page, "work")
    assert set(work) == {"第一网格", "第二网格", "合计"}
    table = layout.split("各下辖区域应办与异常", 1)[1]
    for label, numbers in work.items():
        line = next(line for line in table.splitlines() if line.strip().startswith(label))
        assert _numbers(line.split(label, 1)[1]) == numbers, label
    workers = _table_rows(page, "workers")
    listed = layout.split("各网格员走访", 1)[1]
    lines = [line.strip() for line in listed.splitlines() if line.strip()]
    for name, numbers in workers.items():
        line = next(line for line in lines if line.startswith(name))
        assert _numbers(line)[-4:] == numbers[-4:], name
    # The PDF lists the workers in the page's order.
    order = [name for name in workers]
    assert sorted(order, key=lambda name: layout.index(name)) == order


def test_worker_list_sums_to_the_visits_and_sorts(app, data, tree, login_as):
    """Every worker under the node is listed (with 0 when they made no visit); the visits add
    up to the report's; each sort orders the rows; an unknown sort gets the area order."""
    day = TODAY - timedelta(days=1)
    with app.app_context():
        community = db.session.get(Grid, data.community_id)
        report = daily_report(community, day, NOW)
        listed = worker_list(community, day)
        assert sum(w.visits for w in listed.rows) == report.total["visits"].visits
        assert sum(w.person_times for w in listed.rows) == report.total["visits"].person_times
        assert sum(w.not_at_home for w in listed.rows) == report.total["visits"].not_at_home
        names = {w.name for w in listed.rows}
        assert {"王主任", "赵网格", "钱网格"} <= names and "管理员" not in names
        for w in listed.rows:
            made = [
                v
                for v in db.session.scalars(select(Visit).where(Visit.worker_id == w.worker_id))
                if day_start(day) <= v.visited_at < day_start(TODAY)
            ]
            assert (w.visits, w.households) == (len(made), len({v.household_id for v in made}))
    client = login_as(tree.admin)
    url = f"/reports/{data.community_id}?date={day.isoformat()}"

    def column(sort: str, index: int) -> list[str]:
        html = client.get(f"{url}&sort={sort}").get_data(as_text=True)
        body = html.split('class="figures workers"', 1)[1].split("<tbody>", 1)[1]
        body = body.split("</tbody>", 1)[0]
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in rows]
        return [re.sub(r"<[^>]+>", "", c[index]).strip() for c in cells]

    visits = [int(n) for n in column("visits", 2)]
    assert visits == sorted(visits, reverse=True) and visits[0] > 0
    households = [int(n) for n in column("households", 3)]
    assert households == sorted(households, reverse=True)
    assert column("name", 0) == sorted(column("name", 0))
    assert column("nonsense", 0) == column("area", 0)
    html = client.get(f"{url}&sort=visits").get_data(as_text=True)
    assert 'aria-sort="descending"' in html and "sort=visits" in html.split("PDF")[0]


def test_a_node_with_too_many_workers_lists_none(app, tree, login_as, monkeypatch):
    """Above WORKERS_SHOWN workers the report says that the sub-areas list theirs."""
    monkeypatch.setattr("webapp.reports.workers.WORKERS_SHOWN", 2)
    client = login_as(tree.admin)
    page = client.get(f"/reports/{tree.root.id}").get_data(as_text=True)
    assert "下辖网格员超过 2 名" in page and 'class="figures workers"' not in page


@needs_poppler
def test_pdfs_carry_their_dates_and_a_sign_off(data, login_as, tree, tmp_path):
    """The period PDF's title (document and heading) carries its dates; both PDFs end with
    填报人 and 审核人 lines."""
    client = login_as(tree.admin)
    first, last = TODAY - timedelta(days=9), TODAY - timedelta(days=1)
    query = f"from={first.isoformat()}&to={last.isoformat()}"
    period = client.get(f"/reports/{data.community_id}/period/pdf?{query}").data
    path = tmp_path / "period.pdf"
    path.write_bytes(period)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    title = re.search(r"^Title:\s+(.*)$", info.stdout, re.M).group(1)
    assert first.isoformat() in title and last.isoformat() in title and "期间汇总" in title
    flat = re.sub(r"\s", "", _pdf_text(period, tmp_path))
    assert "湖海塘社区期间汇总2024年2月25日至2024年3月4日" in flat
    assert "填报人" in flat and "审核人" in flat
    daily = client.get(f"/reports/{data.community_id}/pdf?date={last.isoformat()}").data
    flat = re.sub(r"\s", "", _pdf_text(daily, tmp_path))
    assert (
        "填报人" in flat and "审核人" in flat and flat.index("填报人") > flat.index("各网格员走访")
    )


def test_period_page_shows_what_the_period_ended_with(data, login_as, tree):
    """The period summary's page names the red and orange households at its end, and the new
    observations and returnees, as its table totals have them."""
    client = login_as(tree.admin)
    first, last = TODAY - timedelta(days=9), TODAY
    query = f"from={first.isoformat()}&to={last.isoformat()}"
    page = client.get(f"/reports/{data.community_id}/period?{query}").get_data(as_text=True)
    with client.application.app_context():
        total = period_report(db.session.get(Grid, data.community_id), first, last).total
    colours = total["colours"].by_status
    sentence = (
        f"期末红码{colours['red']}户、橙码{colours['orange']}户；期间新增居家观察"
        f"{total['observations'].new}人、新增返乡人员{total['returnees'].returnees}人。"
    )
    assert sentence in page
    totals = _table_rows(page, "period")["合计"]
    assert [str(colours[s]) for s in STATUSES] == totals[3:8]
