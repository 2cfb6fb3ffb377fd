"""Where households and observations were at a past moment, read from what changed after it.

A household's micro-grid at moment `end` is the one it left at its first move at or after
`end` (`from_grid_id`), else its current one. An observation's household at `end` is the one
its resident left at the first move at or after `end` that took the observation along, else
its current one. Every move goes through households.rules.move and residents.rules.move_to,
which record where it came from, so this equals "where the last move before `end` took it",
while reading only the moves made after `end`: none for today's report. The colours of a past
day are read the same way (webapp/statuses/report.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement

from ..models import HouseholdMove, ResidentMove


def first_after(
    name: str,
    key: ColumnElement,
    was: ColumnElement,
    at: ColumnElement,
    tie: ColumnElement,
    end: datetime,
    *conditions: ColumnElement[bool],
) -> Subquery:
    """Rows (id, was): for every `key` with a row at or after `end`, the `was` of its first
    such row (by `at`, then `tie`). `name` names the statement's CTE of those rows."""
    # The rows after `end` are read first, as a range of an index on `at`: left to itself,
    # SQLite reads every row in `key` order instead (an index that starts with the key spares
    # it the window's sort), however few rows lie after `end`.
    later = (
        select(key.label("id"), was.label("was"), at.label("at"), tie.label("tie"))
        .where(at >= end, *conditions)
        .cte(name)
        .prefix_with("MATERIALIZED")
    )
    ranked = select(
        later.c.id,
        later.c.was,
        func.row_number()
        .over(partition_by=later.c.id, order_by=(later.c.at, later.c.tie))
        .label("n"),
    ).subquery()
    return select(ranked.c.id, ranked.c.was).where(ranked.c.n == 1).subquery()


def grids_before(end: datetime) -> Subquery:
    """(id, was): every household moved at or after `end`, and its micro-grid's id at `end`."""
    m = HouseholdMove
    return first_after("moves_after", m.household_id, m.from_grid_id, m.moved_at, m.id, end)


def households_before(end: datetime) -> Subquery:
    """(id, was): every observation that went along with a resident's move at or after `end`,
    and the id of the household it belonged to at `end`."""
    m = ResidentMove
    return first_after(
        "resident_moves_after",
        m.observation_id,
        m.from_household_id,
        m.moved_at,
        m.id,
        end,
        m.observation_id.is_not(None),
    )


def household_at(
    observation_id: ColumnElement[int], at: ColumnElement, current: ColumnElement[int]
) -> ColumnElement[int]:
    """The id of the household that observation `observation_id` belonged to at moment `at`
    (columns of the statement's rows, a follow-up's say): the one its resident left at the
    first move after `at` that took it along, else `current`. A probe of
    ix_resident_move_observation per row, which finds nothing for nearly every observation."""
    m = ResidentMove
    left = (
        select(m.from_household_id)
        .where(m.observation_id == observation_id, m.moved_at > at)
        .order_by(m.moved_at, m.id)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(left, current)
