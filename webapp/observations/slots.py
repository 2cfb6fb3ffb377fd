"""The twice-daily follow-up slots: which one is open now, which have begun, which are past.

A slot is a span of hours of a day (config FOLLOW_UP_SLOTS: morning 6–12, afternoon 12–20). The
today list, the follow-up form, the daily report ("due" counts the slots begun) and the demo
read these functions, so that they agree on what is due.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask import current_app


def slots() -> dict[str, tuple[int, int]]:
    return current_app.config["FOLLOW_UP_SLOTS"]


def current_slot(at: datetime) -> str | None:
    """The slot open at `at`, or None between slots (at night)."""
    for name, (first, after_last) in slots().items():
        if first <= at.hour < after_last:
            return name
    return None


def begun(on: date, at: datetime) -> list[str]:
    """Slots of day `on` that have begun by `at`: all of a past day, none of a later one."""
    if on < at.date():
        return list(slots())
    if on > at.date():
        return []
    return [name for name, (first, _after_last) in slots().items() if at.hour >= first]


def past_slots(on: date, at: datetime) -> list[str]:
    """Slots of day `on` that have ended by `at` (a follow-up missing there is overdue)."""
    if on < at.date():
        return list(slots())
    if on > at.date():
        return []
    return [name for name, (_first, after_last) in slots().items() if at.hour >= after_last]


def default_slot(at: datetime) -> str:
    """The slot a follow-up recorded at `at` belongs to: the open one, else the last one begun."""
    open_now = current_slot(at)
    if open_now:
        return open_now
    started = begun(at.date(), at)
    return started[-1] if started else next(iter(slots()))


def slot_state(on: date, slot: str, at: datetime) -> str:
    """'overdue' once the slot has ended, 'due' while it is open, 'later' before it opens."""
    if slot in past_slots(on, at):
        return "overdue"
    if slot in begun(on, at):
        return "due"
    return "later"


def slot_ends(on: date, slot: str) -> datetime:
    """When slot `slot` of day `on` is over."""
    return datetime.combine(on, time(slots()[slot][1]))


def owed_slot_state(observation, on: date, slot: str, at: datetime) -> str:
    """slot_state() for one observation: 'not_owed' for a slot that was over before the
    observation was entered (Observation.owes_slot), which is never due nor overdue."""
    if not observation.owes_slot(on, slot_ends(on, slot)):
        return "not_owed"
    return slot_state(on, slot, at)
