"""The audit trail: who did what sensitive thing, when, from where, to what, in which area.

Append-only: the app adds entries and never changes or deletes one (the ORM refuses to, see
below); only the retention command (`flask --app wsgi audit-prune`) removes entries older than
AUDIT_RETENTION_DAYS, run by the office's operator.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .grid import Grid
from .people import Worker

# What an entry records. The keys are stored; the labels are shown.
ACTIONS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Failed sign-in"),
    "sign_in_refused": _l("Sign-in refused: too many attempts"),
    "sign_out": _l("Signed out"),
    "sign_out_everywhere": _l("Signed out everywhere"),
    "password_changed": _l("Password changed"),
    "reveal": _l("Full ID number and phone shown"),
    "reveal_refused": _l("Reveal refused: too many"),
    "worker_created": _l("Worker added"),
    "worker_edited": _l("Worker changed"),
    "worker_deactivated": _l("Worker deactivated"),
    "worker_activated": _l("Worker reactivated"),
    "card_issued": _l("Card issued"),
    "card_reissued": _l("Card reissued"),
    "card_revoked": _l("Card revoked"),
    "colour_lowered": _l("Colour lowered"),
    "observation_released": _l("Released early from observation"),
    "self_report_link_issued": _l("Self-report link given"),
    "self_report_link_revoked": _l("Self-report link revoked"),
    "audit_exported": _l("Audit trail exported"),
    "import": _l("Data imported"),
    "export": _l("List exported"),
    "full_file_downloaded": _l("File with full numbers downloaded"),
    "merged": _l("Duplicate records merged"),
    "not_duplicate": _l("Marked as not a duplicate"),
    "visit_resolved": _l("Flagged visit resolved"),
    "visit_undone": _l("Visit undone by its author"),
    "errand_undone": _l("Errand reopened by whoever marked it done"),
    "notice_posted": _l("Notice posted"),
    "notice_withdrawn": _l("Notice withdrawn"),
    "handover_received": _l("Checkpoint handover received"),
    "filing_submitted": _l("Return filing submitted"),
    "filing_approved": _l("Return filing approved by the department"),
    "filing_refused": _l("Return filing refused by the department"),
    "filing_revoked": _l("Return filing revoked"),
    "arrival_approved": _l("Filed employee approved by the community"),
    "arrival_refused": _l("Filed employee refused by the community"),
    "department_added": _l("Industry department added"),
    "department_renamed": _l("Industry department renamed"),
    "department_deactivated": _l("Industry department deactivated"),
    "department_activated": _l("Industry department reactivated"),
    "enterprise_registered": _l("Enterprise registered"),
    "enterprise_edited": _l("Enterprise changed"),
    "enterprise_deactivated": _l("Enterprise deactivated"),
    "enterprise_activated": _l("Enterprise reactivated"),
    "enterprise_visit_undone": _l("Enterprise visit undone by its author"),
}


# What an entry is about, by `object_type`.
OBJECT_TYPES = {
    "worker": _l("Worker"),
    "resident": _l("Resident"),
    "household": _l("Household"),
    "card": _l("Card"),
    "observation": _l("Home observation"),
    "import": _l("Import"),
    "visit": _l("Visit"),
    "errand": _l("Errand"),
    "notice": _l("Notice"),
    "request": _l("Resident request"),
    "filing": _l("Return filing"),
    "filed_employee": _l("Filed employee"),
    "enterprise": _l("Enterprise"),
    "department": _l("Industry department"),
    "handover": _l("Checkpoint handover"),
}


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now)
    # None: nobody signed in (a failed sign-in), or the app itself.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    address: Mapped[str | None] = mapped_column(String(45))  # IPv6 at most
    action: Mapped[str] = mapped_column(String(30))
    # What it was done to: ("resident", 42), ("worker", 7), ("card", 3), ...
    object_type: Mapped[str | None] = mapped_column(String(20))
    object_id: Mapped[int | None]
    # The node the object belongs to, so that a supervisor reads the entries of their subtree.
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    # What changed, never a password or a full ID number: {"changed": ["role", "scope"], ...}.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[Worker | None] = relationship()
    grid: Mapped[Grid | None] = relationship()

    __table_args__ = (
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_actor_action_at", "actor_id", "action", "at"),
        Index("ix_audit_entry_grid_at", "grid_id", "at"),
    )

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))

    @property
    def object_label(self) -> str:
        """What the entry is about ("Resident 42"), for the page and the export."""
        if not self.object_type:
            return ""
        return f"{OBJECT_TYPES.get(self.object_type, self.object_type)} {self.object_id}"

    @property
    def details_text(self) -> str:
        """The details as people read them ("reason: 遗失; rows: 12"), Chinese as it is: the
        page shows this, the CSV export keeps the JSON."""
        return "; ".join(
            f"{key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}"
            for key, value in (self.details or {}).items()
        )


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(mapper, connection, entry: AuditEntry) -> None:
    raise PermissionError("audit entries are never changed or deleted")
