"""Checking an import's rows without writing: each cell with the forms' own filters and
validators, each row with the rules' checks, references and duplicates against the file so far
and against the database, which also decides what a row does (create, update, unchanged).

The write job runs the same checks again, batch by batch, just before it writes each batch
(webapp/imports/writing.py): the database may have changed since the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import StopValidation, ValidationError

from ..extensions import db
from ..forms import parse_day
from ..grids.forms import GridForm
from ..households.forms import HouseholdForm
from ..households.rules import check_can_hold_households
from ..models import MICRO_LEVEL, Grid, Household, Resident, Worker, in_subtree
from ..permissions import Can, manageable_roles, role_can
from ..residents import rules as residents_rules
from ..residents.forms import ResidentForm
from ..rules import RuleError
from ..sheets import SHEETS, Column, Sheet, choice_labels, normalize_header, split_choices
from ..workers.forms import SCOPE_CODE, WorkerForm
from .reading import CellError, Uncalculated, cell_text, normalize_digits

# What each kind's pages require: an import does no more than the pages would let one do.
KIND_CAPABILITY = {
    "grids": Can.EDIT_TREE,
    "workers": Can.MANAGE_WORKERS,
    "households": Can.MANAGE_HOUSEHOLDS,
    "residents": Can.MANAGE_HOUSEHOLDS,
}
# The form field whose filters and validators each column shares with the pages.
FORM_FIELDS = {
    "grids": {"name": GridForm.name, "code": GridForm.code, "parent_code": GridForm.parent_code},
    "workers": {
        "name": WorkerForm.name,
        "phone": WorkerForm.phone,
        "scope_code": SCOPE_CODE,
    },
    "households": {
        "grid_code": HouseholdForm.grid_code,
        "address": HouseholdForm.address,
        "phone": HouseholdForm.phone,
    },
    "residents": {
        "grid_code": HouseholdForm.grid_code,
        "address": HouseholdForm.address,
        "name": ResidentForm.name,
        "id_number": ResidentForm.id_number,
        "phone": ResidentForm.phone,
        "origin": ResidentForm.origin,
    },
}
# Phones and ID numbers are compared without spaces and in ASCII digits; codes in ASCII.
DIGIT_COLUMNS = {"phone", "id_number"}
CODE_COLUMNS = {"code", "parent_code", "grid_code", "scope_code"}
DATE_COLUMNS = {"return_date"}
# A natural key twice in one file (the second row is refused).
DUPLICATE = {
    "grids": _l("The same code as row %(row)d."),
    "workers": _l("The same phone as row %(row)d."),
    "households": _l("The same address in the same micro-grid as row %(row)d."),
    "residents": _l("The same ID number as row %(row)d."),
}


@dataclass(frozen=True)
class Importer:
    """Whoever an import runs for: their role, and the subtree it may touch."""

    id: int
    role: str
    scope_id: int
    scope_path: str  # "" for the whole tree

    @classmethod
    def of(cls, worker: Worker) -> Importer:
        whole = role_can(worker.role, Can.SEE_WHOLE_TREE)
        return cls(worker.id, worker.role, worker.scope_id, "" if whole else worker.scope.path)

    def can(self, capability: Can) -> bool:
        return role_can(self.role, capability)

    def reaches(self, path: str) -> bool:
        return path.startswith(self.scope_path)


@dataclass
class Row:
    """One data row of the sheet and what the check made of it."""

    number: int
    texts: list[str]  # the row as read, by the file's column positions (for the error workbook)
    values: dict[str, object] = field(default_factory=dict)  # by column key, normalised
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column key or "", message)
    action: str = ""  # create, update, unchanged or error
    existing: object = None  # the record an update changes (its row or object)

    def refuse(self, column: str, message: str) -> None:
        self.problems.append((column, message))


class Columns:
    """Which column of the file is which column of the sheet; Refused for a file without a
    required column or with one twice; warnings for headers the sheet does not know."""

    def __init__(self, sheet: Sheet, headers: list[str]) -> None:
        by_header = {h: column for column in sheet.columns for h in column.headers}
        self.sheet = sheet
        self.positions: dict[str, int] = {}
        self.headers = headers
        self.warnings: list[str] = []
        self.problems: list[str] = []
        for position, header in enumerate(headers):
            column = by_header.get(normalize_header(header))
            if column is None:
                if header:
                    self.warnings.append(
                        _(
                            "The column %(header)s is not one of this sheet's: it was left out.",
                            header=header,
                        )
                    )
            elif column.key in self.positions:
                self.problems.append(_("The column %(header)s appears twice.", header=header))
            else:
                self.positions[column.key] = position
        missing = [c.zh for c in sheet.columns if c.required and c.key not in self.positions]
        if missing:
            self.problems.append(
                _("Required columns are missing: %(columns)s.", columns="、".join(missing))
            )

    def header_of(self, key: str) -> str:
        """The column's header as the file writes it ("" for the row as a whole)."""
        if key in self.positions:
            return self.headers[self.positions[key]]
        return self.sheet.column(key).zh if key else ""

    def present(self, key: str) -> bool:
        return key in self.positions


