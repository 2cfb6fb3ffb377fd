"""Merging duplicate residents and households, remembering pairs that are not duplicates, and
resolving visits flagged as possible duplicates.

A merge keeps one record (the user picks which) and takes the other out of the lists through
the records' own rules, so the invariants are those of the pages: a resident of another
household comes over with residents.rules.move_to (its home observation goes along and the
days before keep counting it where it was), the record merged away is removed with
residents.rules.remove or households.rules.deactivate (refused while someone is under
observation there), member counts are recounted by residents.rules.recount, and a colour only
rises (statuses.rules). The rows that belonged to the merged record (visits, colour changes,
observations and with them their follow-ups, errands, ID number checks) are then re-pointed to
the kept one; each keeps the micro-grid where it was made, so the counts of the visits,
follow-ups, errands and colour changes of every day stay where they were. The merged record
stays, deactivated, with a Merge row saying where it went: its own page says so, the kept
one's history shows it, and it is never merged again.

Refused, with nothing written: a record with itself, a record already merged or taken out of
the lists, a pair no longer alike (one was corrected since the list was drawn), a pair marked
as not duplicates, households of different micro-grids, two records each under (or about to
start) home observation.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute

from ..audit import trail
from ..clock import now
from ..extensions import db
from ..households import rules as households
from ..identity import mask_id_number
from ..models import (
    SEVERITY,
    Errand,
    Household,
    IdNumberCheck,
    Merge,
    NotDuplicate,
    Observation,
    Resident,
    StatusChange,
    Visit,
    VisitResolution,
)
from ..observations.rules import not_ended
from ..residents import rules as residents
from ..rules import RuleError, office_language
from ..statuses.rules import raise_at_least, set_resident_status
from .queries import dismissed, household_reasons, merge_of, resident_reasons


def _repoint(column: InstrumentedAttribute, old_id: int, new_id: int) -> int:
    """Rows whose `column` is `old_id` now say `new_id`; how many. Loaded objects follow."""
    result = db.session.execute(
        update(column.class_).where(column == old_id).values({column.key: new_id}),
        execution_options={"synchronize_session": "fetch"},
    )
    return result.rowcount


def _check_pair(
    kind: str,
    kept: Resident | Household,
    merged: Resident | Household,
    alike: Callable[[object, object], set[str]],
) -> None:
    if kept.id == merged.id:
        raise RuleError(_("Choose two different records: a record cannot be merged with itself."))
    for record in (kept, merged):
        if merge_of(kind, record.id) is not None:
            raise RuleError(_("One of these records was already merged into another."))
        household = record.household if isinstance(record, Resident) else record
        if not record.active or not household.active:
            raise RuleError(_("One of these records is no longer in the lists: reload the list."))
    if dismissed(kind, kept.id, merged.id):
        raise RuleError(_("This pair was marked as not duplicates."))
    if not alike(kept, merged):
        raise RuleError(
            _(
                "These records no longer look like duplicates (one was changed meanwhile): "
                "reload the list."
            )
        )


def _merged(
    kind: str,
    kept: Resident | Household,
    merged: Resident | Household,
    grid_id: int,
    by_id: int,
    label: str,
    counts: dict[str, int],
) -> Merge:
    record = Merge(
        kind=kind,
        kept_id=kept.id,
        merged_id=merged.id,
        grid_id=grid_id,
        merged_at=now(),
        merged_by_id=by_id,
        details={"label": label, **counts},
    )
    db.session.add(record)
    trail.record("merged", by_id, (kind, kept.id), grid_id, merged=merged.id, **counts)
    return record


def merged_reason(label: str) -> str:
    """The reason of a colour raised by a merge, in the office's language."""
    with office_language():
        return _("Merged with the duplicate record %(label)s", label=label)


