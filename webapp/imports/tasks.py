"""An import's two background jobs: the check (read the upload, check every row, write nothing)
and the write (check every row again and write them all in one transaction, or none).

Both go through the rows in batches (BATCH): one query per batch and kind of lookup, rows
never kept past their batch, so memory stays flat whatever the file's length. The check keeps
the rows as it read them (files.Spool): the write and the error workbook read that, not the
workbook again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from ..audit import trail
from ..clock import now, today
from ..extensions import db
from ..jobs import JobError, job_kind, results_dir
from ..models import Import, Job, Worker
from ..permissions import Can
from ..sheets import SHEETS
from . import files, workbooks, writing
from .checking import CHECKERS, KIND_CAPABILITY, Checker, Columns, Importer, Row
from .reading import Unreadable, cell_text, open_table

BATCH = 2000
# Errors kept on the import for its page; the error workbook has them all.
SHOWN_ERRORS = 300


@dataclass
class Tally:
    """What a pass over the rows found (or wrote)."""

    rows: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0
    errors: int = 0
    first_errors: list[dict] = field(default_factory=list)

    def count(self, row: Row, columns: Columns, errors: files.Spool) -> None:
        self.rows += 1
        if not row.problems:
            setattr(self, row.action, getattr(self, row.action) + 1)
            return
        self.errors += 1
        for key, message in row.problems:
            header = columns.header_of(key)
            errors.add([row.number, header, message])
            if len(self.first_errors) < SHOWN_ERRORS:
                self.first_errors.append({"row": row.number, "column": header, "message": message})

    def keep(self, imp: Import) -> None:
        imp.rows, imp.created, imp.updated = self.rows, self.create, self.update
        imp.unchanged, imp.error_count, imp.errors = self.unchanged, self.errors, self.first_errors


def go_through(
    rows: Iterator[tuple[int, list]],
    checker: Checker,
    errors: files.Spool,
    report: Callable[[int], None],
    then: Callable[[list[Row]], None],
) -> Tally:
    """Check `rows` batch by batch, counting what each would do; `then(batch)` after each."""
    tally = Tally()
    batch: list[Row] = []
    raw: list[list] = []

    def finish() -> None:
        checker.check(batch, raw)
        then(batch)
        for row in batch:
            tally.count(row, checker.columns, errors)
        report(tally.rows)
        batch.clear()
        raw.clear()

    for number, values in rows:
        batch.append(Row(number, [cell_text(v) for v in values]))
        raw.append(values)
        if len(batch) == BATCH:
            finish()
    if batch:
        finish()
    return tally


def _reporter(job_id: str, writing: bool) -> Callable[..., None]:
    """Progress on a connection of its own, so that it never commits the import's transaction.
    SQLite has one writer at a time: while an import writes there, the bar waits for the end."""
    if writing and db.engine.dialect.name == "sqlite":
        return lambda done, total=None: None

    def report(done: int, total: int | None = None) -> None:
        values = {"progress": done, "updated_at": now()}
        if total is not None:
            values["total"] = total
        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == job_id).values(**values))

    return report


def _importer(imp: Import, worker_id: int) -> tuple[Importer, Worker]:
    """Who the import runs for, refused if they may no longer import this kind."""
    worker = db.session.get(Worker, worker_id)
    if worker is None or not worker.active:
        raise JobError(_("The worker who started this import can no longer sign in."))
    importer = Importer.of(worker)
    if not (importer.can(Can.IMPORT) and importer.can(KIND_CAPABILITY[imp.kind])):
        raise JobError(_("You may not import this kind of sheet."))
    return importer, worker


def _report_name(imp: Import, what: str) -> str:
    return f"{what}-{SHEETS[imp.kind].title}-{today().isoformat()}.xlsx"


@job_kind("import_check", title=_l("Checking an import"))
def check(job: Job, _progress: Callable[[int], None]) -> tuple[Path, str]:
    """Read the upload and check every row; keep the counts and errors on the import."""
    imp = db.session.get(Import, job.params["import_id"])
    if imp is None or imp.status not in ("checking", "refused", "checked"):
        raise JobError(_("This import is no longer waiting for a check."))
    importer, _worker = _importer(imp, imp.created_by_id)
    sheet = SHEETS[imp.kind]
    upload = Path(imp.stored_path)
    known = {h for column in sheet.columns for h in column.headers}
    config = current_app.config
    report = _reporter(job.id, writing=False)
    try:
        with open_table(upload, known, config["IMPORT_MAX_ROWS"], config["IMPORT_MAX_MB"]) as table:
            columns = Columns(sheet, table.headers)
            if columns.problems:
                raise Unreadable(" ".join(columns.problems))
            report(0, table.estimated_rows or 0)
            checker = CHECKERS[imp.kind](importer, columns)
            spool = files.Spool(files.rows_path(upload), ["", *table.headers])
            errors = files.Spool(files.errors_path(upload))
            try:
                tally = go_through(
                    table.rows, checker, errors, report, lambda batch: _spool(spool, batch)
                )
            finally:
                spool.close()
                errors.close()
    except Unreadable as refusal:
        db.session.rollback()
        imp = db.session.get(Import, job.params["import_id"])
        imp.status, imp.message = "refused", str(refusal)
        db.session.commit()
        raise JobError(str(refusal)) from None
    report(tally.rows, tally.rows)
    imp.status, imp.message, imp.warnings = "checked", None, columns.warnings
    tally.keep(imp)
    db.session.commit()
    return _result(job, imp, upload)


def _spool(spool: files.Spool, batch: list[Row]) -> None:
    for row in batch:
        spool.add([row.number, *row.texts])


def _result(job: Job, imp: Import, upload: Path) -> tuple[Path, str]:
    """The error workbook when rows are in error, else the summary."""
    target = results_dir() / f"{job.id}.xlsx"
    if imp.error_count:
        workbooks.error_workbook(files.rows_path(upload), files.errors_path(upload), target)
        return target, _report_name(imp, _("Import errors"))
    workbooks.summary(imp, target)
    return target, _report_name(imp, _("Import"))


@job_kind("import_write", title=_l("Writing an import"))
def write(job: Job, _progress: Callable[[int], None]) -> tuple[Path, str]:
    """Check every row again and write them all in one transaction, or nothing."""
    import_id = job.params["import_id"]
    # Claimed in one statement: of two jobs for one import (a double click), one writes.
    claimed = db.session.execute(
        update(Import)
        .where(Import.id == import_id, Import.status == "confirmed")
        .values(status="writing", write_job_id=job.id)
    ).rowcount
    db.session.commit()
    if not claimed:
        raise JobError(_("This import is not waiting to be written."))
    imp = db.session.get(Import, import_id)
    try:
        return _write(job, imp)
    except JobError:
        raise
    except Exception as error:
        db.session.rollback()
        imp = db.session.get(Import, import_id)
        imp.status, imp.message = "failed", f"{type(error).__name__}: {error}"
        db.session.commit()
        raise


def _write(job: Job, imp: Import) -> tuple[Path, str]:
    importer, by = _importer(imp, job.params["by_id"])
    upload = Path(imp.stored_path)
    headers, rows = files.read_rows(files.rows_path(upload))
    columns = Columns(SHEETS[imp.kind], headers)
    checker = CHECKERS[imp.kind](importer, columns)
    password = job.params.get("first_password_hash")
    refused = False

    def write_batch(batch: list[Row]) -> None:
        nonlocal refused
        if refused or any(row.problems for row in batch):
            refused = True  # nothing more is written: the whole import is rolled back
            return
        try:
            writing.write(checker, batch, by, password)
        except writing.Refused:
            refused = True

    errors = files.Spool(files.errors_path(upload))
    try:
        tally = go_through(rows, checker, errors, _reporter(job.id, writing=True), write_batch)
    finally:
        errors.close()
    if tally.errors:
        # The database changed since the check: nothing is written, the import shows why.
        db.session.rollback()
        imp = db.session.get(Import, imp.id)
        imp.status = "checked"
        tally.keep(imp)
        db.session.commit()
        return _result(job, imp, upload)
    tally.keep(imp)
    imp.status, imp.message, imp.finished_at = "done", None, now()
    trail.record(
        "import",
        by.id,
        ("import", imp.id),
        importer.scope_id,
        kind=imp.kind,
        file=imp.file_name,
        created=tally.create,
        updated=tally.update,
        unchanged=tally.unchanged,
    )
    db.session.commit()
    files.remove(upload)
    return _result(job, imp, upload)