class _Cell:
    """What a WTForms validator reads of a field: enough to run a form's own validators on one
    cell, so that an import refuses exactly what the page refuses, with the same words."""

    def __init__(self, data: str) -> None:
        self.data = data
        self.raw_data = [data]
        self.errors: list[str] = []

    # Only WTForms' own default messages pass through these; the forms give their own.
    def gettext(self, text: str) -> str:
        return text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


def _validate(unbound, text: str) -> tuple[str, str | None]:
    """`text` through a form field's filters and validators: (value, message or None)."""
    for keep in unbound.kwargs.get("filters", ()):
        text = keep(text)
    cell = _Cell(text)
    for validator in unbound.kwargs.get("validators", ()):
        try:
            validator(None, cell)
        except StopValidation as stop:
            return cell.data, (str(stop.args[0]) if stop.args and stop.args[0] else None)
        except ValidationError as error:
            return cell.data, str(error)
    return cell.data, None


class Checker:
    """The checks of one kind; `check(rows)` checks a batch in place (and, row by row, against
    the rows before it in the file)."""

    kind = ""

    def __init__(self, importer: Importer, columns: Columns) -> None:
        self.importer = importer
        self.columns = columns
        self.sheet = SHEETS[self.kind]
        self.fields = FORM_FIELDS[self.kind]
        self.choices = {c.key: choice_labels(c) for c in self.sheet.columns if c.choices}
        self.seen: dict[tuple, int] = {}  # each natural key of the file so far: its first row
        # The scope's nodes by code, deactivated ones too (a code stays taken), loaded once: a
        # tree is a few thousand nodes, whatever the length of the file.
        self.grids: dict[str, Grid] = {
            grid.code: grid
            for grid in db.session.scalars(
                select(Grid).where(in_subtree(Grid.path, importer.scope_path))
            )
        }

    def check(self, rows: list[Row], raw: list[list]) -> None:
        for row, values in zip(rows, raw, strict=True):
            self.read_cells(row, values)
            self.check_duplicate(row)
            if not row.problems:
                self.check_row(row)
        self.check_against_database([r for r in rows if not r.problems])
        for row in rows:
            if row.problems:
                row.action = "error"

    # --- cells ---------------------------------------------------------------------------

    def read_cells(self, row: Row, values: list) -> None:
        for column in self.sheet.columns:
            position = self.columns.positions.get(column.key)
            if position is None:
                continue
            raw = values[position] if position < len(values) else None
            row.values[column.key] = self.read_cell(row, column, raw)

    def read_cell(self, row: Row, column: Column, raw: object) -> object:
        key = column.key
        if isinstance(raw, Uncalculated):
            row.refuse(
                key,
                _(
                    "This formula has no saved value: open the file in Excel or WPS, "
                    "save it and upload it again."
                ),
            )
            return None
        if isinstance(raw, CellError):
            row.refuse(key, _("The cell holds an error (%(error)s).", error=raw))
            return None
        text = cell_text(raw)
        if key in DIGIT_COLUMNS or key in CODE_COLUMNS:
            text = normalize_digits(text)
        if not text:
            if column.required:
                row.refuse(key, _("This column must be filled in."))
            return [] if column.multiple else None
        if column.choices:
            return self.read_choice(row, column, text)
        if key in DATE_COLUMNS:
            if isinstance(raw, datetime):
                return raw.date()
            if isinstance(raw, date):
                return raw
            day = parse_day(text)
            if day is None:
                row.refuse(key, _("Not a date: write it as 2026-11-20."))
            return day
        value, message = _validate(self.fields[key], text) if key in self.fields else (text, None)
        if message:
            if key == "id_number" and isinstance(raw, int | float):
                message = _(
                    "This ID number was stored as a number and lost its last digits: "
                    "format the column as text and type the numbers again."
                )
            row.refuse(key, message)
        return value

    def read_choice(self, row: Row, column: Column, text: str) -> object:
        labels = self.choices[column.key]
        parts = split_choices(text) if column.multiple else [text]
        chosen = [labels.get(normalize_header(part)) for part in parts]
        if None in chosen:
            names = "、".join(str(label) for label in column.choices.values())
            row.refuse(column.key, _("Not one of the choices: %(choices)s.", choices=names))
            return None
        return list(dict.fromkeys(chosen)) if column.multiple else chosen[0]

    # --- rows ----------------------------------------------------------------------------

    def check_row(self, row: Row) -> None:
        """The checks of one row that need nothing but the row and the file before it."""

    def check_against_database(self, rows: list[Row]) -> None:
        """The batch's references and natural keys against the database (one query each)."""
        raise NotImplementedError

    def grid_in_scope(self, row: Row, key: str, micro: bool = False) -> Grid | None:
        """The active node of the importer's subtree that the row's `key` column names."""
        code = row.values[key]
        grid = self.grids.get(code)
        if grid is None or not grid.active:
            message = (
                _("No micro-grid with the code %(code)s in your area.", code=code)
                if micro
                else _("No node with the code %(code)s in your area.", code=code)
            )
            row.refuse(key, message)
            return None
        if micro:
            try:
                check_can_hold_households(grid)
            except RuleError as error:
                row.refuse(key, str(error))
                return None
        return grid

    def check_duplicate(self, row: Row) -> None:
        """Refuse a row whose natural key (a code, a phone, an ID number, an address in its
        micro-grid) an earlier row of the file has, naming that row."""
        names = self.sheet.key
        if any(column in names for column, _message in row.problems):
            return
        key = tuple(row.values.get(name) for name in names)
        if not all(key):
            return
        earlier = self.seen.setdefault(key, row.number)
        if earlier != row.number:
            row.refuse(names[-1], str(DUPLICATE[self.kind]) % {"row": earlier})

    def decide(self, row: Row, existing: object, same: bool) -> None:
        row.existing = existing
        row.action = "create" if existing is None else ("unchanged" if same else "update")

    def kept(self, row: Row, key: str, stored: object) -> object:
        """The row's value for `key`, or the stored one when the file has no such column (an
        absent column changes nothing; an empty cell of a present column clears it)."""
        return row.values[key] if self.columns.present(key) else stored


