"""What can be exported: each kind's layout, who may export it, and what one export asks for.

Households, residents and workers are written in the layouts of webapp/sheets.py, the same
that the imports read, so that a full export of them imports back. Field work of a period and
the today lists are exported only (nothing imports them); their layouts are here, in the same
terms: Chinese headers, choice columns as their Chinese labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..identity import mask_id_number, mask_phone
from ..models import SLOTS, STATUSES, SYMPTOMS, VISIT_METHODS, VISIT_OUTCOMES
from ..permissions import Can
from ..sheets import HOUSEHOLDS, RESIDENTS, WORKERS, Column, Sheet

# The columns that hold an ID number or a phone, and how each is masked: a file leaves the
# app, so it shows them masked unless someone who may reveal them asks for them in full.
MASKS = {"id_number": mask_id_number, "phone": mask_phone}

FORMATS = {"xlsx": _l("Excel workbook (XLSX)"), "csv": _l("CSV (UTF-8, opens in Excel)")}

# What an open follow-up of the today list is (webapp/observations/slots.slot_state).
FOLLOW_UP_STATES = {"due": _l("due now"), "overdue": _l("overdue")}

_GRID_CODE = HOUSEHOLDS.column("grid_code")
_ADDRESS = HOUSEHOLDS.column("address")
_WORKER = Column("worker", "网格员", "Worker")

VISITS = Sheet(
    "visits",
    _l("Visits"),
    (
        Column("day", "日期", "Date"),
        Column("time", "时间", "Time"),
        _GRID_CODE,
        _ADDRESS,
        _WORKER,
        Column("method", "走访方式", "Method", choices=VISIT_METHODS),
        Column("persons_seen", "见到人数", "Persons seen"),
        Column("note", "备注", "Note"),
        # A visit a supervisor struck out as a duplicate stays in the file (it happened) but
        # says so, since it counts nowhere: without the mark the file's visits would not add up
        # to the report's. Empty for every visit that counts.
        Column("struck", "统计", "Counted", choices={"struck": VISIT_OUTCOMES["struck"]}),
    ),
)

FOLLOW_UPS = Sheet(
    "follow_ups",
    _l("Follow-ups"),
    (
        Column("day", "日期", "Date"),
        Column("slot", "时段", "Slot", choices=SLOTS),
        _GRID_CODE,
        _ADDRESS,
        RESIDENTS.column("name"),
        _WORKER,
        Column("temperature", "体温", "Temperature"),
        Column("symptoms", "症状", "Symptoms", choices=SYMPTOMS, multiple=True),
    ),
)

DUE_VISITS = Sheet(
    "due_visits",
    _l("Visits due"),
    (
        _GRID_CODE,
        _ADDRESS,
        Column("status", "颜色", "Colour", choices=STATUSES),
        Column("last_visit", "上次走访", "Last visit"),
        HOUSEHOLDS.column("phone"),
    ),
)

OPEN_FOLLOW_UPS = Sheet(
    "open_follow_ups",
    _l("Follow-ups"),
    (
        Column("slot", "时段", "Slot", choices=SLOTS),
        Column("state", "状态", "State", choices=FOLLOW_UP_STATES),
        _GRID_CODE,
        _ADDRESS,
        RESIDENTS.column("name"),
        RESIDENTS.column("phone"),
        Column("planned_end", "观察截止", "Observed until"),
    ),
)


@dataclass(frozen=True)
class Kind:
    sheet: Sheet
    label: str  # lazy: the choice on the form
    # The file's name and its sheet's tab start with this word (户-西苑社区-2026-12-01.xlsx).
    # Like the headers, it is in the office's language whoever exports.
    word: str
    capability: Can
    period: bool = False  # field work of a period: from and to are asked
    imports_back: bool = False  # the layout of an import (webapp/sheets.py)

    @property
    def name(self) -> str:
        return self.sheet.kind

    @property
    def has_identity(self) -> bool:
        """It holds ID numbers or phones, so masked and full differ."""
        return any(column.key in MASKS for column in self.sheet.columns)


KINDS = {
    kind.name: kind
    for kind in (
        Kind(HOUSEHOLDS, _l("Households (import layout)"), "户", Can.EXPORT, imports_back=True),
        Kind(RESIDENTS, _l("Residents (import layout)"), "居民", Can.EXPORT, imports_back=True),
        Kind(WORKERS, _l("Grid workers (import layout)"), "网格员", Can.EXPORT, imports_back=True),
        Kind(VISITS, _l("Visits of a period"), "走访", Can.EXPORT, period=True),
        Kind(FOLLOW_UPS, _l("Follow-ups of a period"), "随访", Can.EXPORT, period=True),
        Kind(DUE_VISITS, _l("Today: households due a visit"), "待走访", Can.FIELD_WORK),
        Kind(OPEN_FOLLOW_UPS, _l("Today: follow-ups not yet done"), "待随访", Can.FIELD_WORK),
    )
}


@dataclass
class Export:
    """What one export asks for, in plain values (a job keeps it as JSON in job.params).

    A job runs with nobody signed in, so the subtree and the roles that the scope allowed the
    asker (webapp/scope.py) travel with it, decided when the export was asked for.
    """

    kind: str
    format: str  # a key of FORMATS
    grid_id: int  # the node whose subtree is exported
    path: str  # that node's path
    full: bool = False  # ID numbers and phones in full
    roles: list[str] = field(default_factory=list)  # workers: the roles the asker manages
    first: str | None = None  # a period's first and last day (ISO dates)
    last: str | None = None
    at: str | None = None  # when a today list was asked for (ISO date and time)

    @property
    def of(self) -> Kind:
        return KINDS[self.kind]


def file_name(export: Export, grid_name: str, day: str) -> str:
    """户-西苑社区-2026-12-01.xlsx; a period's file says its days instead of today's."""
    when = f"{export.first}至{export.last}" if export.of.period else day
    return f"{export.of.word}-{grid_name}-{when}.{export.format}"
