"""The office's spreadsheets: the columns of each kind of sheet, for import and export alike.

A grid office keeps its tree, its roster of workers and its household and resident registers
in Excel. Each kind of sheet has one layout here: the imports read it (headers matched by
their Chinese or English name, in any order), the exports write it (so that an export imports
back), and the downloadable templates show it with an example row and a line of instructions
per column. A choice column holds labels in the sheet (专职, 党员) and values in the database
(full_time, party_member); a column of several choices separates them with 、 or a comma.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .models import (
    EMPLOYMENT,
    LEVEL_LABELS,
    MICRO_KINDS,
    POSITIONS,
    RESIDENT_TAGS,
    TREE_ROLES,
    WORKER_TAGS,
)

# What separates several choices in one cell: 、，, ; and spaces.
SEPARATORS = re.compile(r"[、，,;；\s]+")


@dataclass(frozen=True)
class Column:
    key: str  # the name of the value in a row
    zh: str  # the header in the office's sheets
    en: str  # the header in English
    required: bool = False
    # A choice column: the stored values and their labels (the sheet may hold either).
    choices: dict | None = None
    multiple: bool = False  # several choices in one cell
    example: str = ""  # the template's example row
    note: str = ""  # the template's instructions for this column

    @property
    def headers(self) -> set[str]:
        """The headers that name this column (compared without spaces, case-blind)."""
        return {normalize_header(self.zh), normalize_header(self.en), normalize_header(self.key)}


@dataclass(frozen=True)
class Sheet:
    kind: str  # "grids", "workers", "households", "residents"
    title: str  # lazy: the sheet's name for people
    columns: tuple[Column, ...]
    # The natural key: what tells whether a row updates a record or creates one.
    key: tuple[str, ...] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def normalize_header(text: str) -> str:
    return re.sub(r"\s+", "", str(text or "")).casefold()


LEVELS = {str(level): label for level, label in LEVEL_LABELS.items()}

GRIDS = Sheet(
    "grids",
    _l("Grid tree"),
    (
        Column(
            "code",
            "编码",
            "Code",
            True,
            example="M010100105",
            note=_l("Unique, letters and digits; printed in QR codes."),
        ),
        Column("name", "名称", "Name", True, example="2幢", note=_l("The node's name.")),
        Column(
            "level",
            "层级",
            "Level",
            True,
            LEVELS,
            example="微网格",
            note=_l("Zone, township/street, community/village, grid or micro-grid (0–4)."),
        ),
        Column(
            "kind",
            "微网格类型",
            "Kind",
            False,
            MICRO_KINDS,
            example="楼道",
            note=_l("For a micro-grid only: stairwell, building, street segment, ..."),
        ),
        Column(
            "parent_code",
            "上级编码",
            "Parent code",
            False,
            example="G0101001",
            note=_l("The code of the node above (in the database or earlier in the file)."),
        ),
    ),
    key=("code",),
)

WORKERS = Sheet(
    "workers",
    _l("Grid workers"),
    (
        Column("name", "姓名", "Name", True, example="王芳"),
        Column(
            "phone",
            "手机号",
            "Phone",
            True,
            example="13800138000",
            note=_l("11 digits; the worker signs in with it."),
        ),
        Column("employment", "用工", "Employment", True, EMPLOYMENT, example="兼职"),
        Column("tags", "标签", "Tags", False, WORKER_TAGS, multiple=True, example="党员、志愿者"),
        Column("positions", "职务", "Positions", False, POSITIONS, multiple=True, example="楼道长"),
        Column(
            "scope_code",
            "负责区域编码",
            "Area code",
            True,
            example="M010100105",
            note=_l("The code of the node the worker looks after."),
        ),
        Column("role", "角色", "Role", True, TREE_ROLES, example="网格员"),
    ),
    key=("phone",),
)

HOUSEHOLDS = Sheet(
    "households",
    _l("Households"),
    (
        Column("grid_code", "微网格编码", "Micro-grid code", True, example="M010100105"),
        Column("address", "地址", "Address", True, example="江南街道 西苑社区 2幢1单元101室"),
        Column("phone", "手机号", "Phone", False, example="13800138000"),
    ),
    key=("grid_code", "address"),
)

RESIDENTS = Sheet(
    "residents",
    _l("Residents"),
    (
        Column("grid_code", "微网格编码", "Micro-grid code", True, example="M010100105"),
        Column(
            "address",
            "地址",
            "Address",
            True,
            example="江南街道 西苑社区 2幢1单元101室",
            note=_l("The household's address in that micro-grid."),
        ),
        Column("name", "姓名", "Name", True, example="李娜"),
        Column(
            "id_number",
            "身份证号",
            "ID number",
            True,
            example="330702199001011237",
            note=_l("18 characters; gender and birth year are read from it."),
        ),
        Column("phone", "手机号", "Phone", False, example="13800138001"),
        Column("tags", "标签", "Tags", False, RESIDENT_TAGS, multiple=True, example="外地返回"),
        Column(
            "origin",
            "返回地",
            "Returned from",
            False,
            example="温州",
            note=_l("For a returnee: where from."),
        ),
        Column(
            "return_date",
            "返回日期",
            "Return date",
            False,
            example="2026-11-20",
            note=_l("For a returnee: when (2026-11-20)."),
        ),
    ),
    key=("id_number",),
)

SHEETS = {sheet.kind: sheet for sheet in (GRIDS, WORKERS, HOUSEHOLDS, RESIDENTS)}


def choice_labels(column: Column, locales: tuple[str, ...] = ("zh", "en")) -> dict[str, str]:
    """What a cell may hold for each choice of `column`: its value, or its label in any of the
    app's languages (normalized as headers are)."""
    found: dict[str, str] = {}
    for value, label in (column.choices or {}).items():
        found[normalize_header(value)] = value
        for locale in locales:
            with force_locale(locale):
                found[normalize_header(str(label))] = value
    return found


def split_choices(text: str) -> list[str]:
    """The several choices of one cell ("党员、志愿者" → ["党员", "志愿者"])."""
    return [part for part in SEPARATORS.split(str(text or "").strip()) if part]
