"""The parts of the daily report and of the period summary, contributed by the features.

A feature adds a `DailyPart` from its init_app (visits, colours, home observation, errands
today, resident requests, checkpoints, the green channel). A part brings:

- its figures: a dataclass of counts (`Figures`) for one node or one child node;
- `read(node, key, day, at)`: those figures for every child of `node` at once, keyed by the
  child's path (`key` is the GROUP BY expression: a path prefix of Grid), from one grouped
  statement per figure, never a query per row;
- optionally `finish(node, day, at, total)`: what the part shows beyond its rows (the 14-day
  chart), computed once for the node; it may also correct the total (a distinct count over
  the whole subtree is not the sum of the rows);
- `template`: its macros for the page and the PDF, which both draw from the same numbers:
  `key(report, figures)` its key-figure boxes, `sections(report, extra, pdf)` its headed blocks
  and `below(report, extra, pdf)` what it puts under all sections at full width (either may be
  empty), `colgroup()`, `group_head()`, `heads()` and `cells(figures)` its columns of
  the per-area table, `notes(report, extra)` the sentence saying what its numbers mean;
  optionally `work_colgroup()`, `work_group_head()`, `work_heads()` and `work_cells(figures)`
  its columns of the second per-area table (what is due, overdue or alarming: the first one
  is full at 182 mm). A part without a table's macros has no columns in that table.

A `PeriodPart` does the same for the period summary (from one day to another), with
`read(node, key, first, last)` and the macros `period_colgroup()`, `period_group_head()`,
`period_heads()`, `period_cells(figures)` and `period_notes()` (in the same template as its
daily part), and optionally `period_below(report, pdf)`: tables of its own under the period
table (the checkpoints' ten columns would not fit in it).

Counting rules shared by every part: day D is a China local calendar day, [00:00 of D, 00:00
of D+1) (every datetime in the database is naive China time); a node's data are the rows whose
grid lies in its subtree; field work counts where it was done (its own `grid_id`, the
micro-grid at the time); what has no grid of its own (a household's colour, an observation)
counts in the micro-grid its household was in at the end of D, read from the moves made after
D (webapp/households/moves.py), so that moving a household never changes a past day.

A node's subtree is the tree of today: moving a node (grids.rules.move) rewrites the paths of
its subtree, and every past day of the old parent then counts without it and of the new parent
with it. That keeps a node's days comparable with each other (the 14-day chart compares the
same micro-grids), and what a micro-grid counts never changes; the totals of the zone, of the
moved node and of every node whose subtree kept its micro-grids stay the same. The tree's
history is not kept, so a past day cannot be counted by the tree of that day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from ..clock import day_start, now
from ..contributions import Contributions
from ..extensions import db
from ..models import Grid, in_subtree


class Figures:
    """Counts of one node: int fields, and dict fields of ints (per colour, say). Rows add up
    into the total field by field."""

    def add(self, other: Figures) -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                for k, n in theirs.items():
                    mine[k] = mine.get(k, 0) + n
            else:
                setattr(self, f.name, mine + theirs)

    def has_data(self) -> bool:
        return any(
            any(value.values()) if isinstance(value, dict) else value
            for value in (getattr(self, f.name) for f in fields(self))
        )


F = TypeVar("F", bound=Figures)
Reader = Callable[[Grid, ColumnElement, date, datetime], dict[str, Figures]]
PeriodReader = Callable[[Grid, ColumnElement, date, date], dict[str, Figures]]


class _Drawn:
    template: str

    @property
    def macros(self):
        """The part's template as a module of macros (Jinja loads and keeps it once)."""
        return current_app.jinja_env.get_template(self.template).module


@dataclass(frozen=True)
class DailyPart(_Drawn):
    name: str  # its figures' key in every row: row["visits"]
    order: int
    template: str
    figures: type[Figures]
    read: Reader
    finish: Callable[[Grid, date, datetime, Figures], Any] | None = None


@dataclass(frozen=True)
class PeriodPart(_Drawn):
    name: str
    order: int
    template: str
    figures: type[Figures]
    read: PeriodReader


DAILY_PARTS: Contributions[DailyPart] = Contributions("gridwork.report.daily")
PERIOD_PARTS: Contributions[PeriodPart] = Contributions("gridwork.report.period")


# --- what the parts' statements share ---------------------------------------------------------


def between(column, first: date, last: date) -> ColumnElement[bool]:
    """A datetime column within the days first..last (local days, both included)."""
    return and_(column >= day_start(first), column < day_start(last + timedelta(days=1)))


def count_if(condition: ColumnElement[bool]):
    """COUNT of the rows meeting `condition`, as a SUM that one grouped statement can hold
    several of."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def within(column, start: datetime, end: datetime) -> ColumnElement[bool]:
    """A datetime column within [start, end)."""
    return and_(column >= start, column < end)


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 for a row meeting `condition`, else 0: a column of a UNION ALL that a SUM counts."""
    return case((condition, 1), else_=0)


def sum_per_child(
    rows: Subquery, names: tuple[str, ...], node: Grid, key: ColumnElement, figures: type[F]
) -> dict[str, F]:
    """The `names` columns of `rows` (one row per counted thing, with its `grid_id`) summed per
    child of `node` in one grouped statement, as `figures` built in the order of `names`."""
    stmt = (
        select(key, *(func.sum(rows.c[name]) for name in names))
        .select_from(rows)
        .join(Grid, Grid.id == rows.c.grid_id)
        .where(in_subtree(Grid.path, node.path))
        .group_by(key)
    )
    return {
        prefix: figures(*(int(n or 0) for n in counts))
        for prefix, *counts in db.session.execute(stmt)
    }


def day_and_period(
    read_between: Callable[[Grid, ColumnElement, datetime, datetime, datetime], Any],
) -> tuple[Reader, PeriodReader]:
    """A part's daily and period readers from its reader of a window [start, end): a day is
    [00:00 of D, 00:00 of D+1) read at `at`; a period its days first..last, read now."""

    def read_day(node: Grid, key: ColumnElement, day: date, at: datetime):
        return read_between(node, key, day_start(day), day_start(day + timedelta(days=1)), at)

    def read_period(node: Grid, key: ColumnElement, first: date, last: date):
        return read_between(node, key, day_start(first), day_start(last + timedelta(days=1)), now())

    return read_day, read_period
