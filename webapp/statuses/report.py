"""Colours' part of the daily report: households per colour at the end of the day, and the
colour changes of the day.

Households per colour = active households registered by the end of day D, each with its
colour and in its micro-grid at the end of D. Its colour then is the one it left when it first
changed after D (`from_status` of its first household-level change after the end of D), else
its current colour; its micro-grid then is the one it left when it first moved after D
(`from_grid_id`, webapp/households/moves.py), else its current one. Every colour change and
every move goes through one rule function that records what it left (webapp/statuses/rules.py,
webapp/households/rules.py), so this equals "what the last change or move at or before the end
of D set", while reading only the changes and moves made after D (none for today's report): a
household moved today counts in its old micro-grid on every past day and in its new one from
today. A household deactivated since D is not counted (deactivation dates are not kept). The
changes of the day are household-level changes (not one resident's own colour) made on D:
into a colour (`to_status`) and out of it (`from_status`), counted where they were made (their
own grid). Rows follow the tree of today (webapp/reports/parts.py).

Below the figures the report lists the households that turned red or orange on D and why
(the household-level changes into red or orange made that day, where they were made), with
the household's first resident's name masked and any name, ID number or phone in the reason
masked too (webapp/reports/privacy.py). The period summary shows the households per colour at
the end of its last day, counted as above.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import CompoundSelect, Select, func, null, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from ..clock import day_start, now
from ..extensions import db
from ..grids.queries import households_by_colour
from ..households.moves import first_after, grids_before
from ..identity import mask_name
from ..models import STATUSES, Grid, Household, StatusChange, in_subtree
from ..reports.parts import DAILY_PARTS, PERIOD_PARTS, DailyPart, Figures, PeriodPart, between
from ..reports.privacy import masked_text, places_below, residents_of


def _per_colour() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


@dataclass
class ColourFigures(Figures):
    by_status: dict[str, int] = field(default_factory=_per_colour)
    changes: int = 0
    into: dict[str, int] = field(default_factory=_per_colour)  # changed to the colour that day
    out: dict[str, int] = field(default_factory=_per_colour)  # changed from it

    @property
    def households(self) -> int:
        return sum(self.by_status.values())


def _colours_at_end_of(node: Grid, key, day: date, at: datetime) -> dict[str, dict[str, int]]:
    """Households per row key and colour at the end of `day` (see the module docstring)."""
    end = day_start(day + timedelta(days=1))
    result: dict[str, dict[str, int]] = {}
    for prefix, status, n, _residents in db.session.execute(households_by_colour(node, key)):
        result.setdefault(prefix, _per_colour())[status] += int(n)
    for prefix, status, n in db.session.execute(_corrections(node, key, end, past=end <= at)):
        colours = result.setdefault(prefix, _per_colour())
        colours[status] += int(n)
    return result


def _corrections(node: Grid, key, end: datetime, past: bool) -> CompoundSelect:
    """What turns the count of now (by current micro-grid and colour) into the count at `end`,
    as rows of (key, colour, +n or -n), in one statement.

    Every household that changed colour or moved at or after `end` leaves its current
    micro-grid and colour and is counted again in those it had at `end`; for a past day,
    households registered after it leave too (kept apart from the count of now, which the
    index answers alone: created_at is not in it).
    """
    colours = first_after(
        "changes_after",
        StatusChange.household_id,
        StatusChange.from_status,
        StatusChange.changed_at,
        StatusChange.id,
        end,
        StatusChange.resident_id.is_(None),
    )
    grids = grids_before(end)
    # One row per household with a change, a move or both: each source is read once (a UNION
    # of the two lists of ids joined back to both would read each twice).
    either = union_all(
        select(colours.c.id, colours.c.was.label("status"), null().label("grid_id")),
        select(grids.c.id, null(), grids.c.was),
    ).subquery()
    per_household = (
        select(
            either.c.id,
            func.max(either.c.status).label("status"),
            func.max(either.c.grid_id).label("grid_id"),
        )
        .group_by(either.c.id)
        .subquery()
    )
    then = (
        select(
            Household.grid_id.label("grid_now"),
            Household.status.label("status_now"),
            func.coalesce(per_household.c.grid_id, Household.grid_id).label("grid_then"),
            func.coalesce(per_household.c.status, Household.status).label("status_then"),
        )
        .select_from(per_household)
        .join(Household, Household.id == per_household.c.id)
        .where(Household.active, Household.created_at < end)
        .cte("then_state")
    )
    inside = in_subtree(Grid.path, node.path)
    leave = (
        select(key, then.c.status_now, -func.count())
        .select_from(then)
        .join(Grid, Grid.id == then.c.grid_now)
        .where(inside)
        .group_by(key, then.c.status_now)
    )
    back = (
        select(key, then.c.status_then, func.count())
        .select_from(then)
        .join(Grid, Grid.id == then.c.grid_then)
        .where(inside)
        .group_by(key, then.c.status_then)
    )
    branches = [leave, back]
    if past:
        later = households_by_colour(node, key, Household.created_at >= end).subquery()
        prefix, status, households, _residents = later.c
        branches.append(select(prefix, status, -households))
    return union_all(*branches)


def _changes(node: Grid, key, day: date) -> Select:
    return (
        select(key, StatusChange.from_status, StatusChange.to_status, func.count())
        .select_from(StatusChange)
        .join(Grid, Grid.id == StatusChange.grid_id)
        .where(
            in_subtree(Grid.path, node.path),
            StatusChange.resident_id.is_(None),
            between(StatusChange.changed_at, day, day),
        )
        .group_by(key, StatusChange.from_status, StatusChange.to_status)
    )


def read(node: Grid, key: ColumnElement, day: date, at: datetime) -> dict[str, ColourFigures]:
    figures: dict[str, ColourFigures] = {}
    for prefix, colours in _colours_at_end_of(node, key, day, at).items():
        figures.setdefault(prefix, ColourFigures()).by_status = colours
    for prefix, from_status, to_status, n in db.session.execute(_changes(node, key, day)):
        row = figures.setdefault(prefix, ColourFigures())
        row.changes += n
        row.into[to_status] += n
        row.out[from_status] += n
    return figures


RAISED_SHOWN = 100


@dataclass
class RaisedRow:
    changed_at: datetime
    from_status: str
    to_status: str
    reason: str
    household_id: int
    address: str
    name: str  # the household's first resident, masked ("" for an empty household)
    place: str  # the micro-grid where it was raised, below the report's node


@dataclass
class Raised:
    """The households that turned red or orange on the day: the first RAISED_SHOWN of them
    (in the order they were raised) and how many in all."""

    rows: list[RaisedRow]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def raised(node: Grid, day: date, at: datetime, total: ColourFigures) -> Raised:
    """The day's changes into red or orange under `node` (the total counts them already)."""
    count = total.into["red"] + total.into["orange"]
    if not count:
        return Raised([], 0)
    stmt = (
        select(StatusChange, Household.address, Grid.id, Grid.path)
        .join(Household, Household.id == StatusChange.household_id)
        .join(Grid, Grid.id == StatusChange.grid_id)
        .where(
            in_subtree(Grid.path, node.path),
            StatusChange.resident_id.is_(None),
            StatusChange.to_status.in_(["red", "orange"]),
            between(StatusChange.changed_at, day, day),
        )
        .order_by(StatusChange.changed_at, StatusChange.id)
        .limit(RAISED_SHOWN)
    )
    found = db.session.execute(stmt).all()
    names = residents_of([change.household_id for change, *_rest in found])
    places = places_below(node, [path for *_rest, path in found])
    rows = [
        RaisedRow(
            change.changed_at,
            change.from_status,
            change.to_status,
            masked_text(change.reason, names.get(change.household_id, [])),
            change.household_id,
            address,
            mask_name(names[change.household_id][0]) if names.get(change.household_id) else "",
            places.get(grid_id, ""),
        )
        for change, address, grid_id, _path in found
    ]
    return Raised(rows, count)


@dataclass
class EndColours(Figures):
    by_status: dict[str, int] = field(default_factory=_per_colour)

    @property
    def households(self) -> int:
        return sum(self.by_status.values())


def read_period(node: Grid, key: ColumnElement, first: date, last: date) -> dict[str, EndColours]:
    """Households per colour at the end of the period's last day."""
    return {
        prefix: EndColours(colours)
        for prefix, colours in _colours_at_end_of(node, key, last, now()).items()
    }


def register(app: Flask) -> None:
    template = "statuses/_report.html"
    DAILY_PARTS.add(app, DailyPart("colours", 20, template, ColourFigures, read, raised))
    PERIOD_PARTS.add(app, PeriodPart("colours", 15, template, EndColours, read_period))