class GridChecker(Checker):
    kind = "grids"

    def __init__(self, importer: Importer, columns: Columns) -> None:
        super().__init__(importer, columns)
        self.levels: dict[str, int] = {}  # the levels of the nodes the file has named so far
        self.by_id = {grid.id: grid for grid in self.grids.values()}

    def check_row(self, row: Row) -> None:
        values = row.values
        code, level = values["code"], int(values["level"])
        values["level"] = level
        if level == MICRO_LEVEL and not values.get("kind"):
            row.refuse("kind", _("Choose the kind of micro-grid."))
        existing = self.grids.get(code)
        if existing is not None and existing.level != level:
            row.refuse(
                "level",
                _(
                    "%(code)s is a node of level %(level)s: an import does not "
                    "change a node's level.",
                    code=code,
                    level=existing.level_label,
                ),
            )
        parent_code = values.get("parent_code")
        if level == 0:
            if existing is None:
                row.refuse("level", _("The tree has one root: an import adds nodes under it."))
        elif not parent_code:
            row.refuse("parent_code", _("This column must be filled in."))
        else:
            parent_level = self.levels.get(parent_code)
            parent = self.grids.get(parent_code)
            if parent_level is None and parent is not None and parent.active:
                parent_level = parent.level
            if parent_level is None:
                row.refuse(
                    "parent_code",
                    _(
                        "No node with the code %(code)s in your area or in an earlier row.",
                        code=parent_code,
                    ),
                )
            elif parent_level != level - 1:
                row.refuse(
                    "level",
                    _(
                        "The new parent must be one level up (%(level)s).",
                        level=Grid(level=level - 1).level_label,
                    ),
                )
        if not row.problems:
            self.levels[code] = level

    def check_against_database(self, rows: list[Row]) -> None:
        # A code of a node outside the importer's subtree is taken all the same.
        new = [r.values["code"] for r in rows if r.values["code"] not in self.grids]
        taken = set(db.session.scalars(select(Grid.code).where(Grid.code.in_(new)))) if new else ()
        for row in rows:
            values = row.values
            node = self.grids.get(values["code"])
            if values["code"] in taken:
                row.refuse("code", _("The code %(code)s is already used.", code=values["code"]))
            elif node is None:
                self.decide(row, None, False)
            else:
                parent = self.by_id.get(node.parent_id)
                parent_code = parent.code if parent is not None else None
                kind = node.kind if node.is_micro else None
                same = (
                    self.kept(row, "name", node.name) == node.name
                    and (self.kept(row, "kind", kind) if node.is_micro else None) == kind
                    and self.kept(row, "parent_code", parent_code) == parent_code
                )
                self.decide(row, node, same)

    def remember(self, node: Grid) -> None:
        """A node the write created: later rows may hang under it."""
        self.grids[node.code] = self.by_id[node.id] = node


