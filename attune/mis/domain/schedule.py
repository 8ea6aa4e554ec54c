"""When each kind of data is due to be read again: the registers every 15 minutes in the
school day, everything once a night. Plain values in, plain values out; ``now`` is passed in.

A night that was missed (the scheduler was down) is caught up the next time it runs, because
"due" means "not started since the last nightly time", not "it is the nightly time now".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from attune.mis.domain.wonde import KINDS

REGISTERS_EVERY = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Timetable:
    """The school day (local time) and the nightly time; weekdays 0 (Monday) to 6."""

    day_starts: time = time(8, 0)
    day_ends: time = time(16, 30)
    weekdays: frozenset[int] = frozenset(range(5))
    nightly_at: time = time(2, 0)

    def in_school_day(self, now: datetime) -> bool:
        return now.weekday() in self.weekdays and self.day_starts <= now.time() < self.day_ends

    def last_night(self, now: datetime) -> datetime:
        """The most recent nightly time at or before ``now``."""
        tonight = datetime.combine(now.date(), self.nightly_at, tzinfo=now.tzinfo)
        return tonight if now >= tonight else tonight - timedelta(days=1)


def parse_school_day(value: str) -> tuple[time, time]:
    """``"08:00-16:30"`` as two times; ``ValueError`` naming the problem otherwise."""
    try:
        start_text, end_text = value.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError as error:
        raise ValueError(f"{value!r} is not a school day such as 08:00-16:30.") from error
    if end <= start:
        raise ValueError(f"The school day {value!r} ends before it starts.")
    return start, end


def due(
    now: datetime, last_started: Mapping[str, datetime | None], timetable: Timetable
) -> list[str]:
    """The kinds to read now, in the order a sync runs them.

    ``last_started`` is when each kind's last run began (``None``: never), in any time zone;
    ``now`` is local time, so the school day and the night are the school's.
    """
    night = timetable.last_night(now)
    wanted = []
    for kind in KINDS:
        started = last_started.get(kind)
        nightly = started is None or started < night
        registers = (
            kind == "attendance"
            and started is not None
            and timetable.in_school_day(now)
            and now - started >= REGISTERS_EVERY
        )
        if nightly or registers:
            wanted.append(kind)
    return wanted
