"""Reading an uploaded spreadsheet: XLSX (openpyxl, read-only) or CSV (UTF-8, GBK/GB18030,
UTF-16), as a header row and a stream of rows, refusing what cannot be read safely.

Memory stays flat whatever the file's length: rows are parsed one at a time and never kept.
A file is refused with a sentence the office can act on (Unreadable) before anything is
checked: not a spreadsheet, an encrypted or macro workbook, a zip bomb, merged header cells,
an empty sheet, too many rows.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from ..sheets import normalize_header

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # an old .xls, or an encrypted OOXML package
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted workbook is an OLE container holding this stream (its name in UTF-16).
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
# Spreadsheet XML compresses 5 to 30 times; a zip bomb compresses thousands of times.
MAX_RATIO = 200
RATIO_FLOOR = 10 * 1024 * 1024  # small members may compress well without harm
# The unpacked workbook may be this many times the upload's limit (sheet XML is verbose).
MAX_UNPACKED_FACTOR = 20
# The header row is the first of these many rows to name a known column (a title row merged
# across the sheet often stands above it).
HEADER_SEARCH_ROWS = 20
CHUNK = 1024 * 1024

_IS = f"{{{SHEET_MAIN_NS}}}is"
_T = f"{{{SHEET_MAIN_NS}}}t"
_R = f"{{{SHEET_MAIN_NS}}}r"
_DIGITS = re.compile(r"\d+$")


class Unreadable(Exception):
    """The file cannot be imported, for a reason the office can fix (said in a sentence)."""


class Uncalculated:
    """A formula cell saved without its value (written by a program that does not calculate)."""


class CellError(str):
    """A cell holding a spreadsheet error (#N/A, #REF!, ...)."""


UNCALCULATED = Uncalculated()


@dataclass
class Table:
    """A sheet: its header row (texts as written, by position) and its data rows."""

    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list]]  # (row number in the sheet, values by position)
    estimated_rows: int | None = None  # what the file says of its length, before reading it
    warnings: list[str] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell as the text a person would type: numbers without a trailing .0, dates as
    2026-11-20, everything stripped."""
    if value is None or isinstance(value, Uncalculated | CellError):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def normalize_digits(text: str) -> str:
    """Full-width digits and letters as ASCII, and no spaces of any width: how phones and ID
    numbers are compared ("１３８ ００１３ ８０００" is 13800138000)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@contextmanager
