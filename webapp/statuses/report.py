"""Colours' part of the daily report: households per colour at the end of the day, and the
colour changes of the day.

Households per colour = active households registered by the end of day D, each with its
colour at the end of D: the colour it left when it first changed after D (`from_status` of its
first household-level change after the end of D), else its current colour. Every colour change
goes through one rule function that records the colour before it (webapp/statuses/rules.py),
so this equals "the `to_status` of the last change at or before the end of D, else the
`from_status` of the first later change, else the current colour", while reading only the
changes made after D (none for today's report). A household deactivated since D is not counted
(deactivation dates are not kept). The changes of the day are household-level changes (not one
resident's own colour) made on D: into a colour (`to_status`) and out of it (`from_status`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from ..clock import day_start
from ..extensions import db
from ..grids.queries import households_by_colour
from ..models import STATUSES, Grid, Household, StatusChange, in_subtree
from ..reports.parts import DAILY_PARTS, DailyPart, Figures, between


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
    if end <= at:
        # A past day: take out the households registered after it. Kept apart from the count
        # above, which the index answers alone (created_at is not in it).
        later = households_by_colour(node, key, Household.created_at >= end)
        for prefix, status, n, _residents in db.session.execute(later):
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
        colours = result.setdefault(prefix, _per_colour())
        colours[current] -= n
        colours[then] += n
    return result


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


def register(app: Flask) -> None:
    DAILY_PARTS.add(app, DailyPart("colours", 20, "statuses/_report.html", ColourFigures, read))
