"""The app's notion of "now": China Standard Time, stored as naive datetimes.

The whole country keeps one time zone and the office's day (today's list, the daily report)
starts at local midnight, so local wall-clock time is what every query compares against.
Tests freeze the clock with `freeze()`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


_frozen: datetime | None = None


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def local(moment: datetime) -> datetime:
    """`moment` as the app stores it: China wall-clock time, naive. A naive `moment` is taken
    to be in China time already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(TZ).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def freeze(at: datetime | None) -> None:
    """Stop the clock at `at` (None starts it again). For tests and demos only."""
    global _frozen
    _frozen = at


def today() -> date:
    return now().date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)
