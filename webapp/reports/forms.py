"""Reading the report's dates from the query string: a clear message for anything wrong.

These are GET parameters (a report is a link that can be bookmarked and printed), so they are
parsed here rather than through a FlaskForm: there is nothing to protect with a CSRF token and
every failure has to become a sentence, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _

from ..forms import parse_day

# Reports reach back 13 days for the chart; before 2000 there is no field work to count, and
# date arithmetic near year 1 would overflow.
FLOOR = date(2000, 1, 1)
MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30


@dataclass
class DayChoice:
    """The report's day (or period) as typed, and what is wrong with it."""

    first: date
    last: date
    typed: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _read(typed: str | None, default: date, today: date, errors: list[str]) -> date:
    if not typed or not typed.strip():
        return default
    day = parse_day(typed)
    if day is None:
        errors.append(
            _(
                "“%(typed)s” is not a date. Enter one such as %(example)s.",
                typed=typed[:20],
                example=today.isoformat(),
            )
        )
        return default
    if day > today:
        errors.append(
            _("%(day)s is in the future: choose today or an earlier day.", day=day.isoformat())
        )
    elif day < FLOOR:
        errors.append(_("Choose a day from %(floor)s on.", floor=FLOOR.isoformat()))
        return default  # a period's default start is counted back from it: year 1 overflows
    return day


def daily_choice(args, today: date) -> DayChoice:
    """The day of a daily report: `date`, today when left out."""
    errors: list[str] = []
    typed = args.get("date", "")
    day = _read(typed, today, today, errors)
    return DayChoice(day, day, {"date": typed or today.isoformat()}, errors)


def period_choice(args, today: date) -> DayChoice:
    """The days of a period summary: `from` and `to`, both included (the last 30 days when
    left out), at most MAX_PERIOD_DAYS long."""
    errors: list[str] = []
    typed_from, typed_to = args.get("from", ""), args.get("to", "")
    last = _read(typed_to, today, today, errors)
    first = _read(typed_from, last - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today, errors)
    if not errors:
        if first > last:
            errors.append(_("The period starts after it ends: swap the two dates."))
        elif (last - first).days + 1 > MAX_PERIOD_DAYS:
            errors.append(_("A period can be at most %(n)d days long.", n=MAX_PERIOD_DAYS))
    typed = {"from": typed_from or first.isoformat(), "to": typed_to or last.isoformat()}
    return DayChoice(first, last, typed, errors)