def merge_residents(kept: Resident, merged: Resident, by_id: int) -> Merge:
    """Merge resident `merged` into `kept` (see the module docstring); the Merge row."""
    _check_pair("resident", kept, merged, resident_reasons)
    if not_ended(Observation.resident_id == kept.id) and not_ended(
        Observation.resident_id == merged.id
    ):
        raise RuleError(
            _(
                "Both records are under home observation (or about to be): end one of the "
                "observations first, then merge."
            )
        )
    label = f"{merged.name} {mask_id_number(merged.id_number)}"
    old_household = merged.household
    if old_household.id != kept.household_id:
        residents.move_to(merged, kept.household, by_id)
    counts = {
        "observations": _repoint(Observation.resident_id, merged.id, kept.id),
        "colour_changes": _repoint(StatusChange.resident_id, merged.id, kept.id),
    }
    _repoint(IdNumberCheck.existing_id, merged.id, kept.id)
    if SEVERITY[merged.status] > SEVERITY[kept.status]:
        set_resident_status(kept, merged.status, merged_reason(label), by_id, None)
    if not kept.phone and merged.phone:
        kept.phone = merged.phone
    residents.remove(merged)
    residents.recount(kept.household, old_household)
    return _merged("resident", kept, merged, kept.household.grid_id, by_id, label, counts)


def merge_households(kept: Household, merged: Household, by_id: int) -> Merge:
    """Merge household `merged` into `kept`, both of one micro-grid (see the module
    docstring); the Merge row."""
    if kept.id != merged.id and kept.grid_id != merged.grid_id:
        raise RuleError(_("These households are in different micro-grids: move one of them first."))
    _check_pair("household", kept, merged, household_reasons)
    label = merged.address
    members = [r for r in merged.residents if r.active]
    for resident in members:
        residents.move_to(resident, kept, by_id)
    counts = {
        "residents": len(members) + _repoint(Resident.household_id, merged.id, kept.id),
        "visits": _repoint(Visit.household_id, merged.id, kept.id),
        "colour_changes": _repoint(StatusChange.household_id, merged.id, kept.id),
        "observations": _repoint(Observation.household_id, merged.id, kept.id),
        "errands": _repoint(Errand.household_id, merged.id, kept.id),
    }
    _repoint(IdNumberCheck.household_id, merged.id, kept.id)
    if merged.last_visit_at and (
        kept.last_visit_at is None or kept.last_visit_at < merged.last_visit_at
    ):
        kept.last_visit_at = merged.last_visit_at
    if not kept.phone and merged.phone:
        kept.phone = merged.phone
    raise_at_least(kept, merged.status, merged_reason(label))
    households.deactivate(merged, by_id)
    residents.recount(kept, merged)
    return _merged("household", kept, merged, kept.grid_id, by_id, label, counts)


def not_duplicates(
    kind: str, first: Resident | Household, second: Resident | Household, by_id: int
) -> NotDuplicate | None:
    """Remember that two records are different people or homes, so that the pair is not
    offered again (None when it was remembered before)."""
    if first.id == second.id:
        raise RuleError(_("Choose two different records: a record cannot be merged with itself."))
    if merge_of(kind, first.id) is not None or merge_of(kind, second.id) is not None:
        raise RuleError(_("One of these records was already merged into another."))
    if dismissed(kind, first.id, second.id):
        return None
    a, b = sorted((first.id, second.id))
    record = NotDuplicate(kind=kind, first_id=a, second_id=b, decided_at=now(), decided_by_id=by_id)
    db.session.add(record)
    grid_id = first.household.grid_id if isinstance(first, Resident) else first.grid_id
    trail.record("not_duplicate", by_id, (kind, a), grid_id, other=b)
    return record


def resolve_visit(visit: Visit, struck: bool, reason: str, by_id: int) -> VisitResolution:
    """Keep a visit flagged as a possible duplicate, or strike it out of every count."""
    if not visit.possible_duplicate:
        raise RuleError(_("This visit is not flagged as a possible duplicate."))
    if not (reason or "").strip():
        raise RuleError(_("Say why."), field="reason")
    if db.session.scalar(select(VisitResolution.id).where(VisitResolution.visit_id == visit.id)):
        raise RuleError(_("This visit was already resolved."))
    resolution = VisitResolution(
        visit=visit, struck=struck, reason=reason.strip(), decided_at=now(), decided_by_id=by_id
    )
    db.session.add(resolution)
    trail.record(
        "visit_resolved",
        by_id,
        ("visit", visit.id),
        visit.grid_id,
        outcome=resolution.outcome,
        reason=resolution.reason,
    )
    return resolution
