"""The parts of the today list, contributed by the features they belong to.

Today (今日任务) is the worker's home screen: follow-ups due, errands, households due a visit,
and whatever the next feature brings (resident requests, checkpoint handovers). Each feature
adds its own parts from its init_app, without editing this package:

- a `Section`: a fragment template and the function that loads what it shows, placed by
  `order` (smaller first);
- for supervisors, an `AreaColumn` of the per-area table: a count per child of their scope
  node, from one grouped statement.

A section's template reads what its loader returned as `section`. A loader returning None
leaves its section out (nothing to say today).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from ..contributions import Contributions
from ..models import Grid
from ..permissions import Can


@dataclass(frozen=True)
class Moment:
    """What every part of the today list is loaded for: the time, and whose list it is."""

    at: datetime
    day: date
    node: Grid  # the signed-in worker's scope node


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    load: Callable[[Moment], dict | None]
    # Who sees it (a supervisor's section needs Can.SUPERVISE).
    capability: Can = Can.FIELD_WORK


@dataclass(frozen=True)
class AreaColumn:
    """A column of the supervisors' per-area table: a count per child of the scope node."""

    order: int
    label: str
    # Counts keyed by the child's path; a child without a key counts 0.
    counts: Callable[[Moment], dict[str, int]]
    # Non-zero figures are shown as a warning (overdue work).
    warn: bool = False


SECTIONS: Contributions[Section] = Contributions("gridwork.today.sections")
AREA_COLUMNS: Contributions[AreaColumn] = Contributions("gridwork.today.area_columns")
