"""The daily report (日报) and the period summary of a node, assembled from the parts that the
features contribute (webapp/reports/parts.py; each part's module defines its figures).

One row per child node: each part's statements are grouped by the child's path prefix, so the
number of statements does not depend on the node. Deactivated children get a row when they
have any figure (their past field work counts in the total, and the rows must add up). The
total of a report is the sum of its rows, except where a part corrects it (distinct counts
over the whole subtree: a household visited in two child nodes on one day counts once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from ..clock import now
from ..extensions import db
from ..grids.queries import child_key
from ..models import Grid
from .parts import DAILY_PARTS, PERIOD_PARTS, DailyPart, Figures, PeriodPart

Row = dict[str, Figures]  # each part's figures, by the part's name


@dataclass
class DailyReport:
    node: Grid
    day: date
    at: datetime  # when the figures were read (for today's report: "so far")
    parts: list[DailyPart]
    total: Row
    rows: list[tuple[Grid, Row]]
    extras: dict[str, Any]  # what a part shows beyond its rows, by the part's name

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
class PeriodReport:
    node: Grid
    first: date
    last: date
    parts: list[PeriodPart]
    total: Row
    rows: list[tuple[Grid, Row]]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _children(node: Grid) -> list[Grid]:
    # Deactivated children are loaded too: their past field work still counts in the total.
    return list(
        db.session.scalars(select(Grid).where(Grid.parent_id == node.id).order_by(Grid.code))
    )


def _whole(node: Grid) -> ColumnElement[str]:
    """The grouping key of the whole subtree: the node's own path."""
    return func.substr(Grid.path, 1, len(node.path)).label("child")


def _row(parts, found: dict[str, Row], prefix: str) -> Row:
    figures = found.get(prefix, {})
    return {p.name: figures.get(p.name) or p.figures() for p in parts}


@dataclass(frozen=True)
class OwnLevel:
    """The report's node itself as a row among its children: what lies at the node and in no
    child (a checkpoint or an enterprise of a township), so that the rows add up to the
    total. It reads as the node for everything but its name."""

    node: Grid

    @property
    def name(self) -> str:
        return _("%(name)s (this level)", name=self.node.name)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.node, attribute)


def _has_data(row: Row) -> bool:
    return any(figures.has_data() for figures in row.values())


def daily_report(node: Grid, day: date, at: datetime | None = None) -> DailyReport:
    """The daily report of `node` for `day`: every part's figures, all children at once."""
    at = at or now()
    parts = DAILY_PARTS()
    children = _children(node)
    key = child_key(node) if children else _whole(node)
    found: dict[str, Row] = {}
    for part in parts:
        for prefix, figures in part.read(node, key, day, at).items():
            found.setdefault(prefix, {})[part.name] = figures
    total = _row(parts, {}, "")
    for prefix in found:
        for name, figures in _row(parts, found, prefix).items():
            total[name].add(figures)
    extras = {p.name: p.finish(node, day, at, total[p.name]) for p in parts if p.finish}
    rows = [(child, _row(parts, found, child.path)) for child in children]
    rows = [(child, row) for child, row in rows if child.active or _has_data(row)]
    if children and node.path in found and _has_data(own := _row(parts, found, node.path)):
        rows.insert(0, (OwnLevel(node), own))
    return DailyReport(node, day, at, parts, total, rows, extras)


def period_report(node: Grid, first: date, last: date) -> PeriodReport:
    """The period summary of `node` for the days first..last, per child node and in total."""
    parts = PERIOD_PARTS()
    children = _children(node)
    # The last pass (the whole subtree) gives the total, distinct counts included. It comes
    # last because the children's pass keys what lies at the node itself (a checkpoint of a
    # township) by the node's own path too, which would otherwise replace the total.
    keys = [child_key(node), _whole(node)] if children else [_whole(node)]
    found: dict[str, Row] = {}
    for key in keys:
        for part in parts:
            for prefix, figures in part.read(node, key, first, last).items():
                found.setdefault(prefix, {})[part.name] = figures
    rows = [
        (child, _row(parts, found, child.path))
        for child in children
        if child.active or child.path in found
    ]
    return PeriodReport(node, first, last, parts, _row(parts, found, node.path), rows)
