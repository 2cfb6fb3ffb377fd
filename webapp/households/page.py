"""What the household page shows: the household page itself, and a write's answer on failure."""

from __future__ import annotations

from .. import scope
from ..clock import today
from ..models import Household
from ..statuses.forms import StatusForm
from ..sweeps.queries import doors_of_household
from ..visits.forms import VisitForm
from .queries import current_observations, merged_into, timeline


def household_page(household: Household, revealed_id: int | None = None) -> dict:
    """The page's context; `revealed_id` is the resident shown unmasked."""
    return {
        "household": household,
        "residents": [r for r in household.residents if r.active],
        "crumbs": [*scope.ancestors_in_scope(household.grid), household.grid],
        "revealed_id": revealed_id,
        "timeline": timeline(household),
        "merged_into": None if household.active else merged_into(household),
        "observations": current_observations(household),
        # The open sweeps this household is due in, with what was done at its door.
        "sweep_doors": doors_of_household(household, today()),
        "day": today(),
        # Drawn from their classes, so that the page's inputs carry the validators' limits.
        "visit_form": VisitForm(formdata=None),
        "status_form": StatusForm(formdata=None),
    }
