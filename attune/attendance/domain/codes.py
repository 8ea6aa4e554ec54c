"""The attendance register codes in force from 19 August 2024, as data.

Each code carries a short description in our own words, the group it sits in, the category
that decides how it is counted, and whether the session counts as a possible session.
Based on The School Attendance (Pupil Registration) (England) Regulations 2024 and the DfE's
"Working together to improve school attendance" (August 2024).

Registers from before August 2024 may hold codes that no longer exist. ``parse_code`` maps
those to today's code and keeps the original, so nothing recorded is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CODES",
    "RETIRED_CODES",
    "Category",
    "Group",
    "Mark",
    "RegisterCode",
    "UnknownCodeError",
    "parse_code",
]


class Category(StrEnum):
    """How a code counts in the sums."""

    PRESENT = "present"
    APPROVED_ACTIVITY = "approved_activity"  # away from school but learning: counts as present
    AUTHORISED = "authorised"
    UNAUTHORISED = "unauthorised"
    NOT_COUNTED = "not_counted"  # unable to attend or not required: not a possible session
    ADMINISTRATIVE = "administrative"  # not on roll yet, or the school is shut


class Group(StrEnum):
    """The headings the register codes are listed under."""

    PRESENT = "present"
    APPROVED_ACTIVITY = "approved_activity"
    LEAVE_OF_ABSENCE = "leave_of_absence"
    OTHER_AUTHORISED = "other_authorised"
    UNAUTHORISED = "unauthorised"
    UNABLE_TO_ATTEND = "unable_to_attend"
    NOT_REQUIRED = "not_required"
    ADMINISTRATIVE = "administrative"


_ABSENCE = frozenset({Category.AUTHORISED, Category.UNAUTHORISED})
_ATTENDING = frozenset({Category.PRESENT, Category.APPROVED_ACTIVITY})


@dataclass(frozen=True, slots=True)
class RegisterCode:
    code: str
    description: str
    group: Group
    category: Category
    possible: bool  # does this session count towards possible sessions?

    @property
    def is_absence(self) -> bool:
        return self.category in _ABSENCE

    @property
    def is_attending(self) -> bool:
        """Present in school or at an approved activity (both count as present)."""
        return self.category in _ATTENDING


def _code(code: str, description: str, group: Group, category: Category) -> RegisterCode:
    # Only present, approved-activity and absence codes are possible sessions.
    possible = category not in (Category.NOT_COUNTED, Category.ADMINISTRATIVE)
    return RegisterCode(code, description, group, category, possible)


_G, _C = Group, Category
_TABLE = (
    _code("/", "In school for the morning register", _G.PRESENT, _C.PRESENT),
    _code("\\", "In school for the afternoon register", _G.PRESENT, _C.PRESENT),
    _code("L", "Arrived late, before the register closed", _G.PRESENT, _C.PRESENT),
    _code(
        "K",
        "At education the local authority has arranged",
        _G.APPROVED_ACTIVITY,
        _C.APPROVED_ACTIVITY,
    ),
    _code("V", "On an educational visit or trip", _G.APPROVED_ACTIVITY, _C.APPROVED_ACTIVITY),
    _code("P", "At an approved sporting activity", _G.APPROVED_ACTIVITY, _C.APPROVED_ACTIVITY),
    _code("W", "On work experience", _G.APPROVED_ACTIVITY, _C.APPROVED_ACTIVITY),
    _code(
        "B",
        "At another approved educational activity away from school",
        _G.APPROVED_ACTIVITY,
        _C.APPROVED_ACTIVITY,
    ),
    _code(
        "C1",
        "Leave to take part in a regulated performance or work abroad",
        _G.LEAVE_OF_ABSENCE,
        _C.AUTHORISED,
    ),
    _code("M", "Leave for a medical or dental appointment", _G.LEAVE_OF_ABSENCE, _C.AUTHORISED),
    _code("J1", "Leave for an interview", _G.LEAVE_OF_ABSENCE, _C.AUTHORISED),
    _code("S", "Study leave during public examinations", _G.LEAVE_OF_ABSENCE, _C.AUTHORISED),
    _code(
        "C2",
        "Not expected in: on an agreed part-time timetable",
        _G.LEAVE_OF_ABSENCE,
        _C.AUTHORISED,
    ),
    _code("C", "Leave granted for exceptional circumstances", _G.LEAVE_OF_ABSENCE, _C.AUTHORISED),
    _code(
        "E",
        "Suspended or excluded, with no other education arranged",
        _G.OTHER_AUTHORISED,
        _C.AUTHORISED,
    ),
    _code("I", "Ill (physical or mental health)", _G.OTHER_AUTHORISED, _C.AUTHORISED),
    _code("R", "Day set apart for religious observance", _G.OTHER_AUTHORISED, _C.AUTHORISED),
    _code(
        "T",
        "Travelling with a parent whose work takes them from place to place",
        _G.OTHER_AUTHORISED,
        _C.AUTHORISED,
    ),
    _code(
        "G",
        "Holiday taken without the school's agreement",
        _G.UNAUTHORISED,
        _C.UNAUTHORISED,
    ),
    _code("N", "Absent, reason not yet known", _G.UNAUTHORISED, _C.UNAUTHORISED),
    _code(
        "O",
        "Absent, reason not accepted or not known",
        _G.UNAUTHORISED,
        _C.UNAUTHORISED,
    ),
    _code("U", "Arrived after the register closed", _G.UNAUTHORISED, _C.UNAUTHORISED),
    _code(
        "Q",
        "Could not attend: travel or access arrangements missing",
        _G.UNABLE_TO_ATTEND,
        _C.NOT_COUNTED,
    ),
    _code(
        "Y1",
        "Could not attend: usual transport did not run",
        _G.UNABLE_TO_ATTEND,
        _C.NOT_COUNTED,
    ),
    _code(
        "Y2", "Could not attend: widespread travel disruption", _G.UNABLE_TO_ATTEND, _C.NOT_COUNTED
    ),
    _code(
        "Y3",
        "Could not attend: part of the school closed unexpectedly",
        _G.UNABLE_TO_ATTEND,
        _C.NOT_COUNTED,
    ),
    _code(
        "Y4",
        "Could not attend: whole school closed unexpectedly",
        _G.UNABLE_TO_ATTEND,
        _C.NOT_COUNTED,
    ),
    _code("Y5", "Could not attend: in custody", _G.UNABLE_TO_ATTEND, _C.NOT_COUNTED),
    _code(
        "Y6",
        "Could not attend: public health guidance or law",
        _G.UNABLE_TO_ATTEND,
        _C.NOT_COUNTED,
    ),
    _code("Y7", "Could not attend: another unavoidable cause", _G.UNABLE_TO_ATTEND, _C.NOT_COUNTED),
    _code(
        "X",
        "Below or above compulsory school age and not required in",
        _G.NOT_REQUIRED,
        _C.NOT_COUNTED,
    ),
    _code(
        "D",
        "At another school where the pupil is also registered",
        _G.NOT_REQUIRED,
        _C.NOT_COUNTED,
    ),
    _code("Z", "Not yet on roll", _G.ADMINISTRATIVE, _C.ADMINISTRATIVE),
    _code("#", "Planned closure of the whole school", _G.ADMINISTRATIVE, _C.ADMINISTRATIVE),
)

CODES: Mapping[str, RegisterCode] = MappingProxyType({c.code: c for c in _TABLE})

# Codes retired in August 2024 and the code each becomes on import.
RETIRED_CODES: Mapping[str, str] = MappingProxyType(
    {
        "H": "C",  # agreed holiday: now leave for exceptional circumstances
        "F": "C",  # agreed extended holiday: likewise authorised leave
        "J": "J1",  # interview (was an approved activity, now authorised leave)
        "Y": "Y7",  # enforced closure / unavoidable cause
    }
)
# Some registers used local X sub-codes (X01 to X99) for "not required to attend".
_X_SUBCODE = re.compile(r"X(0[1-9]|[1-9][0-9])")


class UnknownCodeError(ValueError):
    """A register mark we do not recognise; we never guess what it meant."""

    code = "attendance.unknown_code"

    def __init__(self, raw: str) -> None:
        shown = raw if raw.strip() else "(blank)"
        super().__init__(f"'{shown}' is not an attendance code we recognise.")
        self.raw = raw


@dataclass(frozen=True, slots=True)
class Mark:
    """A parsed register mark: the code in force and the code as it was recorded."""

    code: str
    original: str

    @property
    def register_code(self) -> RegisterCode:
        return CODES[self.code]

    @property
    def was_mapped(self) -> bool:
        return self.code != self.original


def parse_code(raw: str) -> Mark:
    """Read one register mark, mapping retired codes; raise ``UnknownCodeError`` otherwise."""
    cleaned = raw.strip().upper()
    if cleaned in CODES:
        return Mark(cleaned, cleaned)
    if cleaned in RETIRED_CODES:
        return Mark(RETIRED_CODES[cleaned], cleaned)
    if _X_SUBCODE.fullmatch(cleaned):
        return Mark("X", cleaned)
    raise UnknownCodeError(raw)
