"""The workbooks an import hands out: a blank template per kind, the error workbook (the
rows as read, each with its errors, to fix and upload again), and the summary of a check or a
write. All in the office's language: they are the office's sheets."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..models import Import
from ..rules import office_language
from ..sheets import SHEETS, Sheet

# Codes, phones and ID numbers are text: typed as numbers, Excel drops the leading zeros and
# rounds an ID number's last three digits away.
TEXT_FORMAT = "@"
BOLD = Font(bold=True)


def template(kind: str | Sheet) -> BytesIO:
    """The blank sheet of `kind` (or a sheet of another feature's, such as a filing's list of
    employees): Chinese headers and one example row, and a second sheet explaining each
    column (required or not, its choices, its note)."""
    sheet = SHEETS[kind] if isinstance(kind, str) else kind
    with office_language():
        workbook = Workbook()
        data = workbook.active
        data.title = str(sheet.title)
        data.append([column.zh for column in sheet.columns])
        data.append([column.example for column in sheet.columns])
        for position, column in enumerate(sheet.columns, 1):
            letter = get_column_letter(position)
            data.column_dimensions[letter].width = max(12, 2 * len(column.example) + 2)
            data[f"{letter}1"].font = BOLD
            data[f"{letter}2"].number_format = TEXT_FORMAT
        data.freeze_panes = "A2"
        notes = workbook.create_sheet(_("Instructions"))
        notes.append([_("Column"), _("Required"), _("Choices"), _("Notes")])
        for column in sheet.columns:
            choices = "、".join(str(label) for label in (column.choices or {}).values())
            required = _("Yes") if column.required else _("No")
            if column.multiple:
                choices = _("%(choices)s (several: separate them with 、)", choices=choices)
            notes.append([column.zh, required, choices, str(column.note)])
        for letter, width in zip("ABCD", (16, 8, 40, 60), strict=True):
            notes.column_dimensions[letter].width = width
            notes[f"{letter}1"].font = BOLD
        out = BytesIO()
        workbook.save(out)
    out.seek(0)
    return out


def template_name(kind: str | Sheet) -> str:
    sheet = SHEETS[kind] if isinstance(kind, str) else kind
    with office_language():
        return f"{_('Import template')}-{sheet.title}.xlsx"


def error_workbook(rows: Path, errors: Path, target: Path) -> None:
    """The rows as read (every one, so that the fixed file is whole) and an error column,
    written row by row (write-only: memory stays flat)."""
    with office_language():
        workbook = Workbook(write_only=True)
        out = workbook.create_sheet(_("Rows to fix"))
        with open(rows, newline="", encoding="utf-8") as f_rows:
            reader = csv.reader(f_rows)
            headers = next(reader)[1:]
            out.append([_("Errors"), *headers])
            messages = _messages_by_row(errors)
            number, text = next(messages, (None, ""))
            for line in reader:
                found = ""
                while number is not None and number <= int(line[0]):
                    if number == int(line[0]):
                        found = text
                    number, text = next(messages, (None, ""))
                out.append([found, *line[1:]])
        workbook.save(target)


def _messages_by_row(errors: Path) -> Iterator[tuple[int, str]]:
    """(row, "header: message; ...") per row in error, in row order (the check's order)."""
    with open(errors, newline="", encoding="utf-8") as f:
        current, parts = None, []
        for number, header, message in csv.reader(f):
            if current is not None and int(number) != current:
                yield current, "；".join(parts)
                parts = []
            current = int(number)
            parts.append(f"{header}：{message}" if header else message)
        if current is not None:
            yield current, "；".join(parts)


def summary(imp: Import, target: Path) -> None:
    """One sheet of what the check found or the write did."""
    with office_language():
        workbook = Workbook(write_only=True)
        out = workbook.create_sheet(_("Import"))
        for label, value in (
            (_("Kind"), str(SHEETS[imp.kind].title)),
            (_("File"), imp.file_name),
            (_("State"), imp.status_label),
            (_("Rows"), imp.rows),
            (_("To create"), imp.created),
            (_("To update"), imp.updated),
            (_("Unchanged"), imp.unchanged),
            (_("In error"), imp.error_count),
        ):
            out.append([label, value])
        for warning in imp.warnings:
            out.append([_("Warning"), warning])
        workbook.save(target)
