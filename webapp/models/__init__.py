"""The domain model, one module per aggregate."""

from .audit import ACTIONS, AuditEntry
from .cards import Card
from .cases import Case, CaseEvent
from .checkpoints import (
    CHECK_KINDS,
    FEVER_OUTCOMES,
    OUTCOMES,
    SHIFTS,
    Checkpoint,
    CheckpointCheck,
    CheckpointPost,
    Handover,
    shift_at,
)
from .enterprises import (
    DECISIONS,
    PROBLEM_CATEGORIES,
    TRAVEL_MEANS,
    URGENCY,
    Enterprise,
    EnterpriseProblem,
    EnterpriseVisit,
    FiledEmployee,
    GreenPass,
    IndustryDepartment,
    ReturnFiling,
)
from .fieldwork import (
    SLOTS,
    SYMPTOMS,
    VISIT_METHODS,
    Errand,
    FollowUp,
    Observation,
    ObservationEvent,
    StatusChange,
    Visit,
)
from .grid import LEVEL_LABELS, MICRO_KINDS, MICRO_LEVEL, Grid, in_subtree, subtree_bounds
from .households import (
    GENDERS,
    RESIDENT_TAGS,
    SEVERITY,
    STATUSES,
    Household,
    IdNumberCheck,
    Resident,
    more_serious,
)
from .imports import IMPORT_STATES, Import
from .jobs import Job
from .merges import MERGE_KINDS, VISIT_OUTCOMES, Merge, NotDuplicate, VisitResolution
from .moves import HouseholdMove, ResidentMove
from .notices import Notice
from .people import EMPLOYMENT, POSITIONS, ROLES, WORKER_TAGS, Worker
from .ratelimits import RateLimitCounter
from .requests import Mediation, ServiceRequest
from .sweeps import SWEEP_CHECKS, Screening, SelfReportLink, Sweep

__all__ = [
    "ACTIONS",
    "CHECK_KINDS",
    "DECISIONS",
    "EMPLOYMENT",
    "FEVER_OUTCOMES",
    "GENDERS",
    "IMPORT_STATES",
    "LEVEL_LABELS",
    "MERGE_KINDS",
    "MICRO_KINDS",
    "MICRO_LEVEL",
    "OUTCOMES",
    "POSITIONS",
    "PROBLEM_CATEGORIES",
    "RESIDENT_TAGS",
    "ROLES",
    "SEVERITY",
    "SHIFTS",
    "SLOTS",
    "STATUSES",
    "SWEEP_CHECKS",
    "SYMPTOMS",
    "TRAVEL_MEANS",
    "URGENCY",
    "VISIT_METHODS",
    "VISIT_OUTCOMES",
    "WORKER_TAGS",
    "AuditEntry",
    "Card",
    "Case",
    "CaseEvent",
    "Checkpoint",
    "CheckpointCheck",
    "CheckpointPost",
    "Enterprise",
    "EnterpriseProblem",
    "EnterpriseVisit",
    "Errand",
    "FiledEmployee",
    "FollowUp",
    "GreenPass",
    "Grid",
    "Handover",
    "Household",
    "HouseholdMove",
    "IdNumberCheck",
    "Import",
    "IndustryDepartment",
    "Job",
    "Mediation",
    "Merge",
    "NotDuplicate",
    "Notice",
    "Observation",
    "ObservationEvent",
    "RateLimitCounter",
    "Resident",
    "ResidentMove",
    "ReturnFiling",
    "Screening",
    "SelfReportLink",
    "ServiceRequest",
    "StatusChange",
    "Sweep",
    "Visit",
    "VisitResolution",
    "Worker",
    "in_subtree",
    "more_serious",
    "shift_at",
    "subtree_bounds",
]
