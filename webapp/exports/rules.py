"""What an export leaves on the audit trail."""

from __future__ import annotations

from ..audit import trail
from ..models import Grid
from .kinds import Export


def record(export: Export, grid: Grid, reason: str, rows: int, actor_id: int) -> None:
    """Put the export on the audit trail, masked ones too: a masked list of residents still
    leaves the app. Added to the session, to commit with the job that writes the file or with
    the file written at once. The rows are those counted when it was asked for."""
    filters = {"node": grid.code}
    if export.of.period:
        filters |= {"from": export.first, "to": export.last}
    elif export.at is not None:
        filters["at"] = export.at
    trail.record(
        "export",
        actor_id,
        None,
        grid.id,
        kind=export.kind,
        format=export.format,
        full=export.full,
        reason=reason,
        filters=filters,
        rows=rows,
    )
