"""Who has arrived, who is absent and who has no register mark yet, from the session marks.

Today reads the morning mark; after noon it reads the afternoon mark once there is one, and
the morning mark until then (registers are often taken a little after lunch starts).
"""

from __future__ import annotations

from datetime import time
from enum import StrEnum

from attune.attendance.domain.codes import CODES

NOON = time(12, 0)


class Arrival(StrEnum):
    IN_SCHOOL = "in_school"
    ABSENT = "absent"
    NOT_EXPECTED = "not_expected"  # not required to attend, or the school is shut
    NO_MARK = "no_mark"


ARRIVAL_TEXT: dict[Arrival, str] = {
    Arrival.IN_SCHOOL: "In school",
    Arrival.ABSENT: "Not in school",
    Arrival.NOT_EXPECTED: "Not expected in school",
    Arrival.NO_MARK: "No register mark yet",
}


def mark_to_read(am: str | None, pm: str | None, *, afternoon: bool) -> str | None:
    """The code that says where the child is now: the afternoon's once it is there."""
    if afternoon and pm:
        return pm
    return am


def arrival(code: str | None) -> Arrival:
    """Where a register code puts the child; an unknown code is treated as no mark."""
    if not code:
        return Arrival.NO_MARK
    found = CODES.get(code)
    if found is None:
        return Arrival.NO_MARK
    if found.is_attending:
        return Arrival.IN_SCHOOL
    if found.is_absence:
        return Arrival.ABSENT
    return Arrival.NOT_EXPECTED
