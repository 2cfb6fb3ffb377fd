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
    StatusChange,
    Visit,
)
from webapp.observations.report import ObservationFigures
from webapp.reports.queries import daily_report, period_report
from webapp.statuses.report import ColourFigures
from webapp.visits.chart import TrendPoint, nice_step, trend_svg
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

        def visit(h: Household, at: datetime, grid_id: int | None = None, persons: int = 2):
            db.session.add(
                Visit(
                    household_id=h.id,
                    worker_id=worker_id,
                    grid_id=grid_id or h.grid_id,
                    visited_at=at,
                    method="door",
                    persons_seen=persons,
                    client_key=_key(rng),
                )
            )

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
                                temperature=36.6,
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
        db.session.commit()
        return Data(
            tree.root.id,
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
        # The begun slots it owes: not those over before it was entered on its first day.
        entered_that_day = obs.start_date == day and obs.created_at.date() == day
        o.follow_ups_due += obs.current_on(day) and sum(
            1
            for first, after_last in ((6, 12), (12, 20))
            if (day < now.date() or now.hour >= first)
            and not (entered_that_day and obs.created_at.hour >= after_last)
        )
    o.follow_ups_done = sum(
        1 for u in db.session.scalars(select(FollowUp)) if inside(u.grid_id) and u.slot_date == day
    )

    for errand in db.session.scalars(select(Errand)):
        if not inside(errand.grid_id):
            continue
        e.opened += start <= errand.created_at < end
        e.done += errand.done_at is not None and start <= errand.done_at < end
        e.open += errand.created_at < end and (errand.done_at is None or errand.done_at >= end)
    return {"visits": v, "colours": c, "observations": o, "errands": e}


def as_dict(row: dict) -> dict:
    return {name: asdict(figures) for name, figures in row.items()}


# --- the numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("days_ago", [0, 1, 2, 6, 14])
def test_daily_numbers_equal_direct_counts_for_node_and_children(app, data, days_ago):
    """Total and every child row equal a row-by-row count, for every level of the tree."""
    day = TODAY - timedelta(days=days_ago)
    with app.app_context():
        for node_id in (data.root_id, data.community_id, data.grid_a_id, data.micro_b_id):
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
    assert len(set(used)) == 1 and used[0] <= 10, used


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
    """70 sub-areas: every page has the running header, the table header and its number."""
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
        assert "第二网格 · 日报" in text and "下辖区域" in text
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
