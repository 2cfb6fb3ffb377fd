"""The domain model, one module per aggregate."""

from .grid import LEVEL_LABELS, MICRO_KINDS, MICRO_LEVEL, Grid, in_subtree
from .households import GENDERS, RESIDENT_TAGS, STATUSES, Household, Resident
from .people import EMPLOYMENT, POSITIONS, ROLES, WORKER_TAGS, Worker

__all__ = [
    "EMPLOYMENT",
    "GENDERS",
    "LEVEL_LABELS",
    "MICRO_KINDS",
    "MICRO_LEVEL",
    "POSITIONS",
    "RESIDENT_TAGS",
    "ROLES",
    "STATUSES",
    "WORKER_TAGS",
    "Grid",
    "Household",
    "Resident",
    "Worker",
    "in_subtree",
]
