"""Writing an export: its rows, cell by cell, into an XLSX workbook or a CSV file.

Memory does not grow with the rows. They are read in batches from a streaming cursor on a
connection of their own (a job's progress commits on the session meanwhile, which would
close a cursor of the session's transaction), turned into cells a row at a time and written
as they come: openpyxl's write-only mode streams the sheet to a temporary file and zips it at
the end, with inline strings (no shared-string table holding every distinct name and number).

Cells are what the imports read (webapp/sheets.py): choice columns as their Chinese labels,
several joined with 、; dates as 2026-11-20; ID numbers, phones and codes as text, never as
numbers (Excel would show an 18-digit ID number as 3.30702E+17 and lose its last digits);
counts and temperatures as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Connection, Row

from ..extensions import db
from ..sheets import Column
from .kinds import MASKS, Export
from .queries import statements

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Rows fetched from the database at a time, and rows between two reports of progress (each
# report is a commit; 10,000 rows take well under a second to write).
BATCH = 2000
PROGRESS_EVERY = 10_000
# Several choices in one cell, as the office writes them (the imports split on it).
JOIN = "、"
# The language of the labels in a file: its headers are the office's Chinese ones.
FILE_LOCALE = "zh"
# Dates and times, as text that the imports read and that Excel shows as it is.
DAYS = {"day", "return_date", "planned_end"}
FORMATS = {"time": "%H:%M", "last_visit": "%Y-%m-%d %H:%M"}
# A CSV cell starting with one of these is a formula to Excel: a note typed as "=HYPERLINK(…)"
# would run when the file is opened. Such cells get a leading apostrophe, as OWASP advises.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel's column widths, in characters (a Chinese character counts two).
WIDTHS = {"address": 36, "id_number": 21, "note": 30, "name": 10, "phone": 13, "grid_code": 13}

Cell = Callable[[Any], Any]


def write(export: Export, out: BinaryIO, progress: Callable[[int], None] | None = None) -> int:
    """Write the export's file to `out` (a binary file); the number of rows written."""
    with db.engine.connect() as connection:
        rows = _Counted(_read(connection, export), progress)
        if export.format == "csv":
            _write_csv(export, rows, out)
        else:
            _write_xlsx(export, rows, out)
    return rows.count


def _read(connection: Connection, export: Export) -> Iterator[Row]:
    for stmt in statements(export):
        yield from connection.execution_options(yield_per=BATCH).execute(stmt)


class _Counted:
    """The rows as they pass, counted, with the progress reported every PROGRESS_EVERY."""

    def __init__(self, rows: Iterable, progress: Callable[[int], None] | None) -> None:
        self.rows, self.progress, self.count = rows, progress, 0

    def __iter__(self) -> Iterator:
        for row in self.rows:
            yield row
            self.count += 1
            if self.progress is not None and self.count % PROGRESS_EVERY == 0:
                self.progress(self.count)


def _cells(rows: Iterable, columns: tuple[Column, ...], full: bool, text: Cell) -> Iterator[list]:
    """Each row's values as its cells: masked, labelled and formatted by column."""
    makers = [_maker(column, full, text) for column in columns]
    for row in rows:
        yield [v if v is None else make(v) for make, v in zip(makers, row, strict=True)]


def _maker(column: Column, full: bool, text: Cell) -> Cell:
    """What turns a stored value of `column` (never None) into its cell."""
    if column.key in MASKS and not full:
        return MASKS[column.key]
    if column.choices:
        with force_locale(FILE_LOCALE):
            labels = {value: str(label) for value, label in column.choices.items()}
        if column.multiple:  # unknown values are kept as they are: the imports read values too
            return lambda values: JOIN.join(labels.get(v, v) for v in values) or None
        return lambda value: labels.get(value, value)
    if column.key in DAYS:
        return lambda day: day.isoformat()[:10]
    if column.key in FORMATS:
        pattern = FORMATS[column.key]
        return lambda moment: moment.strftime(pattern)
    return text


def _csv_text(value: Any) -> Any:
    if value.__class__ is str and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_sheet(
    columns: tuple[Column, ...], word: str, fmt: str, full: bool, rows: Iterable, out: BinaryIO
) -> None:
    """Rows of values (in `columns`' order) as a file, for a feature's own list (a list of
    resident requests): the same cells, masks and formats as every export."""
    if fmt == "csv":
        _csv_file(columns, full, rows, out)
    else:
        _xlsx_file(columns, word, full, rows, out)


def _write_csv(export: Export, rows: Iterable[Row], out: BinaryIO) -> None:
    _csv_file(export.of.sheet.columns, export.full, rows, out)


def _csv_file(columns: tuple[Column, ...], full: bool, rows: Iterable, out: BinaryIO) -> None:
    # UTF-8 with a byte order mark: without it Excel reads the file as GBK and shows mojibake.
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([column.zh for column in columns])
    writer.writerows(_cells(rows, columns, full, _csv_text))
    text.flush()
    text.detach()  # the caller closes `out`


def _write_xlsx(export: Export, rows: Iterable[Row], out: BinaryIO) -> None:
    _xlsx_file(export.of.sheet.columns, export.of.word, export.full, rows, out)


def _xlsx_file(
    columns: tuple[Column, ...], word: str, full: bool, rows: Iterable, out: BinaryIO
) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(word)
    sheet.freeze_panes = "A2"  # the headers stay in view while scrolling
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column.key, 12)
    bold = Font(bold=True)
    sheet.append([_styled(sheet, column.zh, font=bold) for column in columns])

    def text(value: Any) -> Any:
        if value.__class__ is not str:
            return value  # a count, a temperature
        if not value.isprintable():  # rare: only then pay for the search
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters are not XML
        if value.startswith("="):  # openpyxl would write a formula: keep the text typed
            return _styled(sheet, value, data_type="s", number_format="@")
        return value or None  # an empty cell is left out of the sheet

    for row in _cells(rows, columns, full, text):
        sheet.append(row)
    workbook.save(out)


def _styled(sheet: WriteOnlyWorksheet, value: str, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
