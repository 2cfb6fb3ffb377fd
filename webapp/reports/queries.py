"""The figures of the daily report (日报) and of the period summary, from grouped queries.

Definitions (the page, the PDF and the tests all read these numbers; counting follows the seed
and DESIGN.md "Workflows"):

- **Day D** is a China local calendar day, [00:00 of D, 00:00 of D+1): every datetime in the
  database is naive China time (webapp/clock.py), so a visit at 23:59 counts on D and one at
  00:01 on D+1.
- **A node's data** are the rows whose grid lies in the node's subtree. Field work is counted
  where it was done: Visit, StatusChange, FollowUp and Errand by their own `grid_id` (the
  micro-grid at the time). Households and observations have no grid of their own at the time,
  so they count in the household's current micro-grid. One row per child node groups the same
  query by the child's path prefix: one statement per figure for all children at once, never
  a query per row.
- **Visits**: households visited = distinct households with a visit on D; person-times (人次) =
  the sum of persons seen; visits = the number of visits.
- **Households per colour** = active households registered by the end of D, each with its
  colour at the end of D: the colour it left when it first changed after D (`from_status` of
  its first household-level change after the end of D), else its current colour. Every colour
  change goes through one function that records the colour before it
  (webapp/statuses/rules.py), so this equals "the `to_status` of the last change at or before
  the end of D, else the `from_status` of the first later change, else the current colour",
  while reading only the changes made after D (none for today's report). A household
  deactivated since D is not counted (deactivation dates are not kept). Colour changes of the
  day are household-level changes (not one resident's own colour) made on D: into a colour
  (`to_status`) and out of it (`from_status`).
- **Observation** (居家观察): an observation's end day E is the first day it is no longer
  current: its release day if released on or before its planned end, else the day after its
  planned end. Current on D: start ≤ D < E (start ≤ D ≤ planned end, not released on or
  before D). New on D: start = D. Ended on D: E = D (released early that day, or its planned
  end was the day before). Hence current(D) = current(D−1) + new(D) − ended(D).
- **Follow-ups** (随访): due on D = one per follow-up slot (config FOLLOW_UP_SLOTS, twice a
  day) per observation current on D; for today only the slots that have begun. Done on D =
  follow-ups recorded for a slot of D.
- **Errands** (代办): opened on D (created on D), done on D (marked done on D), open at the end
  of D (created by then and not done by then).
- **Period summary** (from–to, both days included), the seed's four figures: households
  visited (distinct over the period), person-times (sum of persons seen), observation
  households served (distinct households with a follow-up in the period), follow-up
  person-times (the number of follow-ups).

The total of a report is the sum of its rows, except for the distinct counts (households
visited, households served): a household visited in two child nodes on one day (it moved)
counts once in the total, so those come from a query over the whole subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from ..clock import day_start, now
from ..extensions import db
from ..models import (
    STATUSES,
    Errand,
    FollowUp,
    Grid,
    Household,
    Observation,
    StatusChange,
    Visit,
    in_subtree,
)

TREND_DAYS = 14


def _colours() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


@dataclass
class DayFigures:
    """The figures of one node (or one child node) for one day."""

    visits: int = 0
    households_visited: int = 0
    person_times: int = 0
    by_status: dict[str, int] = field(default_factory=_colours)
    status_changes: int = 0
    observed: int = 0
    observations_new: int = 0
    observations_ended: int = 0
    follow_ups_due: int = 0
    follow_ups_done: int = 0
    errands_opened: int = 0
    errands_done: int = 0
    errands_open: int = 0

    @property
    def households(self) -> int:
        return sum(self.by_status.values())

    def has_data(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "by_status") or any(
            self.by_status.values()
        )

    def add(self, other: DayFigures) -> None:
        for f in fields(self):
            if f.name == "by_status":
                for status, n in other.by_status.items():
                    self.by_status[status] += n
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class ColourRow:
    status: str
    households: int
    into: int  # households that changed to this colour on the day
    out: int  # households that changed from this colour on the day


@dataclass
class TrendPoint:
    day: date
    visits: int
    households_visited: int
    person_times: int


@dataclass
class DailyReport:
    node: Grid
    day: date
    at: datetime  # when the figures were read (for today's report: "so far")
    total: DayFigures
    rows: list[tuple[Grid, DayFigures]]
    colours: list[ColourRow]
    trend: list[TrendPoint]
    slots_due: int  # follow-up slots counted as due per current observation
    slots_per_day: int

    @property
    def is_today(self) -> bool:
        return self.day == self.at.date()

    @property
    def day_before(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def day_after(self) -> date:
        return self.day + timedelta(days=1)


@dataclass
class PeriodFigures:
    visits: int = 0
    households_visited: int = 0
    person_times: int = 0
    households_served: int = 0
    follow_ups: int = 0


@dataclass
class PeriodReport:
    node: Grid
    first: date
    last: date
    total: PeriodFigures
    rows: list[tuple[Grid, PeriodFigures]]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


# --- helpers ---------------------------------------------------------------------------------


def _child_key(node: Grid, has_children: bool) -> ColumnElement[str]:
    """The grouping key: the child's path prefix, or the node's own path for a leaf."""
    length = node.child_prefix_length() if has_children else len(node.path)
    return func.substr(Grid.path, 1, length).label("child")


def _between(column, first: date, last: date) -> ColumnElement[bool]:
    """A datetime column within the days first..last (local days, both included)."""
    return and_(column >= day_start(first), column < day_start(last + timedelta(days=1)))


def _children(node: Grid) -> list[Grid]:
    # Deactivated children are loaded too: their past field work still counts in the total,
    # so they get a row when they have any figure (else the rows would not add up).
    return list(
        db.session.scalars(select(Grid).where(Grid.parent_id == node.id).order_by(Grid.code))
    )


def slots_due(day: date, at: datetime) -> int:
    """How many follow-up slots of `day` are due per observation: all of them for a past day,
    those already begun for today."""
    slots = current_app.config["FOLLOW_UP_SLOTS"]
    if day < at.date():
        return len(slots)
    return sum(1 for first, _after_last in slots.values() if at.hour >= first)


# --- the daily report ------------------------------------------------------------------------


def _visits(node: Grid, key, first: date, last: date) -> Select:
    return (
        select(
            key,
            func.count(),
            func.count(func.distinct(Visit.household_id)),
            func.coalesce(func.sum(Visit.persons_seen), 0),
        )
        .select_from(Visit)
        .join(Grid, Grid.id == Visit.grid_id)
        .where(in_subtree(Grid.path, node.path), _between(Visit.visited_at, first, last))
        .group_by(key)
    )


def trend(node: Grid, last: date, days: int = TREND_DAYS) -> list[TrendPoint]:
    """Visits per day over the `days` days ending on `last`, for the whole subtree.

    One statement: a UNION ALL of one aggregate per day, each over its own range of
    visited_at. The same figures grouped by date(visited_at) made the database sort every visit
    of the fortnight by day first (460,000 of them on the zone's bench data): twice as slow.
    """
    first = last - timedelta(days=days - 1)
    branches = [
        _visits(node, literal(i).label("i"), d, d).group_by(None)
        for i, d in enumerate(first + timedelta(days=n) for n in range(days))
    ]
    found = {
        i: (n, households, int(persons))
        for i, n, households, persons in db.session.execute(union_all(*branches))
    }
    return [TrendPoint(first + timedelta(days=i), *found.get(i, (0, 0, 0))) for i in range(days)]


def _households_by_colour(node: Grid, key, *conditions: ColumnElement[bool]) -> Select:
    """Active households per child and current colour.

    Counted per micro-grid first, in the order of the index ix_household_grid_counts, then
    summed per child: grouping 200,000 households by a path prefix directly made the database
    sort them all (3-4 times slower on the zone's data).
    """
    per_grid = (
        select(Household.grid_id, Household.status, func.count().label("n"))
        .where(
            Household.active,
            Household.grid_id.in_(select(Grid.id).where(in_subtree(Grid.path, node.path))),
            *conditions,
        )
        .group_by(Household.grid_id, Household.status)
        .subquery()
    )
    return (
        select(key, per_grid.c.status, func.sum(per_grid.c.n))
        .select_from(per_grid)
        .join(Grid, Grid.id == per_grid.c.grid_id)
        .group_by(key, per_grid.c.status)
    )


def _colours_at_end_of(node: Grid, key, day: date, at: datetime) -> dict[str, dict[str, int]]:
    """Households per child and colour at the end of `day` (see the module docstring)."""
    end = day_start(day + timedelta(days=1))
    result: dict[str, dict[str, int]] = {}
    for prefix, status, n in db.session.execute(_households_by_colour(node, key)):
        result.setdefault(prefix, _colours())[status] += int(n)
    if end <= at:
        # A past day: take out the households registered after it. Kept apart from the count
        # above, which the index answers alone (created_at is not in it).
        later = _households_by_colour(node, key, Household.created_at >= end)
        for prefix, status, n in db.session.execute(later):
            result[prefix][status] -= int(n)

    # Households that changed colour after the day: move each from its current colour back to
    # the one it left at its first change after the day.
    ranked = (
        select(
            StatusChange.household_id,
            StatusChange.from_status,
            func.row_number()
            .over(
                partition_by=StatusChange.household_id,
                order_by=(StatusChange.changed_at, StatusChange.id),
            )
            .label("n"),
        )
        .where(StatusChange.resident_id.is_(None), StatusChange.changed_at >= end)
        .subquery()
    )
    corrections = (
        select(key, Household.status, ranked.c.from_status, func.count())
        .select_from(ranked)
        .join(Household, Household.id == ranked.c.household_id)
        .join(Grid, Grid.id == Household.grid_id)
        .where(
            ranked.c.n == 1,
            ranked.c.from_status != Household.status,
            in_subtree(Grid.path, node.path),
            Household.active,
            Household.created_at < end,
        )
        .group_by(key, Household.status, ranked.c.from_status)
    )
    for prefix, current, then, n in db.session.execute(corrections):
        colours = result.setdefault(prefix, _colours())
        colours[current] -= n
        colours[then] += n
    return result


def _status_changes(node: Grid, key, day: date) -> Select:
    return (
        select(key, StatusChange.from_status, StatusChange.to_status, func.count())
        .select_from(StatusChange)
        .join(Grid, Grid.id == StatusChange.grid_id)
        .where(
            in_subtree(Grid.path, node.path),
            StatusChange.resident_id.is_(None),
            _between(StatusChange.changed_at, day, day),
        )
        .group_by(key, StatusChange.from_status, StatusChange.to_status)
    )


def _count_if(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _observations(node: Grid, key, day: date) -> Select:
    released_in_time = and_(
        Observation.released_on.is_not(None), Observation.released_on <= Observation.planned_end
    )
    current = and_(
        Observation.start_date <= day,
        Observation.planned_end >= day,
        or_(Observation.released_on.is_(None), Observation.released_on > day),
    )
    ended = or_(
        and_(released_in_time, Observation.released_on == day),
        and_(
            Observation.planned_end == day - timedelta(days=1),
            or_(Observation.released_on.is_(None), Observation.released_on >= day),
        ),
    )
    return (
        select(
            key,
            _count_if(current),
            _count_if(Observation.start_date == day),
            _count_if(ended),
        )
        .select_from(Observation)
        .join(Household, Household.id == Observation.household_id)
        .join(Grid, Grid.id == Household.grid_id)
        # Every observation that is current, new or ended on the day starts by then and
        # plans to end no earlier than the day before (the index ix_observation_dates).
        .where(
            in_subtree(Grid.path, node.path),
            Observation.planned_end >= day - timedelta(days=1),
            Observation.start_date <= day,
        )
        .group_by(key)
    )


def _follow_ups_done(node: Grid, key, day: date) -> Select:
    return (
        select(key, func.count())
        .select_from(FollowUp)
        .join(Grid, Grid.id == FollowUp.grid_id)
        .where(in_subtree(Grid.path, node.path), FollowUp.slot_date == day)
        .group_by(key)
    )


def _errands(node: Grid, key, day: date) -> Select:
    start, end = day_start(day), day_start(day + timedelta(days=1))
    return (
        select(
            key,
            _count_if(Errand.created_at >= start),
            _count_if(and_(Errand.done_at >= start, Errand.done_at < end)),
            _count_if(or_(Errand.done_at.is_(None), Errand.done_at >= end)),
        )
        .select_from(Errand)
        .join(Grid, Grid.id == Errand.grid_id)
        # Errands that matter for the day: created by its end, not done before its start.
        .where(
            in_subtree(Grid.path, node.path),
            Errand.created_at < end,
            or_(Errand.done_at.is_(None), Errand.done_at >= start),
        )
        .group_by(key)
    )


def daily_report(node: Grid, day: date, at: datetime | None = None) -> DailyReport:
    """The daily report of `node` for `day`: one grouped query per figure, all children at
    once, and the last 14 days for the chart."""
    at = at or now()
    children = _children(node)
    key = _child_key(node, bool(children))
    per: dict[str, DayFigures] = {}

    def row(prefix: str) -> DayFigures:
        return per.setdefault(prefix, DayFigures())

    for prefix, n, households, persons in db.session.execute(_visits(node, key, day, day)):
        f = row(prefix)
        f.visits, f.households_visited, f.person_times = n, households, int(persons)
    for prefix, colours in _colours_at_end_of(node, key, day, at).items():
        row(prefix).by_status = colours
    into, out = _colours(), _colours()
    for prefix, from_status, to_status, n in db.session.execute(_status_changes(node, key, day)):
        row(prefix).status_changes += n
        into[to_status] += n
        out[from_status] += n
    per_observation = slots_due(day, at)
    for prefix, current, new, ended in db.session.execute(_observations(node, key, day)):
        f = row(prefix)
        f.observed, f.observations_new, f.observations_ended = current, new, ended
        f.follow_ups_due = current * per_observation
    for prefix, n in db.session.execute(_follow_ups_done(node, key, day)):
        row(prefix).follow_ups_done = n
    for prefix, opened, done, still_open in db.session.execute(_errands(node, key, day)):
        f = row(prefix)
        f.errands_opened, f.errands_done, f.errands_open = opened, done, still_open

    total = DayFigures()
    for figures in per.values():
        total.add(figures)
    points = trend(node, day)
    # Distinct households over the whole subtree (see the module docstring).
    total.households_visited = points[-1].households_visited

    rows = [
        (child, per.get(child.path, DayFigures()))
        for child in children
        if child.active or per.get(child.path, DayFigures()).has_data()
    ]
    colours = [ColourRow(s, total.by_status[s], into[s], out[s]) for s in STATUSES]
    slots_per_day = len(current_app.config["FOLLOW_UP_SLOTS"])
    return DailyReport(node, day, at, total, rows, colours, points, per_observation, slots_per_day)


# --- the period summary ----------------------------------------------------------------------


def _follow_ups(node: Grid, key, first: date, last: date) -> Select:
    return (
        select(key, func.count(), func.count(func.distinct(Observation.household_id)))
        .select_from(FollowUp)
        .join(Observation, Observation.id == FollowUp.observation_id)
        .join(Grid, Grid.id == FollowUp.grid_id)
        .where(
            in_subtree(Grid.path, node.path),
            FollowUp.slot_date >= first,
            FollowUp.slot_date <= last,
        )
        .group_by(key)
    )


def period_report(node: Grid, first: date, last: date) -> PeriodReport:
    """The seed's figures for the days first..last, per child node and in total."""
    children = _children(node)
    whole = func.substr(Grid.path, 1, len(node.path)).label("child")
    keys = [whole]
    if children:
        keys.append(_child_key(node, True))
    per: dict[str, PeriodFigures] = {}
    for key in keys:
        # The first pass (the whole subtree) gives the total, distinct counts included.
        for prefix, n, households, persons in db.session.execute(_visits(node, key, first, last)):
            f = per.setdefault(prefix, PeriodFigures())
            f.visits, f.households_visited, f.person_times = n, households, int(persons)
        for prefix, n, households in db.session.execute(_follow_ups(node, key, first, last)):
            f = per.setdefault(prefix, PeriodFigures())
            f.follow_ups, f.households_served = n, households
    total = per.get(node.path, PeriodFigures())
    rows = [
        (child, per.get(child.path, PeriodFigures()))
        for child in children
        if child.active or child.path in per
    ]
    return PeriodReport(node, first, last, total, rows)
