"""Writing a checked batch through the same rules as the pages: the tree's add_child, rename
and move, workers' appoint, households' and residents' bulk create and correct (the bulk
variants keep the single-row rules' invariants: member_count, a returnee's colour and the
household raised with it, the audit of worker changes).

Nothing here commits: the write job commits once, after the last batch, or rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..grids import rules as grids_rules
from ..households import rules as households_rules
from ..models import Worker
from ..residents import rules as residents_rules
from ..rules import RuleError
from ..workers import rules as workers_rules
from .checking import Checker, GridChecker, Row


class Refused(Exception):
    """A rule refused a row while writing (the database changed since the check)."""


def write(checker: Checker, rows: list[Row], by: Worker, first_password_hash: str | None) -> None:
    """Write the batch's rows that create or update; Refused (with the row's problem recorded)
    when a rule refuses one: the caller rolls the whole import back."""
    changing = [row for row in rows if row.action in ("create", "update")]
    if not changing:
        return
    current: list[Row] = changing[:1]
    try:
        WRITERS[checker.kind](checker, _following(changing, current), by, first_password_hash)
    except RuleError as error:
        row = _row_of(error, changing) or current[0]
        row.refuse(error.field or "", str(error))
        row.action = "error"
        raise Refused from error


def _following(rows: list[Row], current: list[Row]) -> Iterator[Row]:
    """The rows in order, keeping `current` on the one being written (to name it on refusal)."""
    for row in rows:
        current[0] = row
        yield row


def _row_of(error: RuleError, rows: list[Row]) -> Row | None:
    """The row a bulk rule refused, when its error says (an ID number already registered)."""
    if isinstance(error, residents_rules.AlreadyRegistered):
        number = error.existing.id_number
        return next((r for r in rows if r.values.get("id_number") == number), None)
    return None


def _grids(checker: GridChecker, rows: Iterator[Row], by: Worker, _password: str | None) -> None:
    for row in rows:
        values = row.values
        if row.action == "create":
            parent = checker.grids[values["parent_code"]]
            node = grids_rules.add_child(parent, values["name"], values["code"], values.get("kind"))
            checker.remember(node)
            continue
        node = row.existing
        kind = checker.kept(row, "kind", node.kind)
        grids_rules.rename(node, checker.kept(row, "name", node.name), node.code, kind)
        parent_code = checker.kept(row, "parent_code", None)
        if node.level and parent_code and parent_code != checker.by_id[node.parent_id].code:
            grids_rules.move(node, checker.grids[parent_code])


def _workers(checker: Checker, rows: Iterator[Row], by: Worker, password: str | None) -> None:
    def appointments() -> Iterator[tuple[Worker, workers_rules.Appointment]]:
        for row in rows:
            values = row.values
            worker = row.existing or Worker()
            yield (
                worker,
                workers_rules.Appointment(
                    name=values["name"],
                    phone=values["phone"],
                    role=values["role"],
                    scope=values["scope"],
                    employment=values["employment"],
                    tags=checker.kept(row, "tags", worker.tags) or [],
                    positions=checker.kept(row, "positions", worker.positions) or [],
                ),
            )

    workers_rules.appoint_all(appointments(), by, password)


def _households(checker: Checker, rows: Iterator[Row], _by: Worker, _pw: str | None) -> None:
    new, corrected = [], []
    for row in rows:
        values = row.values
        if row.action == "create":
            new.append((values["grid"], values["address"], values.get("phone")))
        else:
            phone = checker.kept(row, "phone", row.existing.phone)
            corrected.append((row.existing.id, values["address"], phone))
    households_rules.create_all(new)
    households_rules.correct_all(corrected)


def _residents(checker: Checker, rows: Iterator[Row], _by: Worker, _pw: str | None) -> None:
    new, corrected = [], []
    for row in rows:
        values = row.values
        if row.action == "create":
            new.append((values["household_id"], values["details"]))
        else:
            corrected.append((row.existing.id, values["details"]))
    residents_rules.register_all(new)
    residents_rules.correct_all(corrected)


WRITERS = {
    "grids": _grids,
    "workers": _workers,
    "households": _households,
    "residents": _residents,
}
