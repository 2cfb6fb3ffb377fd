"""The green channel's part of the daily report and of the period summary, per child node:
employees' return filings (两报备) new, approved and arrived, and enterprise problems (企业难题)
new, resolved and overdue.

Where each figure counts: a filing, and the employees filed in it, at its enterprise's node
(Enterprise.grid_id); an employee approved or arrived at their destination micro-grid
(FiledEmployee.grid_id), where they will stay; a problem at its own node (the case's grid: the
enterprise's node when it was logged).

For day D (or the days of a period): new filings = made then, employees filed = in those; approved
= employees whose second approval (the industry department's on the list or the community's on
the employee, whichever came later) was given then, both being approvals; arrived = let through
on the green channel then (the first time); problems new = logged then, resolved = resolved then
(the last resolution, when reopened). A later refusal or revocation leaves the day's approvals
as they were. Overdue now = open and past its first time limit when the report is read (the
clock of webapp/cases/clock.py), whatever day the report is of, as for resident requests.

One statement, whatever the node: the four kinds of rows in one UNION ALL, grouped by the
child's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import and_, case, literal, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from ..cases import clock
from ..models import (
    Case,
    Enterprise,
    EnterpriseProblem,
    FiledEmployee,
    Grid,
    ReturnFiling,
)
from ..reports.parts import (
    DAILY_PARTS,
    PERIOD_PARTS,
    DailyPart,
    Figures,
    PeriodPart,
    day_and_period,
    flag,
    sum_per_child,
    within,
)

KIND = "enterprise"  # the kind of case an enterprise problem is
APPROVED = "approved"
NAMES = ("filings", "filed", "approved", "arrived", "problems", "resolved", "overdue")


@dataclass
class GreenChannelFigures(Figures):
    filings: int = 0
    filed: int = 0
    approved: int = 0
    arrived: int = 0
    problems: int = 0
    resolved: int = 0
    overdue: int = 0

    @property
    def has_filings(self) -> bool:
        return bool(self.filings or self.filed or self.approved or self.arrived)

    @property
    def has_problems(self) -> bool:
        return bool(self.problems or self.resolved or self.overdue)


def read_between(
    node: Grid, key: ColumnElement, start: datetime, end: datetime, at: datetime
) -> dict[str, GreenChannelFigures]:
    """The figures of [start, end) for every child of `node` (overdue: at `at`)."""
    zero, one = literal(0), literal(1)
    filings = (
        select(
            Enterprise.grid_id.label("grid_id"),
            *(v.label(name) for v, name in zip([one, *[zero] * 6], NAMES, strict=True)),
        )
        .select_from(ReturnFiling)
        .join(Enterprise, Enterprise.id == ReturnFiling.enterprise_id)
        .where(within(ReturnFiling.created_at, start, end))
    )
    filed = (
        select(Enterprise.grid_id, zero, one, *([zero] * 5))
        .select_from(FiledEmployee)
        .join(ReturnFiling, ReturnFiling.id == FiledEmployee.filing_id)
        .join(Enterprise, Enterprise.id == ReturnFiling.enterprise_id)
        .where(within(ReturnFiling.created_at, start, end))
    )
    # The later of the two approvals makes the employee approved.
    second = case(
        (ReturnFiling.department_at > FiledEmployee.community_at, ReturnFiling.department_at),
        else_=FiledEmployee.community_at,
    )
    approved = and_(
        ReturnFiling.department_decision == APPROVED,
        FiledEmployee.community_decision == APPROVED,
        within(second, start, end),
    )
    arrived = within(FiledEmployee.arrived_at, start, end)
    employees = (
        select(FiledEmployee.grid_id, zero, zero, flag(approved), flag(arrived), zero, zero, zero)
        .select_from(FiledEmployee)
        .join(ReturnFiling, ReturnFiling.id == FiledEmployee.filing_id)
        .where(or_(approved, arrived))
    )
    problems = (
        select(
            Case.grid_id,
            *([zero] * 4),
            flag(within(Case.created_at, start, end)),
            flag(within(Case.resolved_at, start, end)),
            flag(clock.overdue(at)),
        )
        .select_from(Case)
        .join(EnterpriseProblem, EnterpriseProblem.case_id == Case.id)
        .where(
            Case.kind == KIND,
            Case.created_at < end,
            or_(Case.created_at >= start, Case.resolved_at >= start, Case.due_at <= at),
        )
    )
    rows = union_all(filings, filed, employees, problems).subquery()
    return sum_per_child(rows, NAMES, node, key, GreenChannelFigures)


read_day, read_period = day_and_period(read_between)


def register(app: Flask) -> None:
    template = "greenchannel/_report.html"
    DAILY_PARTS.add(app, DailyPart("greenchannel", 75, template, GreenChannelFigures, read_day))
    PERIOD_PARTS.add(
        app, PeriodPart("greenchannel", 75, template, GreenChannelFigures, read_period)
    )