def open_table(path: Path, known_headers: set[str], max_rows: int, max_mb: int) -> Iterator[Table]:
    """The sheet in `path` (the first worksheet of a workbook, or a CSV file), its header row
    found by `known_headers` (normalized); Unreadable when the file cannot be imported."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(ZIP_MAGIC):
        _check_package(path, max_mb)
        source: _Source = _Workbook(path)
    elif head.startswith(OLE_MAGIC):
        if _contains(path, ENCRYPTION_STREAM):
            raise Unreadable(
                _(
                    "This workbook is protected by a password: save a copy without one and "
                    "upload that."
                )
            )
        raise Unreadable(
            _(
                "This is an Excel 97–2003 workbook (.xls): save it as .xlsx (Excel workbook) "
                "and upload that."
            )
        )
    else:
        source = _Text(path)
    try:
        yield _table(source, known_headers, max_rows)
    finally:
        source.close()


class _Source:
    """Where rows come from: (row number, values) in order; merged ranges once read."""

    estimated_rows: int | None = None

    def rows(self) -> Iterator[tuple[int, list]]:
        raise NotImplementedError

    def merged_rows(self) -> set[int]:
        """The rows that merged cells touch (known once every row was read)."""
        return set()

    def close(self) -> None:
        pass


def _table(source: _Source, known_headers: set[str], max_rows: int) -> Table:
    rows = source.rows()
    for number, values in rows:
        texts = [cell_text(v) for v in values]
        if any(normalize_header(t) in known_headers for t in texts):
            break
        if number >= HEADER_SEARCH_ROWS:
            raise Unreadable(_("No header row: the first rows name none of this sheet's columns."))
    else:
        raise Unreadable(_("The sheet is empty."))
    estimated = source.estimated_rows - number if source.estimated_rows else None
    if estimated is not None and estimated > max_rows:
        raise Unreadable(_too_many(max_rows))
    return Table(texts, number, _data_rows(source, rows, number, max_rows), estimated)


def _data_rows(
    source: _Source, rows: Iterator[tuple[int, list]], header_row: int, max_rows: int
) -> Iterator[tuple[int, list]]:
    count = 0
    for number, values in rows:
        if all(v is None or v == "" for v in values):
            continue  # the blank rows a sheet's used range often ends with
        count += 1
        if count > max_rows:
            raise Unreadable(_too_many(max_rows))
        yield number, values
    if header_row in source.merged_rows():
        raise Unreadable(
            _(
                "The header row has merged cells: unmerge them so that every column has its "
                "own header."
            )
        )


def _too_many(max_rows: int) -> str:
    return _("The sheet has more than %(n)d rows: split it into several files.", n=max_rows)


def _contains(path: Path, needle: bytes) -> bool:
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def _check_package(path: Path, max_mb: int) -> None:
    """Refuse a macro workbook and a zip bomb from the archive's directory, before openpyxl
    unpacks anything (zipfile never inflates a member past the size the directory declares)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            types = (
                archive.read("[Content_Types].xml")
                if "[Content_Types].xml" in archive.namelist()
                else b""
            )
    except (zipfile.BadZipFile, KeyError, OSError):
        raise Unreadable(_not_a_spreadsheet()) from None
    if b"macroEnabled" in types or any(
        m.filename.lower().endswith("vbaproject.bin") for m in members
    ):
        raise Unreadable(
            _(
                "This workbook holds macros (.xlsm): save it as a plain Excel workbook (.xlsx) "
                "and upload that."
            )
        )
    unpacked = sum(m.file_size for m in members)
    bomb = unpacked > MAX_UNPACKED_FACTOR * max_mb * 1024 * 1024 or any(
        m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if bomb:
        raise Unreadable(
            _("This file unpacks to far more than a spreadsheet holds: it is refused.")
        )


def _not_a_spreadsheet() -> str:
    return _("This file is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file.")


class _CachedValues(WorkSheetParser):
    """openpyxl's read-only sheet parser, taking each formula's cached value and marking a
    formula saved without one (the public values-only rows cannot tell it from an empty
    cell), with a quicker path for inline strings (what openpyxl's own write-only mode and
    many exporters write; the generic path costs half of the reading)."""

    def parse_cell(self, element):
        if element.get("t") == "inlineStr":
            coordinate = element.get("r")
            if coordinate:
                self.col_counter = column_index_from_string(_DIGITS.sub("", coordinate))
            else:
                self.col_counter += 1
            text = element.find(_IS)
            value = None
            if text is not None:
                plain = text.find(_T)
                value = (
                    plain.text
                    if plain is not None
                    else "".join(run.findtext(_T, "") for run in text.iter(_R))
                )
            return {"column": self.col_counter, "value": value}
        cell = super().parse_cell(element)
        if cell["data_type"] == "e":
            cell["value"] = CellError(cell["value"])
        elif cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCALCULATED
        return cell


class _Workbook(_Source):
    def __init__(self, path: Path) -> None:
        # An open file, not the path: openpyxl judges a path by its extension, and an upload
        # is stored without one (its name is the user's).
        self.file = open(path, "rb")  # noqa: SIM115
        try:
            self.workbook = load_workbook(self.file, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a zip that is no workbook
            self.file.close()
            raise Unreadable(_not_a_spreadsheet()) from None
        if not self.workbook.worksheets:
            self.close()
            raise Unreadable(_("The sheet is empty."))
        self.sheet = self.workbook.worksheets[0]
        self.estimated_rows = self.sheet.max_row
        self.parser: _CachedValues | None = None

    def rows(self) -> Iterator[tuple[int, list]]:
        workbook = self.workbook
        with workbook._archive.open(self.sheet._worksheet_path) as xml:
            self.parser = _CachedValues(
                xml,
                workbook.shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in self.parser.parse():
                values = [None] * (cells[-1]["column"] if cells else 0)
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                yield number, values

    def merged_rows(self) -> set[int]:
        merged = self.parser.merged_cells if self.parser is not None else None
        found: set[int] = set()
        for cells in getattr(merged, "mergeCell", None) or ():
            _col, first, _col2, last = range_boundaries(cells.ref)
            found.update(range(first, last + 1))
        return found

    def close(self) -> None:
        self.workbook.close()
        self.file.close()


class _Text(_Source):
    def __init__(self, path: Path) -> None:
        self.encoding = _text_encoding(path)
        self.file = open(path, encoding=self.encoding, newline="")  # noqa: SIM115

    def rows(self) -> Iterator[tuple[int, list]]:
        first = self.file.readline()
        self.file.seek(0)
        # Excel's "Unicode text" is tab-separated; a few offices use semicolons.
        delimiter = max(",\t;", key=first.count)
        try:
            yield from enumerate(csv.reader(self.file, delimiter=delimiter), 1)
        except (csv.Error, UnicodeDecodeError):
            raise Unreadable(_not_a_spreadsheet()) from None

    def close(self) -> None:
        self.file.close()


def _text_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM, else GB18030 (which reads GBK, what
    Chinese office software writes); Unreadable for anything that is no text."""
    with open(path, "rb") as f:
        head = f.read(64 * 1024)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise Unreadable(_not_a_spreadsheet())
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as f:
                while chunk := f.read(CHUNK):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise Unreadable(_not_a_spreadsheet())
