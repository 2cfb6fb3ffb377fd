"""A month of enterprise problems (企业难题) for the demo, written in bulk with the case
machinery's rules of time, as the resident requests are (webapp/demo/requests.py, whose
helpers this uses): each problem is logged, taken, handled and rated at drawn moments, the
rises that fell due meanwhile on its timeline at their own minutes; those still open at the
demo's "now" keep a running clock, so the app derives their rises when read.

The enterprises are the demo's own, read from the database (none: nothing to do). About 3.5
problems per enterprise in the month: ≈ 1,000 on the zone, a few dozen on the small demo.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Case, CaseEvent, Enterprise, EnterpriseProblem, Worker
from ..problems.kind import KIND
from ..problems.rules import fingerprint
from . import bulk
from .requests import RATING_TEXT, _Demo, _Request

DAYS = 30
PER_ENTERPRISE_MONTH = 3.5
CATEGORY_MIX = (
    ("staffing", 0.30),
    ("supplies", 0.48),
    ("logistics", 0.63),
    ("housing", 0.73),
    ("government", 0.85),
    ("security", 0.90),
    ("dispute", 0.95),
    ("other", 1.0),
)
URGENT = 0.2
LATE_ACCEPT, LATE_RESOLVE = 0.12, 0.12
RETURNED = 0.05
RATED = 0.85
RATINGS = (("satisfied", 0.75), ("mostly", 0.93), ("unsatisfied", 1.0))
BY_ACCOUNT = 0.35
COMMENTED = 0.25

TEXTS = {
    "staffing": (
        "复工后缺少熟练工二十余名，希望协助对接招工",
        "外地员工返岗困难，需要协调包车接回",
        "新招员工健康证办理慢，影响上岗",
    ),
    "supplies": (
        "口罩库存只够三天，请求协调采购渠道",
        "缺少消毒液和测温枪，复工检查过不了",
        "防护服供应商停产，需要新的货源",
    ),
    "logistics": (
        "原材料运输车辆进不了园区，需要通行证",
        "快递物流停运，成品发不出去",
        "货车司机从外地来，不知道怎么报备",
    ),
    "housing": (
        "返岗员工集中隔离住宿不够，需要协调宿舍",
        "员工租住的小区不让进，希望社区协调",
    ),
    "government": (
        "复工备案材料不清楚，请帮忙指导",
        "社保减免政策怎么申请，需要上门讲解",
        "营业执照变更窗口暂停，急需办理",
    ),
    "security": ("厂区周边夜间有人翻墙，请加强巡逻", "门口道路占道经营，影响车辆进出"),
    "dispute": ("与供应商因延期交货发生纠纷", "员工工资发放有争议，需要调解"),
    "other": ("食堂复工需要卫生检查，请安排时间", "希望协调附近公交恢复班次"),
}
REPLIES = (
    "已对接人社部门，招聘会安排在下周",
    "已协调物资供应渠道，货已送到",
    "已办理车辆通行证",
    "已上门指导，材料已齐全",
    "已协调街道解决宿舍",
    "已联系派出所加强巡逻",
    "经调解双方达成一致",
)
PROGRESS = ("已电话了解情况", "已上门查看", "已联系主管部门协调")
COMMENTS = ("已列入部门协调清单", "部门已联系相关单位跟进", "请属地尽快反馈进展")
RETURN_REASON = "超出本级协调范围，请上级协调"


class _Problems(_Demo):
    def __init__(self, now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
        super().__init__(now, rng, echo)
        self.problem_hours = current_app.config["PROBLEM_LIMIT_HOURS"]
        self.auto_close = current_app.config["PROBLEM_AUTO_CLOSE_DAYS"]

    def read_enterprises(self) -> list:
        session = db.session
        self.accounts = {
            enterprise: worker
            for worker, enterprise in session.execute(
                select(Worker.id, Worker.enterprise_id)
                .where(Worker.enterprise_id.is_not(None), Worker.active)
                .order_by(Worker.id)
            )
        }
        self.reviewers = {
            department: worker
            for worker, department in session.execute(
                select(Worker.id, Worker.department_id)
                .where(Worker.department_id.is_not(None), Worker.active)
                .order_by(Worker.id)
            )
        }
        return list(
            session.execute(
                select(
                    Enterprise.id,
                    Enterprise.grid_id,
                    Enterprise.department_id,
                    Enterprise.liaison_id,
                )
                .where(Enterprise.active)
                .order_by(Enterprise.id)
            )
        )

    def problem_limit(self, category: str, urgency: str, stage: str) -> int:
        hours = self.problem_hours
        accept, resolve = hours.get(category, hours["normal"])
        if urgency == "urgent":
            accept, resolve = min(accept, hours["urgent"][0]), min(resolve, hours["urgent"][1])
        return round((accept if stage == "accept" else resolve) * 60)

    def worker_at(self, node: int, fallback: int) -> int:
        pool = self.node_workers.get(node) or self.micro_workers.get(node)
        return self.choice(pool) if pool else fallback

    def problem_story(self, r: _Request, case: dict, urgency: str, liaison: int, firm: int):
        rng, now = self.rng, self.now
        accept_limit = self.problem_limit(r.category, urgency, "accept")
        resolve_limit = self.problem_limit(r.category, urgency, "resolve")
        self.event(r, "submitted", r.at, case["created_by_id"], grid_id=r.grid)

        running = partial(self.running, r, case)

        late = rng.random() < LATE_ACCEPT
        delay = accept_limit * (1 + rng.random() * 2 if late else 0.05 + rng.random() * 0.8)
        taken = r.at + timedelta(minutes=delay)
        if taken >= now:
            running("new", r.grid, r.at, accept_limit)
            return
        holder = self.rises(r, r.grid, r.at, accept_limit, taken)
        first_due = r.at + timedelta(minutes=accept_limit)
        if holder == r.grid and len(r.chain) > 1 and rng.random() < RETURNED:
            actor = self.worker_at(holder, liaison)
            parent = r.chain[-2]
            self.event(r, "returned", taken, actor, grid_id=parent, text=RETURN_REASON)
            holder, taken = parent, taken + timedelta(minutes=accept_limit * rng.random() * 0.8)
            if taken >= now:
                running("returned", parent, taken, accept_limit)
                return
        actor = liaison if holder == r.grid else self.worker_at(holder, liaison)
        case.update(accepted_at=taken, accepted_in_time=taken < first_due, assignee_id=actor)
        self.event(r, "accepted", taken, actor, grid_id=holder)
        reviewer = self.reviewers.get(case["_department"])
        rounds = 0
        while True:
            rounds += 1
            late = rng.random() < LATE_RESOLVE
            share = 1 + rng.random() * 1.5 if late else 0.1 + rng.random() * 0.8
            resolved = taken + timedelta(minutes=resolve_limit * share)
            step = taken + (resolved - taken) * 0.4
            if rng.random() < 0.6 and step < now:
                self.event(r, "progress", step, actor, text=self.choice(PROGRESS))
            if reviewer and rng.random() < COMMENTED and step < now:
                self.event(r, "comment", step, reviewer, text=self.choice(COMMENTS))
            if resolved >= now:
                running("in_progress" if rounds == 1 else "reopened", holder, taken, resolve_limit)
                return
            holder = self.rises(r, holder, taken, resolve_limit, resolved)
            case.update(state="resolved", resolved_at=resolved, resolved_by_id=actor, rating=None)
            case.update(clock_start=None, clock_start_min=None, limit_min=None, due_at=None)
            case["holder_id"], case["holder_level"] = holder, r.chain.index(holder)
            self.event(r, "resolved", resolved, actor, text=self.choice(REPLIES))
            account = self.accounts.get(firm)
            if rng.random() >= RATED:
                return
            rated = resolved + timedelta(minutes=30 + rng.random() * 36 * 60)
            if rated >= now or (rated - resolved).days >= self.auto_close:
                return
            rating = self.pick(RATINGS) if rounds == 1 else "mostly"
            case.update(rating=rating, rated_at=rated)
            self.event(r, "rated", rated, account, text=RATING_TEXT[rating])
            if rating != "unsatisfied":
                case.update(state="closed", closed_at=rated)
                self.event(r, "closed", rated)
                return
            holder = r.chain[max(0, r.chain.index(holder) - 1)]
            self.event(r, "reopened", rated, grid_id=holder)
            taken, actor = rated, self.worker_at(holder, liaison)
            case["assignee_id"] = None

    def run_problems(self) -> int:
        firms = self.read_enterprises()
        if not firms:
            return 0
        self.read()
        first_case = bulk.next_id(Case)
        first_day = self.now.date() - timedelta(days=DAYS - 1)
        total = round(len(firms) * PER_ENTERPRISE_MONTH)
        cases, problems, events = [], [], []
        # Who handles a problem of an enterprise without a liaison officer and without a
        # worker at its node (the demo always has some worker).
        anyone = next(iter(self.worker_names))
        for n in range(total):
            rng = self.rng
            firm, grid, department, liaison = self.choice(firms)
            at = self.moment(first_day, 8, 10)
            chain = [int(p) for p in self.paths[grid].split(".") if p]
            category = self.pick(CATEGORY_MIX)
            urgency = "urgent" if rng.random() < URGENT else "normal"
            text = self.choice(TEXTS[category])
            liaison = liaison or self.worker_at(grid, anyone)
            account = self.accounts.get(firm)
            by = account if account and rng.random() < BY_ACCOUNT else liaison
            r = _Request(first_case + n, grid, chain, category, at)
            case = self.new_case(
                r, KIND, text, len(chain) - 1, by, fingerprint(firm, category, text)
            )
            case["_department"] = department
            self.problem_story(r, case, urgency, liaison, firm)
            del case["_department"]
            cases.append(case)
            problems.append(
                {
                    "case_id": r.id,
                    "enterprise_id": firm,
                    "department_id": department,
                    "urgency": urgency,
                }
            )
            events.extend(r.rows)
        first_event = bulk.next_id(CaseEvent)
        for i, row in enumerate(events):
            row["id"] = first_event + i
        bulk.insert(Case, cases)
        bulk.insert(EnterpriseProblem, problems)
        bulk.insert(CaseEvent, events)
        return len(cases)


def load_problems(now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
    """Write a month of the demo enterprises' problems up to `now`, drawing from `rng`."""
    n = _Problems(now, rng, echo).run_problems()
    if n:
        echo(f"  enterprise problems: {n}")
