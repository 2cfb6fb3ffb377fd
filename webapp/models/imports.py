"""Imports: a spreadsheet of the office's (grid tree, workers, households, residents) on its
way in, from the upload through the check to the confirmed write."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .people import Worker

# Where an import stands. Nothing is written before "writing"; "done" is committed with the
# rows themselves, so an import is done exactly when its rows are in.
IMPORT_STATES = {
    "checking": _l("Checking"),
    "refused": _l("File refused"),
    "checked": _l("Checked"),
    "confirmed": _l("Waiting to be written"),
    "writing": _l("Writing"),
    "done": _l("Imported"),
    "failed": _l("Writing failed"),
}


class Import(db.Model):
    __tablename__ = "sheet_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # a key of webapp/sheets.SHEETS
    file_name: Mapped[str] = mapped_column(String(200))  # as uploaded, for people
    # The upload under the instance folder, and the rows as the check read them (the write
    # job and the error workbook read those instead of parsing the workbook again).
    stored_path: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="checking")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    finished_at: Mapped[datetime | None]
    check_job_id: Mapped[str | None] = mapped_column(ForeignKey("job.id"))
    write_job_id: Mapped[str | None] = mapped_column(ForeignKey("job.id"))
    # What the check found: data rows read, and how many would be created, updated, left
    # unchanged or are in error; after the write, what was written.
    rows: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    # The first errors, [{"row", "column", "message"}], for the preview page (all of them are
    # in the error workbook); warnings that do not stop the import (unknown headers).
    errors: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    # Why the file was refused or the write failed, in the office's language.
    message: Mapped[str | None] = mapped_column(Text)

    created_by: Mapped[Worker] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (Index("ix_sheet_import_owner_created", "created_by_id", "created_at"),)

    @property
    def status_label(self) -> str:
        return str(IMPORT_STATES.get(self.status, self.status))

    @property
    def can_confirm(self) -> bool:
        """Checked without an error (or a write that failed for another reason)."""
        return self.status in ("checked", "failed") and self.error_count == 0 and self.rows > 0
