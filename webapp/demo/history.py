"""A month of demo field work at the seed's rates: visits, colour history, home observation with
its twice-daily follow-ups, and the errands those made.

The seed's first month: 39,456 households visited for 94,803 person-times, and 24,879
follow-up person-times of home-observation subjects, for a zone of 200,000 households; a
smaller demo gets the same rates in proportion, with a floor so that every page still has
something to show. The month is the 30 calendar days up to `now`, today included; the demo
history has nothing before it.

It runs after the tree, the workers and the households are written: it reads back what it
needs, plans each household's month in memory with a Random of its own, and writes the rows
in bulk with explicit ids, like the rest of the demo. Every story ends where people.py left
the household: its colour, its returnee's return date. The texts and colours that the app's
rules would write (an observation's start, a fever, an errand) are the rules' own; what a
worker types stays the demo's prose.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import (
    SYMPTOMS,
    Errand,
    FollowUp,
    Grid,
    Household,
    Observation,
    ObservationEvent,
    Resident,
    StatusChange,
    Visit,
    Worker,
)
from ..models.fieldwork import observation_current, observation_end
from ..models.grid import MICRO_LEVEL
from ..observations.rules import fever_reason, supplies_errand, under_observation_reason
from ..observations.slots import begun, slot_ends, slot_state, slots
from . import bulk

DAYS = 30
WORK_HOURS = (8, 20)  # visits and colour changes happen in daytime

# The seed's first month, at zone scale (200,000 households).
ZONE_HOUSEHOLDS = 200_000
HOUSEHOLDS_VISITED = 39_456
PERSON_TIMES = 94_803
VISITS = 47_350  # about 1.2 visits a visited household: the warned ones are seen more often
DUPLICATE_SHARE = 0.005
# Home observation: about 40 new subjects a day, 14 days each, gives the seed's 24,879
# follow-ups in the month (some 430 subjects at a time on average, rising from none on the
# first day); half of them are still under observation today.
CURRENT_OBSERVATIONS = 625
ENDED_OBSERVATIONS = 620
BACK_TO_GREEN = 600  # returnees lowered to green again without an observation
FEVER_RAISES = 20  # households lowered during observation and raised again by a fever
TODAY_RED, TODAY_ORANGE = 2, 3

MISSED_SLOT = 0.03
FEVER_SHARE = 0.01
SUPPLIES_SHARE = 0.05
METHODS = (("door", 0.80), ("phone", 0.90), ("wechat", 0.97), ("neighbour", 1.0))
# Extra visits beyond the first go mostly to warned households (their rhythm is tighter).
EXTRA_WEIGHT = {"red": 6.0, "orange": 3.0, "yellow": 1.0, "light_yellow": 0.3, "green": 0.04}
CHANGED_GREEN_WEIGHT = 0.3

SUPPLIES = (
    "米、油",
    "蔬菜、鸡蛋",
    "米、面、食用油",
    "降压药",
    "口罩、消毒液",
    "婴儿奶粉、尿不湿",
    "方便面、矿泉水",
    "水果、牛奶",
    "体温计",
    "煤气罐换气",
)
VISIT_NOTES = (
    "宣传防疫知识",
    "发放口罩",
    "提醒戴口罩、勤洗手",
    "张贴告知书",
    "登记家庭成员健康状况",
    "核对返乡人员信息",
    "家中老人身体正常",
    "提醒少出门、不聚集",
)


@dataclass(slots=True)
class _Person:
    id: int
    name: str
    place: str  # where they came back from, short: 温州
    returned: date


@dataclass(slots=True)
class _Obs:
    person: _Person
    start: date
    planned_end: date
    reason: str
    extend_on: date | None = None
    extend_reason: str = ""
    released_on: date | None = None
    release_reason: str = ""
    created_at: datetime | None = None
    extended_at: datetime | None = None
    released_at: datetime | None = None
    # The fever story: lowered one colour during the observation, raised again by a fever.
    calm_from: datetime | None = None
    fever_slot: tuple[date, str] | None = None
    fever: dict | None = None
    id: int = 0

    def current_on(self, day: date) -> bool:
        return observation_current(self.start, self.planned_end, self.released_on, day)


@dataclass(slots=True)
class _Home:
    id: int
    grid: int
    status: str
    members: int
    person: _Person | None = None
    story: str = ""
    # (day, from, to, by a worker?, reason, mark): the mark ties the moment to the observation:
    # "start", "release", "calm" (lowered during it) or None; a release may change no colour.
    plan: list[tuple] = field(default_factory=list)
    changes: list[tuple[datetime, str, str, bool, str]] = field(default_factory=list)
    obs: _Obs | None = None
    worker: int = 0


def load_history(now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
    """Write the month of field work up to `now`, drawing from `rng`."""
    _History(now, rng, echo).run()


def _place(origin: str | None) -> str:
    """浙江省温州市 → 温州, 上海市 → 上海."""
    text = origin or "外地"
    text = text.split("省", 1)[-1]
    return text[:-1] if text.endswith("市") and len(text) > 2 else text


class _History:
    def __init__(self, now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
        self.now = now
        self.today = now.date()
        self.first_day = self.today - timedelta(days=DAYS - 1)
        self.echo = echo
        self.rng = rng
        config = current_app.config
        self.slots = slots()
        self.obs_days: int = config["OBSERVATION_DAYS"]
        self.fever_at: float = config["FEVER_TEMPERATURE"]
        # The colours the app gives a returnee, an observation and a fever.
        self.returnee_status: str = config["RETURNEE_STATUS"]
        self.observation_status: str = config["OBSERVATION_STATUS"]
        self.fever_status: str = config["FEVER_RAISES_TO"]
        # Working seconds of each day of the month up to now, to draw visit times evenly.
        self.span_starts: list[datetime] = []
        self.span_cum: list[float] = [0.0]
        day = self.first_day
        while day <= self.today:
            a = datetime.combine(day, time(WORK_HOURS[0]))
            b = min(datetime.combine(day, time(WORK_HOURS[1])), now)
            if b > a:
                self.span_starts.append(a)
                self.span_cum.append(self.span_cum[-1] + (b - a).total_seconds())
            day += timedelta(days=1)

    # --- helpers -----------------------------------------------------------------------------

    def count(self, zone: int, minimum: int = 0) -> int:
        """`zone` scaled to this demo's households, at least `minimum` on a small demo."""
        n = round(zone * self.scale)
        return max(n, minimum) if self.small else n

    def moment(self, day: date, after: datetime | None = None, hours=WORK_HOURS) -> datetime:
        """A time on `day` within `hours`, later than `after`, never later than now."""
        lo = datetime.combine(day, time(hours[0]))
        hi = min(datetime.combine(day, time(hours[1])), self.now)
        if after is not None:
            lo = max(lo, after + timedelta(minutes=1))
        if lo >= hi:  # the day's hours are gone (or not yet come today): any time left that day
            lo = datetime.combine(day, time.min)
            if after is not None:
                lo = max(lo, after + timedelta(seconds=1))
            hi = min(datetime.combine(day, time.min) + timedelta(days=1, seconds=-1), self.now)
            if lo >= hi:
                return min(lo, self.now)
        return lo + timedelta(seconds=int(self.rng.random() * (hi - lo).total_seconds()))

    def work_time(self, after: datetime | None) -> datetime | None:
        """A working-hours moment of the month after `after`, evenly; None if none is left."""
        cum, starts = self.span_cum, self.span_starts
        if not starts:
            return None
        lo = 0.0
        if after is not None:
            i = bisect(starts, after) - 1
            if i >= 0:
                lo = cum[i] + min(max((after - starts[i]).total_seconds(), 0), cum[i + 1] - cum[i])
        if lo >= cum[-1] - 60:
            return None
        pos = lo + self.rng.random() * (cum[-1] - lo)
        i = min(bisect(cum, pos) - 1, len(starts) - 1)
        return starts[i] + timedelta(seconds=int(pos - cum[i]))

    def worker_of(self, grid: int) -> int:
        """Someone from the micro-grid, now and then its grid's leader."""
        rng = self.rng
        if rng.random() < 0.1 and (leaders := self.grid_leaders.get(self.parent[grid])):
            return leaders[int(rng.random() * len(leaders))]
        pool = self.micro_workers[grid]
        return pool[int(rng.random() * len(pool))]

    def someone(self, home: _Home) -> int:
        """Mostly the household's own worker."""
        return home.worker if self.rng.random() < 0.75 else self.worker_of(home.grid)

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> None:
        self.read()
        self.plan_stories()
        self.place_changes()
        self.write_observations(self.make_follow_ups())
        self.write_changes()
        self.write_visits()

    def read(self) -> None:
        session = db.session
        self.parent = dict(
            session.execute(select(Grid.id, Grid.parent_id).where(Grid.level == MICRO_LEVEL)).all()
        )
        self.micro_workers: dict[int, list[int]] = {}
        self.grid_leaders: dict[int, list[int]] = {}
        rows = session.execute(
            select(Worker.id, Worker.scope_id, Worker.positions)
            .where(Worker.role == "worker", Worker.active)
            .order_by(Worker.id)
        )
        for worker_id, scope_id, positions in rows:
            if scope_id in self.parent:
                pool = self.micro_workers.setdefault(scope_id, [])
                # The micro-grid's leader does more of its rounds than a floor leader.
                pool.extend([worker_id] * (2 if "micro_leader" in (positions or []) else 1))
            else:
                self.grid_leaders.setdefault(scope_id, []).append(worker_id)

        self.households = session.execute(
            select(Household.id, Household.grid_id, Household.status, Household.member_count)
            .where(Household.active)
            .order_by(Household.id)
        ).all()
        self.scale = len(self.households) / ZONE_HOUSEHOLDS
        self.small = self.scale < 0.05  # one township: floors apply (see count())
        people = session.execute(
            select(
                Resident.id,
                Resident.household_id,
                Resident.name,
                Resident.origin,
                Resident.return_date,
            )
            .where(Resident.return_date.is_not(None), Resident.active)
            .order_by(Resident.id)
        )
        returnees = {}
        for rid, hid, name, origin, returned in people:
            returnees.setdefault(hid, _Person(rid, name, _place(origin), returned))
        # Households with a returnee or a colour: the ones with a story to tell.
        self.homes: dict[int, _Home] = {}
        for hid, grid, status, members in self.households:
            if (hid in returnees or status != "green") and grid in self.micro_workers:
                home = _Home(hid, grid, status, members, returnees.get(hid))
                home.worker = self.worker_of(grid)
                self.homes[hid] = home

    # --- colour stories and observations -----------------------------------------------------

    def plan_stories(self) -> None:
        """Pick which households tell which story; the rest follow their colour plainly."""
        rng, today, obs_days = self.rng, self.today, self.obs_days

        def ago(home: _Home) -> int:
            return (today - home.person.returned).days

        def startable(home: _Home) -> bool:
            # An observation started today needs this morning's round to have begun.
            return ago(home) > 0 or self.now.hour >= WORK_HOURS[0] + 1

        by_status: dict[str, list[_Home]] = {}
        for home in self.homes.values():
            if home.person is not None and 0 <= ago(home) < DAYS:
                by_status.setdefault(home.status, []).append(home)
        red = by_status.get("red", [])
        orange = by_status.get("orange", [])
        yellow = by_status.get("yellow", [])
        green = by_status.get("green", [])

        def tell(story: str, pool: list[_Home], n: int) -> None:
            free = [h for h in pool if not h.story]
            for home in rng.sample(free, min(max(n, 0), len(free))):
                home.story = story

        current = self.count(CURRENT_OBSERVATIONS, 5)
        ended = self.count(ENDED_OBSERVATIONS, 4)
        # Current: close contacts (orange) and returnees from watched places (yellow), started
        # in the last 14 days, and a few older ones extended by a week.
        n_extended = max(round(current * 0.05), 1 if self.small else 0)
        tell("extended", [h for h in yellow if obs_days < ago(h) <= obs_days + 6], n_extended)
        n_orange = max(round(current * 0.35), 1)
        tell("observed", [h for h in orange if ago(h) <= obs_days and startable(h)], n_orange)
        n_orange = sum(1 for h in orange if h.story)
        n_extended = sum(1 for h in yellow if h.story)
        n_yellow = current - n_orange - n_extended
        tell("observed", [h for h in yellow if ago(h) <= obs_days and startable(h)], n_yellow)
        # A few of them were lowered to light yellow on the way, and raised again by a fever.
        fever = [h for h in yellow if h.story == "observed" and ago(h) >= 5]
        for home in rng.sample(fever, min(len(fever), self.count(FEVER_RAISES, 1))):
            home.story = "fever"
        # Ended in the month: yellow ones kept their colour, green ones were lowered again,
        # red ones were released early when their test came back positive.
        tell("ended", [h for h in yellow if ago(h) > obs_days], max(round(ended * 0.4), 1))
        # (lowered the day after the planned end, before today: today's list is left to the few)
        tell("ended", [h for h in green if ago(h) > obs_days + 1], max(round(ended * 0.5), 1))
        tell("confirmed", [h for h in red if ago(h) >= 2], round(ended * 0.1))
        # Returnees from elsewhere, watched for a few days and lowered to green, no observation.
        tell("back", [h for h in green if ago(h) >= 4], self.count(BACK_TO_GREEN, 2))

        # A few turned red or orange today, so that the today list shows them.
        self.today_ids: set[int] = set()
        reds = [h for h in red if h.story == "confirmed"] or red
        self.today_ids.update(h.id for h in rng.sample(reds, min(len(reds), TODAY_RED)))
        oranges = [h for h in orange if not h.story] or orange
        self.today_ids.update(h.id for h in rng.sample(oranges, min(len(oranges), TODAY_ORANGE)))

        for home in self.homes.values():
            self.plan_home(home)

    def later(self, first: date, most: int) -> date:
        """A day 1..`most` days after `first`, before today; `first` if there is none.

        Today is left to the households picked to turn red or orange today (and to those that
        came back today): the today list shows a handful, not a seventh of the month's.
        """
        span = min(most, (self.today - first).days - 1)
        return first + timedelta(days=self.rng.randint(1, span)) if span >= 1 else first

    def plan_home(self, home: _Home) -> None:
        """The colour changes that lead to the household's colour (and its observation)."""
        person, status, story = home.person, home.status, home.story
        if person is None or not 0 <= (self.today - person.returned).days < DAYS:
            if status != "green":  # a colour with no returnee behind it: found on a round
                home.plan = [(self.first_day, "green", status, True, "网格员排查发现，预警", None)]
            return
        if story in ("observed", "fever", "extended", "ended"):
            self.plan_observed(home)
        elif story == "confirmed":
            self.plan_confirmed(home)
        elif story == "back":
            came = f"外地返回（{person.place}）"
            day = person.returned + timedelta(days=3)
            day = max(day, self.later(person.returned, 14))
            on_return = self.returnee_status
            why = "健康监测无异常，核酸检测阴性，恢复绿色"
            home.plan = [
                (person.returned, "green", on_return, True, came, None),
                (day, on_return, "green", True, why, None),
            ]
        elif status != "green":
            self.plan_plain(home)

    def plan_observed(self, home: _Home) -> None:
        rng, person, status, story = self.rng, home.person, home.status, home.story
        back, today, observed = person.returned, self.today, self.observation_status
        came = f"外地返回（{person.place}）"
        start = back
        if story == "observed" and (today - back).days > 1 and rng.random() < 0.3:
            start = back + timedelta(days=1)  # registered the day after coming back
        reason = f"{came}，居家观察{self.obs_days}天"
        if status == "orange":
            reason = f"{came}，密切接触者，居家医学观察{self.obs_days}天"
        obs = home.obs = _Obs(person, start, start + timedelta(days=self.obs_days), reason)
        plan = home.plan
        in_today = home.id in self.today_ids
        if status == "orange" and not in_today and rng.random() < 0.6:
            plan.append(
                (start, "green", "orange", True, f"{came}，密切接触者，居家医学观察", "start")
            )
        else:
            # Starting an observation raises the household by rule (no worker), as the app does.
            if start > back or rng.random() < 0.3:
                plan.append((back, "green", self.returnee_status, True, came, None))
            was = plan[-1][2] if plan else "green"
            raised = (start, was, observed, False, under_observation_reason(person.name), "start")
            plan.append(raised)
            if status == "orange":
                day = today if in_today else self.later(start, 4)
                plan.append(
                    (day, observed, "orange", True, "经流调判定为密切接触者，升为橙色", None)
                )
        if story == "extended":
            obs.extend_on = start + timedelta(days=rng.randint(self.obs_days - 2, self.obs_days))
            obs.extend_reason = "同住人员核酸结果未出，延长观察7天"
            obs.planned_end += timedelta(days=7)
        elif story == "ended" and rng.random() < 0.2:
            obs.released_on = start + timedelta(days=rng.randint(7, 12))
            obs.release_reason = "两次核酸检测阴性，经评估提前解除观察"
        if story == "ended" and status == "green":
            # Lowered on the first day it is no longer under observation.
            day = observation_end(obs.planned_end, obs.released_on)
            if obs.released_on is None:
                why, mark = "居家观察期满，解除观察，恢复绿色", None
            else:
                why, mark = "核酸检测阴性，提前解除观察，恢复绿色", "release"
            plan.append((day, observed, "green", True, why, mark))
        elif obs.released_on is not None:
            plan.append((obs.released_on, "", "", False, "", "release"))
        if story == "fever":
            lowered = start + timedelta(days=rng.randint(2, 3))
            why = "连续3天体温正常，降为浅黄，继续居家观察"
            plan.append((lowered, observed, "light_yellow", True, why, "calm"))
            day = lowered + timedelta(days=rng.randint(1, (today - lowered).days - 1))
            obs.fever_slot = (day, rng.choice(list(self.slots)))

    def plan_confirmed(self, home: _Home) -> None:
        person = home.person
        came = f"外地返回（{person.place}）"
        start = person.returned
        obs = home.obs = _Obs(
            person,
            start,
            start + timedelta(days=self.obs_days),
            f"{came}，密切接触者，居家医学观察{self.obs_days}天",
        )
        obs.released_on = self.today if home.id in self.today_ids else self.later(start, 10)
        obs.release_reason = "核酸检测阳性，转定点医院隔离治疗"
        home.plan = [
            (start, "green", "orange", True, f"{came}，密切接触者，居家医学观察", "start"),
            (
                obs.released_on,
                "orange",
                "red",
                True,
                "核酸检测阳性，确诊病例，已转运定点医院",
                "release",
            ),
        ]

    def plan_plain(self, home: _Home) -> None:
        """No observation: the colour came with the return, or a few days after it."""
        rng, person, status = self.rng, home.person, home.status
        back, place, on_return = person.returned, person.place, self.returnee_status
        came = f"外地返回（{place}）"
        in_today = home.id in self.today_ids
        two_steps = in_today or rng.random() < 0.5
        plan = home.plan
        if status == "light_yellow":
            plan.append((back, "green", on_return, True, came, None))
        elif status == "yellow":
            if two_steps:
                plan.append((back, "green", on_return, True, came, None))
                why = f"来自疫情风险地区（{place}），居家健康监测"
                plan.append((self.later(back, 3), on_return, "yellow", True, why, None))
            else:
                why = f"从疫情风险地区（{place}）返回，居家健康监测"
                plan.append((back, "green", "yellow", True, why, None))
        elif status == "orange":
            if two_steps:
                plan.append((back, "green", on_return, True, came, None))
                day = self.today if in_today else self.later(back, 5)
                why = "经流调判定为密切接触者，集中隔离医学观察"
                plan.append((day, on_return, "orange", True, why, None))
            else:
                why = f"{came}，密切接触者，集中隔离医学观察"
                plan.append((back, "green", "orange", True, why, None))
        elif status == "red":
            if two_steps:
                why = f"{came}，密切接触者，集中隔离医学观察"
                plan.append((back, "green", "orange", True, why, None))
                day = self.today if in_today else self.later(back, 7)
                why = "核酸检测阳性，确诊病例，已转运定点医院"
                plan.append((day, "orange", "red", True, why, None))
            else:
                plan.append((back, "green", "red", True, "发热门诊疑似病例，已转运定点医院", None))

    def place_changes(self) -> None:
        """Give every planned change its moment, in order, and the observations theirs."""
        for home in self.homes.values():
            previous = None
            plan = home.plan
            for k, (day, old, new, by_worker, reason, mark) in enumerate(plan):
                hours = WORK_HOURS
                if mark == "start":  # in the morning, so that its first slot can be kept
                    hours = (WORK_HOURS[0], 11)
                elif k + 1 < len(plan) and plan[k + 1][0] == day and plan[k + 1][5] == "start":
                    hours = (WORK_HOURS[0], 10)
                at = self.moment(day, previous, hours)
                if at.hour >= hours[1] and hours != WORK_HOURS:
                    at = self.moment(day, previous)  # the morning was gone: later in the day
                previous = at
                if mark == "start":
                    home.obs.created_at = at
                elif mark == "release":
                    home.obs.released_at = at
                elif mark == "calm":
                    home.obs.calm_from = at
                if new:
                    home.changes.append((at, old, new, by_worker, reason))
            obs = home.obs
            if obs is not None and obs.extend_on is not None:
                obs.extended_at = self.moment(obs.extend_on, obs.created_at)

    # --- follow-ups and errands --------------------------------------------------------------

    def reading(self, obs: _Obs, at: datetime, forced: bool) -> tuple[float, list[str]]:
        """A temperature and symptoms: mostly normal, now and then a fever."""
        rng = self.rng
        calm = obs.calm_from is not None and obs.fever is None and at > obs.calm_from
        if forced or (not calm and rng.random() < FEVER_SHARE):
            temperature = round(rng.uniform(self.fever_at + (0.2 if forced else 0), 38.6), 1)
            symptoms = []
            if rng.random() < 0.5:
                symptoms = rng.sample(list(SYMPTOMS), rng.randint(1, 2))
            return max(temperature, self.fever_at), symptoms
        return min(max(round(rng.gauss(36.5, 0.25), 1), 36.0), 37.2), []

    def make_follow_ups(self) -> list[dict]:
        """Each begun slot of each observation day, up to now; a few slots were missed."""
        rng, now, today = self.rng, self.now, self.today
        rows: list[dict] = []
        for home in self.homes.values():
            obs = home.obs
            if obs is None:
                continue
            day = obs.start
            while day <= today and obs.current_on(day):
                for slot, (first, after_last) in self.slots.items():
                    state = slot_state(day, slot, now)
                    begin = datetime.combine(day, time(first))
                    end = datetime.combine(day, time(after_last))
                    if state == "later" or end <= obs.created_at:
                        continue  # the slot has not begun, or the observation had not
                    forced = obs.fever_slot == (day, slot)
                    lo = max(begin, obs.created_at + timedelta(minutes=1))
                    if state == "overdue":
                        if not forced and rng.random() < MISSED_SLOT:
                            continue
                        hi = end - timedelta(seconds=1)
                    else:  # open now: done by some, in proportion to the time gone
                        if rng.random() >= (now - begin) / (end - begin) * (1 - MISSED_SLOT):
                            continue
                        hi = now
                    if lo >= hi:
                        continue
                    at = lo + timedelta(seconds=int(rng.random() * (hi - lo).total_seconds()))
                    temperature, symptoms = self.reading(obs, at, forced)
                    row = {
                        "obs": obs,
                        "home": home,
                        "slot_date": day,
                        "slot": slot,
                        "worker_id": home.worker if rng.random() < 0.85 else self.someone(home),
                        "grid_id": home.grid,
                        "recorded_at": at,
                        "temperature": temperature,
                        "symptoms": symptoms,
                        "supplies": rng.choice(SUPPLIES) if rng.random() < SUPPLIES_SHARE else None,
                    }
                    rows.append(row)
                    if forced:
                        obs.fever = row
                day += timedelta(days=1)
        if self.small:
            self.leave_some_open(rows)
        return rows

    def leave_some_open(self, rows: list[dict]) -> None:
        """A small demo still shows an overdue and a due slot today, when the hour allows."""
        today, now = self.today, self.now
        observed = {id(h.obs) for h in self.homes.values() if h.obs and h.obs.current_on(today)}
        for slot in begun(today, now):
            done = [
                r
                for r in rows
                if r["slot_date"] == today and r["slot"] == slot and id(r["obs"]) in observed
            ]
            if done and len(done) == len(observed):
                rows.remove(self.rng.choice(done))

    def errand_rows(self, follow_ups: list[dict]) -> list[dict]:
        """An errand for each follow-up that asked for supplies; most are done by now."""
        rng, now = self.rng, self.now
        keep_open: set[int] = set()
        if self.small:  # a couple of fresh ones still open
            fresh = [r for r in follow_ups if r["obs"].current_on(self.today)][-2:]
            for row in fresh:
                row["supplies"] = row["supplies"] or rng.choice(SUPPLIES)
                keep_open.add(row["id"])
        errands = []
        for row in follow_ups:
            if not row["supplies"]:
                continue
            at = row["recorded_at"]
            age = now - at
            done_at = done_by = None
            chance = 0.0 if age < timedelta(hours=2) else 0.5 if age < timedelta(days=1) else 0.85
            if rng.random() < chance and row["id"] not in keep_open:
                most = min(age, timedelta(hours=26)) - timedelta(minutes=30)
                done_at = at + timedelta(minutes=30) + most * rng.random()
                done_at = done_at.replace(microsecond=0)
                done_by = self.someone(row["home"])
            errands.append(
                {
                    "household_id": row["home"].id,
                    "grid_id": row["grid_id"],
                    "follow_up_id": row["id"],
                    "description": supplies_errand(row["supplies"]),
                    "created_at": at,
                    "created_by_id": row["worker_id"],
                    "done_at": done_at,
                    "done_by_id": done_by,
                }
            )
        return errands

    def write_observations(self, follow_ups: list[dict]) -> None:
        observed = sorted(
            (h for h in self.homes.values() if h.obs is not None),
            key=lambda h: (h.obs.created_at, h.id),
        )
        obs_id = bulk.next_id(Observation)
        rows, events = [], []
        for n, home in enumerate(observed, obs_id):
            obs = home.obs
            obs.id = n
            rows.append(
                {
                    "id": n,
                    "resident_id": obs.person.id,
                    "household_id": home.id,
                    "start_date": obs.start,
                    "planned_end": obs.planned_end,
                    "reason": obs.reason,
                    "released_on": obs.released_on,
                    "release_reason": obs.release_reason or None,
                    "created_by_id": home.worker,
                    "created_at": obs.created_at,
                    "client_key": f"demo-o-{n}",
                }
            )
            first_end = obs.start + timedelta(days=self.obs_days)
            events.append((obs.created_at, n, home.worker, "start", obs.reason, first_end))
            if obs.extended_at is not None:
                events.append(
                    (obs.extended_at, n, home.worker, "extend", obs.extend_reason, obs.planned_end)
                )
            if obs.released_at is not None:
                worker = self.someone(home)
                events.append(
                    (obs.released_at, n, worker, "release", obs.release_reason, obs.planned_end)
                )
        bulk.insert(Observation, rows)
        events.sort()
        event_id = bulk.next_id(ObservationEvent)
        bulk.insert(
            ObservationEvent,
            [
                {
                    "id": i,
                    "observation_id": n,
                    "at": at,
                    "worker_id": worker,
                    "action": action,
                    "reason": reason,
                    "planned_end": end,
                }
                for i, (at, n, worker, action, reason, end) in enumerate(events, event_id)
            ],
        )

        follow_ups.sort(key=lambda r: (r["recorded_at"], r["obs"].id, r["slot"]))
        for n, row in enumerate(follow_ups, bulk.next_id(FollowUp)):
            row["id"] = n
        errands = self.errand_rows(follow_ups)
        bulk.insert(
            FollowUp,
            [
                {
                    "id": row["id"],
                    "observation_id": row["obs"].id,
                    "slot_date": row["slot_date"],
                    "slot": row["slot"],
                    "worker_id": row["worker_id"],
                    "grid_id": row["grid_id"],
                    "recorded_at": row["recorded_at"],
                    "temperature": row["temperature"],
                    "symptoms": row["symptoms"],
                    "supplies": row["supplies"],
                    "client_key": f"demo-f-{row['id']}",
                }
                for row in follow_ups
            ],
        )
        errands.sort(key=lambda e: (e["created_at"], e["follow_up_id"]))
        for n, errand in enumerate(errands, bulk.next_id(Errand)):
            errand["id"] = n
            errand["client_key"] = f"demo-e-{n}"
        bulk.insert(Errand, errands)

        current = [h.obs for h in observed if h.obs.current_on(self.today)]
        open_errands = sum(1 for e in errands if e["done_at"] is None)
        due, overdue = self.today_slots(current, follow_ups)
        self.echo(
            f"observations {len(rows):,} ({len(current):,} current, "
            f"{sum(1 for o in rows if o['released_on']):,} released early), "
            f"follow-ups {len(follow_ups):,}, errands {len(errands):,} ({open_errands:,} open); "
            f"today {due:,} slots due, {overdue:,} overdue"
        )

    def today_slots(self, current: list[_Obs], follow_ups: list[dict]) -> tuple[int, int]:
        """Today's slots of the current observations left unrecorded: (due, overdue)."""
        today = self.today
        done = {(r["obs"].id, r["slot"]) for r in follow_ups if r["slot_date"] == today}
        state = {slot: slot_state(today, slot, self.now) for slot in self.slots}
        ends = {slot: slot_ends(today, slot) for slot in self.slots}
        # As Observation.owes_slot: one entered today owes no slot that was over by then.
        left = [
            state[slot]
            for o in current
            for slot in self.slots
            if (o.id, slot) not in done
            and not (o.start == today and o.created_at and ends[slot] <= o.created_at)
        ]
        return left.count("due"), left.count("overdue")

    # --- colour history ----------------------------------------------------------------------

    def write_changes(self) -> None:
        changes = []
        for home in self.homes.values():
            if home.obs is not None and home.obs.fever is not None:
                # The rule's raise, as a follow-up with a fever makes it (no worker).
                fever = home.obs.fever
                reason = fever_reason(home.person.name, fever["temperature"], fever["symptoms"])
                raised = (fever["recorded_at"], "light_yellow", self.fever_status, False, reason)
                home.changes.append(raised)
            for k, (at, old, new, by_worker, reason) in enumerate(home.changes):
                worker = self.someone(home) if by_worker else None
                changes.append((at, home.id, k, home.grid, old, new, worker, reason))
        changes.sort()
        first = bulk.next_id(StatusChange)
        bulk.insert(
            StatusChange,
            [
                {
                    "id": n,
                    "household_id": hid,
                    "resident_id": None,
                    "worker_id": worker,
                    "grid_id": grid,
                    "changed_at": at,
                    "from_status": old,
                    "to_status": new,
                    "reason": reason,
                    "client_key": f"demo-s-{n}",
                }
                for n, (at, hid, _k, grid, old, new, worker, reason) in enumerate(changes, first)
            ],
        )
        households = len({c[1] for c in changes})
        raised_today = sum(
            1 for c in changes if c[0].date() == self.today and c[5] in ("red", "orange")
        )
        self.echo(
            f"status changes {len(changes):,} ({households:,} households, "
            f"{raised_today} raised to red or orange today)"
        )

    # --- visits ------------------------------------------------------------------------------

    def write_visits(self) -> None:
        rng, scale = self.rng, self.scale
        homes = self.homes
        # Every household with a colour story is visited; green ones fill up the seed's count.
        told = [hid for hid, home in homes.items() if home.changes]
        told_set = set(told)
        others = [
            (hid, grid, members)
            for hid, grid, _status, members in self.households
            if hid not in told_set and grid in self.micro_workers
        ]
        wanted = min(round(HOUSEHOLDS_VISITED * scale), len(told) + len(others))
        chosen = [(hid, homes[hid].grid, homes[hid].members) for hid in told]
        chosen += rng.sample(others, max(wanted - len(told), 0))
        chosen.sort()

        def weight(hid: int) -> float:
            home = homes.get(hid)
            if home is None or not home.changes:
                return EXTRA_WEIGHT["green"]
            return EXTRA_WEIGHT[home.status] if home.status != "green" else CHANGED_GREEN_WEIGHT

        duplicates = max(round(VISITS * scale * DUPLICATE_SHARE), 1 if self.small else 0)
        extra = max(round(VISITS * scale) - len(chosen) - duplicates, 0)
        per_weight = extra / (sum(weight(hid) for hid, *_ in chosen) or 1)
        gap = timedelta(minutes=30)

        visits: list[dict] = []
        for hid, grid, members in chosen:
            home = homes.get(hid)
            since = home.changes[0][0] if home is not None and home.changes else None
            usual = home.worker if home is not None else self.worker_of(grid)
            times = []
            for _ in range(1 + int(weight(hid) * per_weight + rng.random())):
                at = self.work_time(since) or self.work_time(None)
                if at is not None:
                    times.append(at)
            times.sort()
            kept = times[:1]
            for at in times[1:]:
                if at - kept[-1] >= gap:  # the same worker within 10 minutes is a duplicate
                    kept.append(at)
            for at in kept:
                draw = rng.random()
                method = next(name for name, edge in METHODS if draw < edge)
                visits.append(
                    {
                        "household_id": hid,
                        "worker_id": usual if rng.random() < 0.75 else self.worker_of(grid),
                        "grid_id": grid,
                        "visited_at": at,
                        "method": method,
                        "persons_seen": 0,
                        "not_at_home": method == "door" and rng.random() < 0.0375,
                        "note": rng.choice(VISIT_NOTES) if rng.random() < 0.12 else None,
                        "temperatures": None,
                        "possible_duplicate": False,
                        "members": max(members, 1),
                        "copies": 1,
                    }
                )

        # A worker who taps twice, or logs the same visit again a few minutes later.
        doubles = []
        for visit in rng.sample(visits, min(duplicates * 2, len(visits))):
            at = visit["visited_at"] + timedelta(seconds=rng.randint(60, 540))
            if at <= self.now and at.hour < WORK_HOURS[1] and len(doubles) < duplicates:
                visit["copies"] = 2
                doubles.append((visit, at))
        self.count_persons(visits, round(PERSON_TIMES * scale))
        for visit, at in doubles:
            visits.append(visit | {"visited_at": at, "possible_duplicate": True, "copies": 0})
        for visit in visits:
            home = homes.get(visit["household_id"])
            seen = visit["persons_seen"]
            if home is not None and home.status != "green" and seen and visit["method"] == "door":
                temps = [min(max(round(rng.gauss(36.5, 0.2), 1), 36.0), 37.2) for _ in range(seen)]
                visit["temperatures"] = " ".join(f"{t:.1f}" for t in temps[:6])

        visits.sort(key=lambda v: (v["visited_at"], v["household_id"]))
        last: dict[int, datetime] = {}
        first = bulk.next_id(Visit)
        for n, visit in enumerate(visits, first):
            visit["id"] = n
            visit["client_key"] = f"demo-v-{n}"
            del visit["members"], visit["copies"]
            last[visit["household_id"]] = visit["visited_at"]
        bulk.insert(Visit, visits)
        # One statement, not 40,000: a household's last visit is the latest of its visits.
        table, visit = Household.__table__, Visit.__table__
        latest = (
            select(func.max(visit.c.visited_at))
            .where(visit.c.household_id == table.c.id)
            .scalar_subquery()
        )
        db.session.execute(
            update(table)
            .where(table.c.id.in_(select(visit.c.household_id)))
            .values(last_visit_at=latest)
        )
        db.session.commit()
        persons = sum(v["persons_seen"] for v in visits)
        flagged = sum(1 for v in visits if v["possible_duplicate"])
        self.echo(
            f"visits {len(visits):,} to {len(last):,} households, {persons:,} person-times "
            f"({flagged} possible duplicates)"
        )

    def count_persons(self, visits: list[dict], target: int) -> None:
        """Persons seen: the whole household or part of it, summing to the seed's person-times.

        Nobody is seen when nobody is at home, and none on a neighbour's report; a duplicate
        counts again what its original counted.
        """
        rng = self.rng
        seen = [v for v in visits if not v["not_at_home"] and v["method"] != "neighbour"]
        whole = sum(v["copies"] * v["members"] for v in seen)
        part = sum(v["copies"] * (v["members"] + 1) / 2 for v in seen)
        share = min(max((target - part) / (whole - part), 0.0), 1.0) if whole > part else 1.0
        total = 0
        for visit in seen:
            members = visit["members"]
            n = members if rng.random() < share else rng.randint(1, members)
            visit["persons_seen"] = n
            total += n * visit["copies"]
        # Round off to the exact figure, one person at a time.
        singles = [v for v in seen if v["copies"] == 1]
        rng.shuffle(singles)
        while total != target and singles:
            moved = False
            for visit in singles:
                if total < target and visit["persons_seen"] < visit["members"]:
                    visit["persons_seen"] += 1
                    total += 1
                    moved = True
                elif total > target and visit["persons_seen"] > 1:
                    visit["persons_seen"] -= 1
                    total -= 1
                    moved = True
                if total == target:
                    break
            if not moved:
                break
