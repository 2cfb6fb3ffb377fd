"""The demo's checkpoints (卡口): five on the zone's roads in, each the responsibility of a
township or a community, staffed on three shifts, with a month of checks at the seed's rate
(≈ 60,000 in the zone: ≈ 2,000 a day across the five, more by day than at night; a few hundred
on the small demo), a few fevers turned back or sent to isolation, and arrivals handed over to
their destination micro-grids, mostly received, a few late and still open.

The checks are written in bulk (Core executemany, webapp/demo/bulk.py: ids from the database,
nothing points at them). The handovers, their cases and their receiving go through the
checkpoints' rules with the clock frozen at each moment, so that the time limits, the rises on
the timeline, the returnees registered and the audit trail are the app's own.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..checkpoints import rules
from ..extensions import db
from ..identity import id_check_char
from ..models import (
    MICRO_LEVEL,
    Checkpoint,
    CheckpointCheck,
    Grid,
    Household,
    Worker,
    shift_at,
)
from . import bulk, words

DAYS = 30
ZONE_CHECKS = 60_000
AT_LEAST = 300
ZONE_HOUSEHOLDS = 200_000
# Handovers: the arrivals who stay, registered and handed over (on top of the checks).
ZONE_HANDOVERS, AT_LEAST_HANDOVERS = 450, 30
LATE_RECEIVED, LEFT_OPEN_LATE, LEFT_OPEN = 0.06, 4, 3
# Where they stand and who answers for them: (name, road or place, township index); the node is
# the township on the zone, the township or one of its communities on the small demo.
PLACES = (
    ("金华东高速出口卡口", "甬金高速金华东出口 · 李渔路口"),
    ("330国道湖海塘卡口", "330国道 · 湖海塘路口"),
    ("八一南街南入口卡口", "八一南街 · 南二环西路口"),
    ("金衢路汤溪卡口", "金衢路 · 汤溪大街口"),
    ("宾虹路西入口卡口", "宾虹路 · 金帆街口"),
)
SHARES = (0.30, 0.24, 0.18, 0.16, 0.12)
# Checks by hour of the day (relative): quiet at night, busiest mid-morning and late afternoon.
HOURS = (2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 9, 8, 7, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2)
VEHICLE = 0.32
PERSON_OUTCOMES = (("let_through", 0.955), ("turned_back", 0.995), ("isolation", 1.0))
VEHICLE_OUTCOMES = (("let_through", 0.96), ("turned_back", 1.0))
MEASURED = 0.7  # persons whose temperature is taken
FEVER = 0.003
# Arrivals' home regions (the first six digits of an ID number) and where they come from.
ARRIVALS = (
    ("420106", "武汉"),
    ("420902", "孝感"),
    ("330302", "温州"),
    ("310101", "上海"),
    ("330106", "杭州"),
    ("320505", "苏州"),
    ("361102", "上饶"),
    ("522401", "毕节"),
    ("440305", "深圳"),
    ("411502", "信阳"),
)


def load_checkpoints(now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
    """Set up the checkpoints and write their month up to `now`, drawing from `rng`."""
    _Demo(now, rng, echo).run()


class _Demo:
    def __init__(self, now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
        self.now = now
        self.rng = rng
        self.echo = echo
        self.fever_at: float = current_app.config["FEVER_TEMPERATURE"]
        self.used_ids: set[str] = set()

    def run(self) -> None:
        session = db.session
        # The loaders before wrote explicit ids: PostgreSQL's sequences must be past them
        # before the rules insert cases, residents and audit entries of their own.
        bulk.reset_sequences()
        households = session.scalar(select(db.func.count()).select_from(Household)) or 0
        self.scale = households / ZONE_HOUSEHOLDS
        self.small = self.scale < 0.05
        townships = list(
            session.scalars(select(Grid).where(Grid.level == 1, Grid.active).order_by(Grid.id))
        )
        if not townships:
            return
        communities = list(
            session.scalars(select(Grid).where(Grid.level == 2, Grid.active).order_by(Grid.id))
        )
        nodes = self.responsible(townships, communities)
        checkpoints = [
            rules.set_up(node, name, place)
            for (name, place), node in zip(PLACES, nodes, strict=True)
        ]
        session.flush()
        self.staff = {cp.id: self.put_staff(cp) for cp in checkpoints}
        session.commit()
        total = round(ZONE_CHECKS * self.scale)
        total = max(total, AT_LEAST) if self.small else total
        self.write_checks(checkpoints, total)
        handovers = round(ZONE_HANDOVERS * self.scale)
        handovers = max(handovers, AT_LEAST_HANDOVERS) if self.small else handovers
        self.hand_over(checkpoints, handovers)
        self.echo(f"  {total:,} checkpoint checks, {handovers} handovers")

    # --- set-up ------------------------------------------------------------------------------

    def responsible(self, townships: list[Grid], communities: list[Grid]) -> list[Grid]:
        """Five nodes: the townships in turn, a street office's community now and then (the
        demo's street first, so its sign-ins see a checkpoint); on one township, the township
        and its communities."""
        streets = [t for t in townships if t.name.endswith("街道")]
        first = (streets or townships)[0]
        if len(townships) >= 5:
            others = [t for t in townships if t is not first]
            return [first, *others[:3], *(c for c in communities if c.parent_id == first.id)][:5]
        mine = [c for c in communities if c.parent_id == first.id]
        picked = [first, *mine]
        while len(picked) < 5:
            picked.append(picked[len(picked) % max(1, len(mine) + 1)])
        return picked[:5]

    def put_staff(self, checkpoint: Checkpoint) -> dict[str, list[int]]:
        """Two field workers of the node on each shift (the demo's micro-grid worker among the
        first checkpoint's day staff); worker ids by shift."""
        pool = list(
            db.session.scalars(
                select(Worker)
                .join(Grid, Grid.id == Worker.scope_id)
                .where(
                    Worker.role == "worker",
                    Worker.active,
                    Grid.path.startswith(checkpoint.grid.path),
                )
                .order_by(Worker.id)
                .limit(400)
            )
        )
        demo = next((w for w in pool if w.phone in DEMO_STAFF), None)
        self.rng.shuffle(pool)
        if demo is not None and not db.session.scalar(
            select(db.func.count()).select_from(Checkpoint).where(Checkpoint.id < checkpoint.id)
        ):
            pool.remove(demo)
            pool.insert(0, demo)
        staff: dict[str, list[int]] = {}
        for n, shift in enumerate(("day", "evening", "night")):
            chosen = pool[2 * n : 2 * n + 2] or pool[:1]
            for worker in chosen:
                rules.put_on(checkpoint, worker, shift)
            staff[shift] = [w.id for w in chosen]
        return staff

    # --- the checks --------------------------------------------------------------------------

    def moment(self, day: date) -> datetime:
        """A time on `day`, its hour drawn from HOURS."""
        hour = bisect(self.hour_cum, self.rng.random() * self.hour_cum[-1])
        return datetime.combine(day, time(min(hour, 23))) + timedelta(
            seconds=int(self.rng.random() * 3600)
        )

    def write_checks(self, checkpoints: list[Checkpoint], total: int) -> None:
        rng = self.rng
        draw = rng.random
        self.hour_cum = []
        running = 0
        for weight in HOURS:
            running += weight
            self.hour_cum.append(running)
        today = self.now.date()
        first_day = today - timedelta(days=DAYS - 1)
        share_cum = []
        running_share = 0.0
        for share in SHARES:
            running_share += share
            share_cum.append(running_share)
        rows = []
        normal = min(self.fever_at, 37.3) - 36.1  # a normal temperature's spread above 36.0
        per_day = total / DAYS
        n = 0
        for offset in range(DAYS):
            day = first_day + timedelta(days=offset)
            todays = round(per_day * (0.85 + 0.3 * draw()))
            for _ in range(todays):
                at = self.moment(day)
                if at > self.now:
                    continue
                cp = checkpoints[min(bisect(share_cum, draw()), len(checkpoints) - 1)]
                shift = shift_at(at)
                staff = self.staff[cp.id].get(shift) or self.staff[cp.id]["day"]
                vehicle = draw() < VEHICLE
                temperature = None
                fever = False
                if vehicle:
                    outcome = _pick(VEHICLE_OUTCOMES, draw())
                else:
                    outcome = _pick(PERSON_OUTCOMES, draw())
                    if draw() < MEASURED:
                        if draw() < FEVER:
                            fever = True
                            temperature = round(self.fever_at + draw() * 1.6, 1)
                            outcome = "isolation" if draw() < 0.6 else "turned_back"
                        else:
                            temperature = round(36.0 + draw() * normal, 1)
                n += 1
                rows.append(
                    {
                        "checkpoint_id": cp.id,
                        "worker_id": staff[int(draw() * len(staff))],
                        "checked_at": at,
                        "shift": shift,
                        "kind": "vehicle" if vehicle else "person",
                        "outcome": outcome,
                        "temperature": temperature,
                        "fever": fever,
                        "green_channel": False,
                        "client_key": f"demo-check-{n:08d}",
                    }
                )
        # A few fevers even on the small demo (turned back or sent to isolation).
        persons = [r for r in rows if r["kind"] == "person" and not r["fever"]]
        for row in persons[:: max(1, len(persons) // 3)][
            : max(0, 3 - sum(r["fever"] for r in rows))
        ]:
            row.update(
                fever=True,
                temperature=round(self.fever_at + 0.4, 1),
                outcome="isolation" if draw() < 0.5 else "turned_back",
            )
        bulk.insert(CheckpointCheck, rows)

    # --- the handovers -----------------------------------------------------------------------

    def arrival(self, micro: int, address: str) -> rules.Arrival:
        rng = self.rng
        region, origin = ARRIVALS[int(rng.random() * len(ARRIVALS))]
        year = 1960 + int(rng.random() * 45)
        born = date(year, 1, 1) + timedelta(days=int(rng.random() * 365))
        male = rng.random() < 0.55
        while True:
            first17 = f"{region}{born:%Y%m%d}{int(rng.random() * 499) * 2 + 2 - male:03d}"
            if first17 not in self.used_ids:
                self.used_ids.add(first17)
                break
        given = words.MALE_OLD if male else words.FEMALE_OLD
        name = rng.choice(words.SURNAMES) + rng.choice(given)
        phone = rng.choice(words.PHONE_PREFIXES) + f"{int(rng.random() * 100_000_000):08d}"
        return rules.Arrival(
            name,
            first17 + id_check_char(first17),
            phone,
            origin,
            address,
            db.session.get(Grid, micro),
        )

    def hand_over(self, checkpoints: list[Checkpoint], total: int) -> None:
        """`total` arrivals handed over through the rules at drawn moments; most received in
        time, some late (their rises written when received), a few still open."""
        rng = self.rng
        session = db.session
        frozen_before = clock._frozen  # restored after: a test may have frozen the clock
        homes: dict[int, list[tuple[int, str]]] = {}
        for hid, grid_id, address in session.execute(
            select(Household.id, Household.grid_id, Household.address)
            .join(Grid, Grid.id == Household.grid_id)
            .where(Household.active, Grid.level == MICRO_LEVEL, Grid.active)
            .order_by(Household.id)
        ):
            homes.setdefault(grid_id, []).append((hid, address))
        if not homes:
            return
        micros = sorted(homes)
        workers = dict(
            session.execute(
                select(Worker.scope_id, Worker.id)
                .where(Worker.scope_id.in_(micros), Worker.active)
                .order_by(Worker.id.desc())
            ).all()
        )
        limit = timedelta(hours=current_app.config["HANDOVER_LIMIT_HOURS"])
        first = self.now - timedelta(days=DAYS - 1)
        plans = []
        for n in range(total):
            if n < LEFT_OPEN_LATE:
                made = self.now - limit - timedelta(hours=2 + rng.random() * 70)
                received = None
            elif n < LEFT_OPEN_LATE + LEFT_OPEN:
                made = self.now - timedelta(hours=1 + rng.random() * 18)
                received = None
            else:
                made = first + timedelta(seconds=rng.random() * (self.now - first).total_seconds())
                late = rng.random() < LATE_RECEIVED
                wait = limit * (1 + rng.random() * 1.5) if late else limit * rng.random() * 0.7
                received = made + max(wait, timedelta(minutes=20))
                if received > self.now:
                    received = None
            plans.append((made.replace(microsecond=0), received))
        plans.sort(key=lambda p: p[0])
        ids = [cp.id for cp in checkpoints]
        cum = _cum(SHARES)
        try:
            # The rules flush where they need an id; autoflush before each of their reads would
            # only flush the same rows again. Every 50 the session is emptied: a unit of work
            # over hundreds of loaded objects costs more than the rows it writes.
            with session.no_autoflush:
                for n, (made, received) in enumerate(plans):
                    if n % 50 == 0:
                        session.commit()
                        session.expunge_all()
                        checkpoints = [session.get(Checkpoint, i) for i in ids]
                    cp = checkpoints[min(bisect(cum, rng.random()), len(checkpoints) - 1)]
                    shift = shift_at(made)
                    staff = self.staff[cp.id].get(shift) or self.staff[cp.id]["day"]
                    micro = micros[int(rng.random() * len(micros))]
                    household_id, address = homes[micro][int(rng.random() * len(homes[micro]))]
                    clock.freeze(made)
                    handover = rules.hand_over(
                        cp,
                        staff[int(rng.random() * len(staff))],
                        self.arrival(micro, address.split(" ")[-1]),
                        f"demo-handover-{n:06d}",
                        made,
                        round(36.2 + rng.random() * 0.8, 1),
                    )
                    if received is not None:
                        clock.freeze(received.replace(microsecond=0))
                        rules.receive_new(
                            handover,
                            session.get(Household, household_id),
                            workers.get(micro) or staff[0],
                            received.replace(microsecond=0),
                        )
            session.commit()
        finally:
            clock.freeze(frozen_before)


DEMO_STAFF = ("13900000004",)


def _pick(table: tuple[tuple[str, float], ...], x: float) -> str:
    for name, upto in table:
        if x < upto:
            return name
    return table[-1][0]


def _cum(shares: tuple[float, ...]) -> list[float]:
    out, running = [], 0.0
    for share in shares:
        running += share
        out.append(running)
    return out