class WorkerChecker(Checker):
    kind = "workers"

    def __init__(self, importer: Importer, columns: Columns) -> None:
        super().__init__(importer, columns)
        self.roles = manageable_roles(importer.role)

    def check_row(self, row: Row) -> None:
        values = row.values
        if values["role"] not in self.roles:
            row.refuse("role", _("You cannot give this role."))
        values["scope"] = self.grid_in_scope(row, "scope_code")

    def check_against_database(self, rows: list[Row]) -> None:
        phones = [r.values["phone"] for r in rows]
        found = (
            {w.phone: w for w in db.session.scalars(select(Worker).where(Worker.phone.in_(phones)))}
            if phones
            else {}
        )
        for row in rows:
            values = row.values
            worker = found.get(values["phone"])
            if worker is not None and not (
                worker.role in self.roles and self.importer.reaches(worker.scope.path)
            ):
                row.refuse("phone", _("Another worker signs in with this phone number."))
                continue
            same = worker is not None and (
                worker.name == values["name"]
                and worker.role == values["role"]
                and worker.scope_id == values["scope"].id
                and worker.employment == values["employment"]
                and sorted(worker.tags or []) == sorted(self.kept(row, "tags", worker.tags) or [])
                and sorted(worker.positions or [])
                == sorted(self.kept(row, "positions", worker.positions) or [])
            )
            self.decide(row, worker, same)


