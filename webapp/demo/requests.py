"""A month of resident requests for the demo, written in bulk with the case machinery's rules
of time: each request is sent, taken, handled and rated at drawn moments, and wherever the
taking or the handling came later than its category's limit the rises that fell due meanwhile
are on its timeline at their own minutes (as webapp/cases/rules.settle writes them). Requests
still open at the demo's "now" keep a running clock, so the app derives their rises when read.

About 3 requests a month per 100 households (at least 90 on the small demo): 6,000 on the zone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import select

from ..cases.clock import minutes
from ..codes import ALPHABET, LENGTH
from ..extensions import db
from ..models import Case, CaseEvent, Grid, Household, Mediation, ServiceRequest, Worker
from ..requests.rules import fingerprint
from . import bulk, words

DAYS = 30
PER_HOUSEHOLD_MONTH = 0.03
AT_LEAST = 90
CATEGORY_MIX = (("need", 0.45), ("complaint", 0.70), ("dispute", 0.85), ("epidemic", 1.0))
LATE_ACCEPT, LATE_RESOLVE = 0.18, 0.15
RETURNED, MERGED = 0.03, 0.02
RATED = 0.65
RATINGS = (("satisfied", 0.72), ("mostly", 0.90), ("unsatisfied", 1.0))
OUTCOMES = (("settled", 0.70), ("partial", 0.90), ("failed", 1.0))
RATING_TEXT = {"satisfied": "满意", "mostly": "基本满意", "unsatisfied": "不满意"}
# The outcomes as the app writes them on the timeline (in the office's language).
OUTCOME_TEXT = {"settled": "调解成功", "partial": "部分达成", "failed": "未达成"}
AUTO_CLOSE_DAYS_DEFAULT = 7

TEXTS = {
    "need": (
        "楼道灯坏了，晚上上下楼看不见",
        "家里老人独居，腿脚不便，想请网格员帮忙代买降压药",
        "小区门口的垃圾桶满了好几天没人清运",
        "想办理居住证明，不知道需要带什么材料",
        "家里水管漏水，物业电话一直打不通",
        "隔离在家，米和蔬菜快吃完了，能否帮忙代购",
        "想给孩子办理转学手续，请帮忙问一下社区",
        "楼下电动车充电线乱拉，担心安全",
    ),
    "complaint": (
        "晚上十点以后楼下广场舞音乐太吵",
        "小区地下车库积水很久没人处理",
        "建议在路口增加一个减速带，孩子上学不安全",
        "有人在楼道里堆放杂物，堵住了消防通道",
        "附近工地夜间施工，影响休息",
        "小区绿化带被人种了菜，希望处理",
    ),
    "dispute": (
        "楼上卫生间漏水到我家，协商多次没有结果",
        "邻居在公共走廊装了鞋柜，双方争吵",
        "家里老人赡养问题，兄弟之间有矛盾",
        "夫妻经常吵架，孩子很害怕，希望社区帮忙调解",
        "两户因为停车位发生争执",
        "邻居家的狗经常半夜叫，沟通后吵了起来",
    ),
    "epidemic": (
        "301室一家人昨天从风险地区回来，没有登记",
        "隔壁租户最近发烧咳嗽，没去医院",
        "楼里有人从外地返回，说是没做核酸",
        "对面楼有人隔离期间外出买菜",
        "单元里有快递员住户，最近在中风险地区送货",
    ),
}
REPLIES = {
    "need": ("已上门处理，问题已解决", "已协调物业当天处理", "已代办完成并送到家中"),
    "complaint": ("已联系相关部门整改", "已现场劝导，情况好转", "已转城管部门处理并回访"),
    "dispute": ("双方达成一致", "经调解双方和解"),
    "epidemic": ("已上门核实并登记", "已通知社区卫生服务站跟进", "核实为误报，已说明情况"),
}
PROGRESS = ("已电话联系居民了解情况", "已上门查看现场", "已联系物业协调")
RETURN_REASON = "不属于本微网格事务，请上级协调"
MEDIATOR_ROLES = ("社区妇联主席", "人民调解员", "楼道长", "社区民警")


@dataclass
class _Request:
    id: int
    grid: int
    chain: list[int]  # root .. micro-grid
    category: str
    at: datetime
    rows: list[dict] = field(default_factory=list)  # events


class _Demo:
    def __init__(self, now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
        self.now, self.rng, self.echo = now, rng, echo
        config = current_app.config
        self.hours = config["REQUEST_LIMIT_HOURS"]
        self.auto_close = config.get("REQUEST_AUTO_CLOSE_DAYS", AUTO_CLOSE_DAYS_DEFAULT)
        self.codes: set[str] = set()

    # --- what is read ------------------------------------------------------------------------

    def read(self) -> None:
        session = db.session
        self.paths = dict(session.execute(select(Grid.id, Grid.path)).all())
        self.levels = dict(session.execute(select(Grid.id, Grid.level)).all())
        self.micro_workers: dict[int, list[int]] = {}
        self.node_workers: dict[int, list[int]] = {}
        self.worker_names: dict[int, str] = {}
        for worker_id, scope_id, role, name in session.execute(
            select(Worker.id, Worker.scope_id, Worker.role, Worker.name)
            .where(Worker.active, Worker.role != "admin")
            .order_by(Worker.id)
        ):
            self.worker_names[worker_id] = name
            if self.levels.get(scope_id) == 4 and role == "worker":
                self.micro_workers.setdefault(scope_id, []).append(worker_id)
            else:
                self.node_workers.setdefault(scope_id, []).append(worker_id)
        self.homes: dict[int, list[tuple[int, str]]] = {}
        for hid, grid_id, address in session.execute(
            select(Household.id, Household.grid_id, Household.address)
            .where(Household.active)
            .order_by(Household.id)
        ):
            self.homes.setdefault(grid_id, []).append((hid, address))
        self.grids = sorted(g for g in self.micro_workers if g in self.homes)

    # --- helpers -----------------------------------------------------------------------------

    def pick(self, table):
        x = self.rng.random()
        return next(value for value, upto in table if x < upto)

    def choice(self, values):
        return values[int(self.rng.random() * len(values))]

    def code(self) -> str:
        while True:
            code = "".join(self.choice(ALPHABET) for _ in range(LENGTH))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def limit(self, category: str, stage: str) -> int:
        accept, resolve = self.hours[category]
        return round((accept if stage == "accept" else resolve) * 60)

    def someone_at(self, node: int, micro: int) -> int:
        """A worker of `node` (for the micro-grid itself, one of its own)."""
        pool = self.micro_workers.get(node) or self.node_workers.get(node)
        if not pool:
            pool = self.micro_workers[micro]
        return self.choice(pool)

    def name(self) -> str:
        return self.choice(words.SURNAMES) + self.choice(words.FEMALE_OLD + words.MALE_OLD)

    def phone(self) -> str:
        return self.choice(words.PHONE_PREFIXES) + "".join(
            str(int(self.rng.random() * 10)) for _ in range(8)
        )

    def moment(self, first_day: date, opens: int, hours: int) -> datetime:
        """A drawn minute of the DAYS from `first_day`, in the `hours` from `opens` o'clock;
        today's after now is drawn again in the ten hours before it."""
        rng = self.rng
        day = first_day + timedelta(days=int(rng.random() * DAYS))
        at = datetime.combine(day, time(opens)) + timedelta(minutes=int(rng.random() * hours * 60))
        if at >= self.now:
            at = self.now - timedelta(minutes=1 + int(rng.random() * 600))
        return at

    def new_case(
        self, r: _Request, kind: str, text: str, level: int, by: int | None, digest: str
    ) -> dict:
        """The case row of `r` as it is sent: new, at its micro-grid, no clock yet (its story
        fills in the rest)."""
        return {
            "id": r.id,
            "kind": kind,
            "category": r.category,
            "state": "new",
            "text": text,
            "grid_id": r.grid,
            "holder_id": r.grid,
            "holder_level": level,
            "assignee_id": None,
            "clock_start": None,
            "clock_start_min": None,
            "limit_min": None,
            "due_at": None,
            "created_at": r.at,
            "created_by_id": by,
            "accepted_at": None,
            "accepted_in_time": None,
            "resolved_at": None,
            "resolved_by_id": None,
            "closed_at": None,
            "rating": None,
            "rated_at": None,
            "urged_at": None,
            "merged_into_id": None,
            "code": self.code(),
            "client_key": None,
            "fingerprint": digest,
        }

    # --- one request's story -----------------------------------------------------------------

    def running(
        self,
        r: _Request,
        case: dict,
        state: str,
        holder: int,
        start: datetime,
        limit: int,
        due: datetime | None = None,
    ) -> None:
        """Leave `case` open at the demo's now: in `state` at `holder`, its clock running from
        `start` for `limit` minutes (or until `due`)."""
        case.update(
            state=state,
            holder_id=holder,
            holder_level=r.chain.index(holder),
            clock_start=start,
            clock_start_min=minutes(start),
            limit_min=limit,
            due_at=due or start + timedelta(minutes=limit),
        )

    def event(self, r: _Request, kind: str, at: datetime, actor=None, **values) -> None:
        r.rows.append(
            {
                "case_id": r.id,
                "at": at,
                "kind": kind,
                "actor_id": actor,
                "by_resident": values.pop("by_resident", False),
                "grid_id": values.pop("grid_id", None),
                "worker_id": values.pop("worker_id", None),
                "text": values.pop("text", None),
            }
        )

    def rises(self, r: _Request, holder: int, start: datetime, limit: int, until: datetime):
        """Write the rises from `holder` between `start` and `until`; the holder after them."""
        level = r.chain.index(holder)
        steps = min(level, int((until - start).total_seconds() // 60) // limit)
        for k in range(1, steps + 1):
            self.event(
                r, "escalated", start + timedelta(minutes=limit * k), grid_id=r.chain[level - k]
            )
        return r.chain[level - steps]

    def story(self, r: _Request, case: dict, merged_into: int | None) -> None:
        rng, now, micro = self.rng, self.now, r.grid
        accept_limit = self.limit(r.category, "accept")
        resolve_limit = self.limit(r.category, "resolve")
        by_worker = case["created_by_id"]
        self.event(r, "submitted", r.at, by_worker, by_resident=by_worker is None, grid_id=micro)

        running = partial(self.running, r, case)

        if merged_into is not None:
            at = r.at + timedelta(minutes=30 + int(rng.random() * 180))
            if at < now:
                actor = self.someone_at(r.chain[3], micro)
                case.update(state="merged", merged_into_id=merged_into)
                self.event(r, "merged", at, actor)
                self.merged_in.append((merged_into, at, actor))
                return
            running("new", micro, r.at, accept_limit, None)
            return

        # Taking it: in time mostly, else after one or more rises.
        late = rng.random() < LATE_ACCEPT
        delay = accept_limit * (1 + rng.random() * 2.2 if late else 0.05 + rng.random() * 0.85)
        taken = r.at + timedelta(minutes=delay)
        if taken >= now:
            running("new", micro, r.at, accept_limit, None)
            return
        holder = self.rises(r, micro, r.at, accept_limit, taken)
        first_due = r.at + timedelta(minutes=accept_limit)
        if holder == micro and rng.random() < RETURNED:
            actor = self.someone_at(micro, micro)
            parent = r.chain[-2]
            self.event(r, "returned", taken, actor, grid_id=parent, text=RETURN_REASON)
            holder, taken = parent, taken + timedelta(minutes=accept_limit * rng.random() * 0.8)
            if taken >= now:
                running("returned", parent, taken, accept_limit, None)
                return
        elif late and rng.random() < 0.3:
            urger = self.someone_at(r.chain[2], micro)
            self.event(r, "urged", first_due + timedelta(minutes=10), urger, text="请尽快受理")
            case["urged_at"] = first_due + timedelta(minutes=10)
        actor = self.someone_at(holder, micro)
        case.update(accepted_at=taken, accepted_in_time=taken < first_due, assignee_id=actor)
        self.event(r, "accepted", taken, actor, grid_id=holder)

        rounds = 0
        while True:
            rounds += 1
            late = rng.random() < LATE_RESOLVE
            share = 1 + rng.random() * 1.5 if late else 0.1 + rng.random() * 0.8
            resolved = taken + timedelta(minutes=resolve_limit * share)
            if rng.random() < 0.5:
                step = taken + (resolved - taken) * 0.3
                if step < now:
                    self.event(r, "progress", step, actor, text=self.choice(PROGRESS))
            if resolved >= now:
                running(
                    "in_progress" if rounds == 1 else "reopened", holder, taken, resolve_limit, None
                )
                return
            holder = self.rises(r, holder, taken, resolve_limit, resolved)
            reply = self.choice(REPLIES[r.category])
            if r.category == "dispute":
                outcome = self.pick(OUTCOMES)
                self.mediation(r, actor, resolved, outcome)
                self.event(r, "mediation", resolved, actor, text=OUTCOME_TEXT[outcome])
                if outcome == "failed" and holder != r.chain[0]:
                    parent = r.chain[r.chain.index(holder) - 1]
                    self.event(
                        r, "returned", resolved, actor, grid_id=parent, text="调解未达成，提交上级"
                    )
                    holder, taken = parent, resolved + timedelta(hours=2 + rng.random() * 20)
                    actor = self.someone_at(holder, micro)
                    if taken >= now:
                        case["assignee_id"] = None
                        running("returned", holder, resolved, accept_limit, None)
                        return
                    self.event(r, "accepted", taken, actor, grid_id=holder)
                    case["assignee_id"] = actor
                    continue
                reply = OUTCOME_TEXT[outcome]
            case.update(state="resolved", resolved_at=resolved, resolved_by_id=actor, rating=None)
            case.update(clock_start=None, clock_start_min=None, limit_min=None, due_at=None)
            case["holder_id"], case["holder_level"] = holder, r.chain.index(holder)
            self.event(r, "resolved", resolved, actor, text=reply)
            if rng.random() >= RATED:
                return
            rated = resolved + timedelta(minutes=30 + rng.random() * 48 * 60)
            if rated >= now or (rated - resolved).days >= self.auto_close:
                return
            rating = self.pick(RATINGS) if rounds == 1 else "mostly"
            case.update(rating=rating, rated_at=rated)
            self.event(r, "rated", rated, by_resident=True, text=RATING_TEXT[rating])
            if rating != "unsatisfied":
                case.update(state="closed", closed_at=rated)
                self.event(r, "closed", rated)
                return
            holder = r.chain[max(0, r.chain.index(holder) - 1)]
            self.event(r, "reopened", rated, grid_id=holder)
            taken, actor = rated, self.someone_at(holder, micro)
            case["assignee_id"] = None

    def mediation(self, r: _Request, actor: int, at: datetime, outcome: str) -> None:
        self.mediations.append(
            {
                "id": self.next_mediation + len(self.mediations),
                "case_id": r.id,
                "parties": f"{self.name()}、{self.name()}",
                "mediators": [
                    {"name": self.worker_names[actor], "role": "网格员", "worker_id": actor},
                    {"name": self.name(), "role": self.choice(MEDIATOR_ROLES), "worker_id": None},
                ],
                "held_on": at.date(),
                "place": self.choice(("社区调解室", "当事人家中", "小区议事亭")),
                "outcome": outcome,
                "agreement": "双方同意各自让步，按协议执行" if outcome != "failed" else None,
                "recorded_by_id": actor,
                "recorded_at": at,
            }
        )

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> int:
        self.read()
        if not self.grids:
            return 0
        households = sum(len(h) for h in self.homes.values())
        total = max(AT_LEAST, round(households * PER_HOUSEHOLD_MONTH))
        first_case = bulk.next_id(Case)
        self.next_mediation = bulk.next_id(Mediation)
        self.mediations: list[dict] = []
        self.merged_in: list[tuple[int, datetime, int]] = []
        first_day = self.now.date() - timedelta(days=DAYS - 1)
        cases, sents, events = [], [], []
        last_in_grid: dict[int, tuple[int, datetime]] = {}
        by_id: dict[int, dict] = {}
        for n in range(total):
            rng = self.rng
            at = self.moment(first_day, 7, 15)
            grid = self.choice(self.grids)
            chain = [int(p) for p in self.paths[grid].split(".") if p]
            category = self.pick(CATEGORY_MIX)
            r = _Request(first_case + n, grid, chain, category, at)
            text = self.choice(TEXTS[category])
            by_worker = self.choice(self.micro_workers[grid]) if rng.random() < 0.15 else None
            home = self.choice(self.homes[grid])
            phone = self.phone() if rng.random() < 0.7 else None
            digest = fingerprint(grid, category, text, phone)
            case = self.new_case(r, "request", text, 4, by_worker, digest)
            earlier = last_in_grid.get(grid)
            merged_into = None
            if (
                earlier
                and timedelta(0) < at - earlier[1] < timedelta(days=2)
                and by_id[earlier[0]]["state"] != "merged"
                and rng.random() < MERGED * 5
            ):
                merged_into = earlier[0]
            self.story(r, case, merged_into)
            by_id[r.id] = case
            last_in_grid[grid] = (r.id, at)
            sents.append(
                {
                    "case_id": r.id,
                    "name": self.name() if rng.random() < 0.6 else None,
                    "phone": phone,
                    "address": home[1] if rng.random() < 0.8 else None,
                    "channel": "worker" if by_worker else "public",
                    "household_id": home[0] if by_worker else None,
                    "has_photo": False,
                }
            )
            cases.append(case)
            events.extend(r.rows)
        for into, at, actor in self.merged_in:
            events.append(
                {
                    "case_id": into,
                    "at": at,
                    "kind": "merged_in",
                    "actor_id": actor,
                    "by_resident": False,
                    "grid_id": None,
                    "worker_id": None,
                    "text": by_id[into]["code"],
                }
            )
        first_event = bulk.next_id(CaseEvent)
        for i, row in enumerate(events):
            row["id"] = first_event + i
        # A case merged into another must be written after it (the foreign key).
        bulk.insert(Case, [c for c in cases if c["merged_into_id"] is None])
        bulk.insert(Case, [c for c in cases if c["merged_into_id"] is not None])
        bulk.insert(ServiceRequest, sents)
        bulk.insert(CaseEvent, events)
        bulk.insert(Mediation, self.mediations)
        return len(cases)


def load_requests(now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
    """Write a month of resident requests up to `now`, drawing from `rng`."""
    n = _Demo(now, rng, echo).run()
    echo(f"  resident requests: {n}")
