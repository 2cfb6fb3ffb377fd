"""A filing's list of employees as an Excel sheet: its columns (Chinese headers), the template
to download, and checking an upload with the imports' own machinery (webapp/imports: the
reader, the header matching, the cell checks with the form's validators, the row errors), so
that a sheet refuses exactly what the form refuses, with the same words.

A filing is all or nothing: either every row is right and the list is filed as one filing, or
the rows in error are shown by their row numbers and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..checkpoints.queries import find_destinations
from ..forms import parse_day
from ..imports.checking import DUPLICATE, Checker, Columns, Row
from ..imports.reading import Unreadable, cell_text, open_table
from ..models import TRAVEL_MEANS, Grid
from ..rules import RuleError
from ..sheets import Column, Sheet, choice_labels
from . import rules
from .forms import NOT_A_DATE, EmployeeForm

EMPLOYEES = Sheet(
    "filed_employees",
    _l("Returning employees"),
    (
        Column("name", "姓名", "Name", True, example="王强"),
        Column(
            "id_number",
            "身份证号",
            "ID number",
            True,
            example="330702199001011237",
            note=_l("18 characters; format the column as text."),
        ),
        Column("phone", "手机号", "Phone", True, example="13800138000"),
        Column("origin", "出发地", "Coming from", True, example="湖北省武汉市"),
        Column(
            "arrival_date",
            "计划到达日期",
            "Planned arrival",
            True,
            example="2026-12-05",
            note=_l("The day they plan to arrive (2026-12-05)."),
        ),
        Column("means", "交通方式", "Travelling by", True, TRAVEL_MEANS, example="自驾"),
        Column(
            "stay_address", "在区居住地址", "Staying at", True, example="湖海塘社区1幢1单元302室"
        ),
        Column(
            "destination",
            "目的地微网格",
            "Destination micro-grid",
            True,
            example="湖海塘社区 1幢1单元",
            note=_l("The micro-grid's code, or its community's and its own names."),
        ),
    ),
    key=("id_number",),
)

# The cells checked by the filing form's own fields.
FIELDS = {
    name: getattr(EmployeeForm, name)
    for name in ("name", "id_number", "phone", "origin", "stay_address", "destination")
}


class EmployeeChecker(Checker):
    """The imports' checks of a row, for a filing's employees: the cells by the form's
    validators, the destination found from what was typed, the row by the filing rule's own
    check, an ID number twice in the file refused."""

    kind = "filed_employees"

    def __init__(self, columns: Columns, today: date) -> None:
        # Not the base's: it loads the importer's subtree; a destination may be anywhere.
        self.importer = None
        self.columns = columns
        self.sheet = EMPLOYEES
        self.fields = FIELDS
        self.choices = {c.key: choice_labels(c) for c in EMPLOYEES.columns if c.choices}
        self.seen: dict[tuple, int] = {}
        self.today = today
        self.destinations: dict[str, list[Grid]] = {}

    def read_cell(self, row: Row, column: Column, raw: object) -> object:
        if column.key == "arrival_date" and isinstance(raw, datetime | date):
            return raw.date() if isinstance(raw, datetime) else raw
        value = super().read_cell(row, column, raw)
        if column.key == "arrival_date" and value:
            day = parse_day(str(value))
            if day is None:
                row.refuse("arrival_date", str(NOT_A_DATE))
            return day
        return value

    def check_duplicate(self, row: Row) -> None:
        if any(column == "id_number" for column, _message in row.problems):
            return
        number = row.values.get("id_number")
        if number:
            earlier = self.seen.setdefault((number,), row.number)
            if earlier != row.number:
                row.refuse("id_number", str(DUPLICATE["residents"]) % {"row": earlier})

    def check_row(self, row: Row) -> None:
        values = row.values
        typed = values["destination"]
        if typed not in self.destinations:
            self.destinations[typed] = find_destinations(typed)
        found = self.destinations[typed]
        if len(found) != 1:
            row.refuse(
                "destination",
                _("No micro-grid matches: type the community and micro-grid names, or its code.")
                if not found
                else _("Several micro-grids match: write the micro-grid's code."),
            )
            return
        employee = rules.Employee(
            name=values["name"],
            id_number=values["id_number"],
            phone=values["phone"],
            origin=values["origin"],
            arrival_date=values["arrival_date"],
            means=values["means"],
            stay_address=values["stay_address"],
            destination=found[0],
        )
        try:
            rules.check_employee(employee, self.today)
        except RuleError as error:
            row.refuse(error.field or "", str(error))
            return
        values["employee"] = employee

    def check_against_database(self, rows: list[Row]) -> None:
        pass  # nothing in a filing depends on what is stored


@dataclass
class Checked:
    """What an upload holds: the employees when every row is right, else the errors."""

    employees: list[rules.Employee] = field(default_factory=list)
    # Each row in error: {"row": 7, "column": "身份证号", "message": "..."}.
    errors: list[dict] = field(default_factory=list)
    # What keeps the file from being read at all (no header row, a missing column, ...).
    problems: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problems and bool(self.employees)


def check_upload(path: Path, today: date, max_mb: int) -> Checked:
    """Read and check every row of the sheet in `path`; nothing is written."""
    known = {header for column in EMPLOYEES.columns for header in column.headers}
    try:
        with open_table(path, known, rules.MAX_EMPLOYEES, max_mb) as table:
            columns = Columns(EMPLOYEES, table.headers)
            if columns.problems:
                return Checked(problems=columns.problems)
            rows: list[Row] = []
            raw: list[list] = []
            for number, values in table.rows:
                rows.append(Row(number, [cell_text(v) for v in values]))
                raw.append(values)
    except Unreadable as error:
        return Checked(problems=[str(error)])
    checked = Checked(rows=len(rows))
    if not rows:
        checked.problems.append(_("The sheet has no employees."))
        return checked
    EmployeeChecker(columns, today).check(rows, raw)
    for row in rows:
        for key, message in row.problems:
            checked.errors.append(
                {"row": row.number, "column": columns.header_of(key), "message": message}
            )
    if not checked.errors:
        checked.employees = [row.values["employee"] for row in rows]
    return checked