class HouseholdChecker(Checker):
    kind = "households"

    def check_row(self, row: Row) -> None:
        row.values["grid"] = self.grid_in_scope(row, "grid_code", micro=True)

    def check_against_database(self, rows: list[Row]) -> None:
        households = households_at(rows)
        for row in rows:
            values = row.values
            found = households.get((values["grid"].id, values["address"]), [])
            if len(found) > 1:
                row.refuse(
                    "address",
                    _(
                        "Several households of micro-grid %(code)s have this "
                        "address: correct them on their pages first.",
                        code=values["grid_code"],
                    ),
                )
                continue
            existing = found[0] if found else None
            same = existing is not None and (
                (self.kept(row, "phone", existing.phone) or None) == existing.phone
            )
            self.decide(row, existing, same)


def households_at(rows: list[Row]) -> dict[tuple[int, str], list]:
    """The active households at the rows' (micro-grid, address), in one query."""
    if not rows:
        return {}
    found: dict[tuple[int, str], list] = {}
    for household in db.session.execute(
        select(Household.id, Household.grid_id, Household.address, Household.phone).where(
            Household.grid_id.in_({r.values["grid"].id for r in rows}),
            Household.address.in_({r.values["address"] for r in rows}),
            Household.active,
        )
    ):
        found.setdefault((household.grid_id, household.address), []).append(household)
    return found


class ResidentChecker(Checker):
    """A resident's household must exist: imported before (a households import) or added on
    its page. An import creates residents, never households on the way."""

    kind = "residents"

    def check_row(self, row: Row) -> None:
        values = row.values
        values["grid"] = self.grid_in_scope(row, "grid_code", micro=True)

    def details(self, row: Row, stored) -> residents_rules.Details:
        """The resident as the row says, with the stored values of the columns it lacks."""
        return residents_rules.Details(
            name=row.values["name"],
            id_number=row.values["id_number"],
            phone=self.kept(row, "phone", stored.phone if stored else None),
            tags=self.kept(row, "tags", stored.tags if stored else None) or [],
            origin=self.kept(row, "origin", stored.origin if stored else None),
            return_date=self.kept(row, "return_date", stored.return_date if stored else None),
        )

    def check_against_database(self, rows: list[Row]) -> None:
        households = households_at(rows)
        numbers = [r.values["id_number"] for r in rows]
        registered = (
            {
                r.id_number: r
                for r in db.session.execute(
                    select(
                        Resident.id,
                        Resident.id_number,
                        Resident.household_id,
                        Resident.active,
                        Resident.name,
                        Resident.phone,
                        Resident.tags,
                        Resident.origin,
                        Resident.return_date,
                    ).where(Resident.id_number.in_(numbers))
                )
            }
            if numbers
            else {}
        )
        for row in rows:
            values = row.values
            found = households.get((values["grid"].id, values["address"]), [])
            if len(found) != 1:
                message = (
                    _(
                        "No household at this address in micro-grid %(code)s: import the "
                        "households first.",
                        code=values["grid_code"],
                    )
                    if not found
                    else _(
                        "Several households of micro-grid %(code)s have this address: "
                        "correct them on their pages first.",
                        code=values["grid_code"],
                    )
                )
                row.refuse("address", message)
                continue
            values["household_id"] = found[0].id
            stored = registered.get(values["id_number"])
            if stored is not None and not (stored.household_id == found[0].id and stored.active):
                row.refuse(
                    "id_number",
                    _(
                        "This ID number is already registered in another "
                        "household, or was removed from this one."
                    ),
                )
                continue
            values["details"] = details = self.details(row, stored)
            try:
                residents_rules.check_details(details)
            except RuleError as error:
                row.refuse(error.field or "", str(error))
                continue
            same = stored is not None and _same_resident(stored, details)
            self.decide(row, stored, same)


def _same_resident(stored, details: residents_rules.Details) -> bool:
    returnee = details.is_returnee
    return (
        stored.name == details.name
        and stored.phone == (details.phone or None)
        and sorted(stored.tags or []) == sorted(details.tags or [])
        and stored.origin == (details.origin if returnee else None)
        and stored.return_date == (details.return_date if returnee else None)
    )


CHECKERS: dict[str, type[Checker]] = {
    c.kind: c for c in (GridChecker, WorkerChecker, HouseholdChecker, ResidentChecker)
}
