"""Where an import's files live, under the instance folder: the upload as it came, the rows as
the check read them, and the check's errors (both plain UTF-8 CSV, read back in order).

They hold the office's personal data: they go once the import is written, and any left behind
(an import never confirmed) after KEEP_FILES, as new imports come.
"""

from __future__ import annotations

import csv
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app

KEEP_FILES = timedelta(days=7)


def imports_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(stream: BinaryIO, limit: int) -> Path | None:
    """Save an upload in a folder of its own; None (and nothing kept) past `limit` bytes."""
    _prune()
    folder = imports_dir() / uuid.uuid4().hex
    folder.mkdir()
    path = folder / "upload"
    with open(path, "wb") as out:
        shutil.copyfileobj(stream, out, 1024 * 1024)
    if path.stat().st_size > limit:
        shutil.rmtree(folder)
        return None
    return path


def rows_path(upload: Path) -> Path:
    return upload.with_name("rows.csv")


def errors_path(upload: Path) -> Path:
    return upload.with_name("errors.csv")


def remove(upload: Path) -> None:
    shutil.rmtree(upload.parent, ignore_errors=True)


def _prune() -> None:
    cutoff = time.time() - KEEP_FILES.total_seconds()
    for folder in imports_dir().iterdir():
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder)
        except OSError:  # another server pruned it first
            pass


class Spool:
    """Rows written as CSV with their row number first, to be read back in the same order."""

    def __init__(self, path: Path, header: list[str] | None = None) -> None:
        self.file = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self.writer = csv.writer(self.file)
        if header is not None:
            self.writer.writerow(header)

    def add(self, row: list) -> None:
        self.writer.writerow(row)

    def close(self) -> None:
        self.file.close()


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The headers and the (row number, texts) that a Spool of rows holds."""
    f = open(path, newline="", encoding="utf-8")  # noqa: SIM115
    reader = csv.reader(f)
    headers = next(reader)[1:]

    def rows() -> Iterator[tuple[int, list]]:
        with f:
            for line in reader:
                yield int(line[0]), line[1:]

    return headers, rows()
