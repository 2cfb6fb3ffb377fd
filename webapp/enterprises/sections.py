"""What other features add to an enterprise's page and to a department's page.

The return filings, the green passes and the enterprise problems each show their part of an
enterprise (its filings, its open problems) and the filings helper shows a reviewer "filings
waiting for your review" on the department's page: each adds a `Part` from its own init_app,
as a feature adds a section of the today list (webapp/today/sections.py), without editing this
package. A part's template reads what its loader returned as `section`; a loader returning None
leaves the part out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_login import current_user

from ..contributions import Contributions
from ..permissions import Can


@dataclass(frozen=True)
class Part:
    order: int
    template: str
    # Called with the page's record (an Enterprise, or an IndustryDepartment).
    load: Callable[[Any], dict | None]
    # Who sees it.
    capability: Can = Can.SEE_ENTERPRISES


# Parts of an enterprise's page (below its details, above its liaison visits).
ENTERPRISE_PARTS: Contributions[Part] = Contributions("gridwork.enterprises.enterprise_parts")
# Parts of a department's page, a reviewer's home: the place for the filings waiting for
# review (order 10), above the department's enterprises.
DEPARTMENT_PARTS: Contributions[Part] = Contributions("gridwork.enterprises.department_parts")


def loaded(parts: Contributions[Part], record: Any) -> list[tuple[Part, dict]]:
    """The parts the signed-in user sees, each with what it loaded (empty ones left out)."""
    shown = []
    for part in parts():
        if not current_user.can(part.capability):
            continue
        section = part.load(record)
        if section is not None:
            shown.append((part, section))
    return shown
