"""Return filings' rules: filing a list of returning employees, the two approvals (the
enterprise's industry department for the list, each employee's destination community for that
employee), and revoking a filing. Either refusal stops an employee; the department's refusal
stops the whole list. Once both approvals are given the employee is on the whitelist and gets
a green pass at once (webapp/passes/rules.py). Every decision is on the audit trail.

None of these commits: the caller does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import trail
from ..extensions import db
from ..identity import is_valid_id_number, is_valid_phone
from ..models import TRAVEL_MEANS, Enterprise, FiledEmployee, Grid, ReturnFiling
from ..passes import rules as passes
from ..rules import RuleError

# How far ahead a planned arrival may be, and how far back (a filing made a day late).
AHEAD_DAYS, BEHIND_DAYS = 90, 7
MAX_EMPLOYEES = 500

# A filing's stage, derived from its decisions (nothing stores it).
STAGES = {
    "department": _l("Waiting for the department"),
    "community": _l("Waiting for the communities"),
    "done": _l("Decided"),
    "refused": _l("Refused by the department"),
    "revoked": _l("Revoked"),
}
# One employee's state.
EMPLOYEE_STATES = {
    "waiting": _l("Waiting"),
    "whitelisted": _l("Whitelisted"),
    "refused": _l("Refused"),
    "revoked": _l("Revoked"),
}


@dataclass
class Employee:
    """One returning employee as entered (a form's row, an imported row)."""

    name: str
    id_number: str
    phone: str
    origin: str
    arrival_date: date
    means: str
    stay_address: str
    destination: Grid


def check_employee(employee: Employee, today: date) -> None:
    """Refuse an employee the office could not act on, by the field at fault."""
    if not employee.name.strip():
        raise RuleError(_("Enter the name."), field="name")
    if not is_valid_id_number(employee.id_number):
        raise RuleError(_("This is not a valid ID number."), field="id_number")
    if not is_valid_phone(employee.phone):
        raise RuleError(_("Enter an 11-digit mobile number, e.g. 13812345678."), field="phone")
    if not employee.origin.strip():
        raise RuleError(_("Say where they come from."), field="origin")
    if not today - timedelta(days=BEHIND_DAYS) <= employee.arrival_date:
        raise RuleError(
            _("The planned arrival is more than %(n)d days ago.", n=BEHIND_DAYS),
            field="arrival_date",
        )
    if employee.arrival_date > today + timedelta(days=AHEAD_DAYS):
        raise RuleError(
            _("The planned arrival is more than %(n)d days ahead.", n=AHEAD_DAYS),
            field="arrival_date",
        )
    if employee.means not in TRAVEL_MEANS:
        raise RuleError(_("Choose how they travel."), field="means")
    if not employee.stay_address.strip():
        raise RuleError(_("Say where they will stay in the zone."), field="stay_address")
    if not employee.destination.is_micro or not employee.destination.active:
        raise RuleError(_("Choose the destination micro-grid."), field="destination")


def file(
    enterprise: Enterprise,
    by_id: int,
    employees: list[Employee],
    at: datetime,
    key: str | None = None,
    source: str = "form",
) -> ReturnFiling:
    """A new filing of `employees` for `enterprise`, waiting for both approvals. Refused whole
    (RuleError naming the row, 1-based) when any row is wrong: nothing is half-filed."""
    if not enterprise.active:
        raise RuleError(_("%(name)s is deactivated.", name=enterprise.name))
    if not employees:
        raise RuleError(_("Add at least one employee."))
    if len(employees) > MAX_EMPLOYEES:
        raise RuleError(_("At most %(n)d employees in one filing.", n=MAX_EMPLOYEES))
    seen: dict[str, int] = {}
    for number, employee in enumerate(employees, 1):
        try:
            check_employee(employee, at.date())
        except RuleError as error:
            raise RuleError(
                _("Employee %(n)d: %(message)s", n=number, message=str(error)), field=error.field
            ) from None
        first = seen.setdefault(employee.id_number, number)
        if first != number:
            raise RuleError(
                _(
                    "Employee %(n)d has the same ID number as employee %(first)d.",
                    n=number,
                    first=first,
                ),
                field="id_number",
            )
    filing = ReturnFiling(
        enterprise=enterprise, created_at=at, created_by_id=by_id, source=source, client_key=key
    )
    db.session.add(filing)
    for employee in employees:
        db.session.add(
            FiledEmployee(
                filing=filing,
                name=employee.name.strip(),
                id_number=employee.id_number,
                phone=employee.phone,
                origin=employee.origin.strip(),
                arrival_date=employee.arrival_date,
                means=employee.means,
                stay_address=employee.stay_address.strip(),
                grid_id=employee.destination.id,
            )
        )
    db.session.flush()
    trail.record(
        "filing_submitted",
        by_id,
        ("filing", filing.id),
        enterprise.grid_id,
        employees=len(employees),
        source=source,
    )
    return filing


def stage(filing: ReturnFiling) -> str:
    """Where the filing stands: revoked, refused, waiting for the department, waiting for a
    community's decision on one of its employees, or decided."""
    if filing.revoked_at is not None:
        return "revoked"
    if filing.department_decision == "refused":
        return "refused"
    if filing.department_decision is None:
        return "department"
    if any(e.community_decision is None for e in filing.employees):
        return "community"
    return "done"


def employee_state(employee: FiledEmployee) -> str:
    """One employee: revoked, refused (by either), whitelisted, or waiting."""
    filing = employee.filing
    if filing.revoked_at is not None:
        return "revoked"
    if "refused" in (filing.department_decision, employee.community_decision):
        return "refused"
    if passes.whitelisted(employee):
        return "whitelisted"
    return "waiting"


def _still_open(filing: ReturnFiling) -> None:
    if filing.revoked_at is not None:
        raise RuleError(_("This filing was revoked."))
    if filing.department_decision == "refused":
        raise RuleError(_("The department refused this filing."))


def _reason(approve: bool, reason: str | None) -> str | None:
    text = (reason or "").strip()
    if not approve and not text:
        raise RuleError(_("Say why it is refused."), field="reason")
    return text or None


def decide_department(
    filing: ReturnFiling, by_id: int, approve: bool, reason: str | None, at: datetime
) -> None:
    """The industry department's decision on the whole list (once). An approval gives a pass
    to every employee their community has approved already."""
    _still_open(filing)
    if filing.department_decision is not None:
        raise RuleError(_("The department has decided on this filing already."))
    filing.department_reason = _reason(approve, reason)
    filing.department_decision = "approved" if approve else "refused"
    filing.department_by_id = by_id
    filing.department_at = at
    trail.record(
        "filing_approved" if approve else "filing_refused",
        by_id,
        ("filing", filing.id),
        filing.enterprise.grid_id,
        **({"reason": filing.department_reason} if filing.department_reason else {}),
    )
    if approve:
        for employee in filing.employees:
            if passes.whitelisted(employee):
                passes.issue(employee, at)


def decide_arrival(
    employee: FiledEmployee, by_id: int, approve: bool, reason: str | None, at: datetime
) -> None:
    """The destination community's decision on one employee (once). With the department's
    approval already given, an approval puts them on the whitelist and gives the pass."""
    _still_open(employee.filing)
    if employee.community_decision is not None:
        raise RuleError(_("%(name)s was decided on already.", name=employee.name), field="employee")
    employee.community_reason = _reason(approve, reason)
    employee.community_decision = "approved" if approve else "refused"
    employee.community_by_id = by_id
    employee.community_at = at
    trail.record(
        "arrival_approved" if approve else "arrival_refused",
        by_id,
        ("filed_employee", employee.id),
        employee.grid_id,
        filing=employee.filing_id,
        **({"reason": employee.community_reason} if employee.community_reason else {}),
    )
    if approve and passes.whitelisted(employee):
        passes.issue(employee, at)


def decide_arrivals(
    employees: list[FiledEmployee], by_id: int, approve: bool, reason: str | None, at: datetime
) -> int:
    """The same decision on each of `employees` not decided yet (a community's "all of mine in
    this filing"); how many were decided."""
    waiting = [e for e in employees if e.community_decision is None]
    if not waiting:
        raise RuleError(_("Nobody here is waiting for your decision."))
    for employee in waiting:
        decide_arrival(employee, by_id, approve, reason, at)
    return len(waiting)


def revoke(filing: ReturnFiling, by_id: int, reason: str, at: datetime) -> int:
    """Revoke the filing and every pass it gave (once, with a reason); how many passes."""
    text = (reason or "").strip()
    if not text:
        raise RuleError(_("Say why the filing is revoked."), field="reason")
    if filing.revoked_at is not None:
        raise RuleError(_("This filing was revoked."))
    filing.revoked_at = at
    filing.revoked_by_id = by_id
    filing.revoke_reason = text
    revoked = 0
    for employee in filing.employees:
        if employee.green_pass is not None:
            passes.revoke(employee.green_pass, by_id, text, at)
            revoked += 1
    trail.record(
        "filing_revoked",
        by_id,
        ("filing", filing.id),
        filing.enterprise.grid_id,
        reason=text,
        passes=revoked,
    )
    return revoked
