"""Where each of today's check-ins stands for the adult doing them: done, due now or later.

Slots are stored under a short stable key ("start", "end" or a clock time "HH:MM") so a
logged check-in can be matched to the slot it was for. "Start of day" and "end of day" are
not clock times; for deciding what is due *now* they count as the usual times below.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from attune.checkins.domain.schedule import Moment, Slot

START_OF_DAY_AT = time(8, 45)
END_OF_DAY_AT = time(15, 0)
DUE_SOON = timedelta(minutes=30)  # a check-in this close is shown as due now

_MOMENT_KEYS = {Moment.START_OF_DAY: "start", Moment.END_OF_DAY: "end"}
_KEY_MOMENTS = {v: k for k, v in _MOMENT_KEYS.items()}


class SlotState(StrEnum):
    DONE = "done"
    DUE_NOW = "due_now"
    LATER = "later"
    NOT_LOGGED = "not_logged"  # a past day, nothing recorded


STATE_TEXT: dict[SlotState, str] = {
    SlotState.DONE: "Logged",
    SlotState.DUE_NOW: "Due now",
    SlotState.LATER: "Later today",
    SlotState.NOT_LOGGED: "Not logged",
}


def slot_key(slot: Slot) -> str:
    if isinstance(slot.when, Moment):
        return _MOMENT_KEYS[slot.when]
    return slot.when.strftime("%H:%M")


def slot_when(key: str) -> Moment | time:
    """The inverse of :func:`slot_key`; ``ValueError`` for a key that is neither."""
    if key in _KEY_MOMENTS:
        return _KEY_MOMENTS[key]
    return time.fromisoformat(key)


def usual_time(slot: Slot) -> time:
    if isinstance(slot.when, time):
        return slot.when
    return START_OF_DAY_AT if slot.when is Moment.START_OF_DAY else END_OF_DAY_AT


def slot_state(slot: Slot, *, logged: bool, day: date, now: datetime) -> SlotState:
    """``now`` is a local wall-clock time; ``day`` the day being shown."""
    if logged:
        return SlotState.DONE
    if day < now.date():
        return SlotState.NOT_LOGGED
    if day > now.date():
        return SlotState.LATER
    at = datetime.combine(day, usual_time(slot))
    return SlotState.DUE_NOW if at - DUE_SOON <= now.replace(tzinfo=None) else SlotState.LATER
