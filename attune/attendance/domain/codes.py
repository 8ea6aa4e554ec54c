"""The attendance register codes, and what each meant on the day it was written.

Each code carries a short description in our own words, the group it sits in, the category
that decides how it is counted, and whether the session counts as a possible session.

A register code keeps the meaning it had on its date. Two sets of rules apply:

- from 19 August 2024, The School Attendance (Pupil Registration) (England) Regulations 2024
  (SI 2024/208) and the DfE's "Working together to improve school attendance" (August 2024):
  the table ``CODES``;
- before that day, The Education (Pupil Registration) (England) Regulations 2006
  (SI 2006/1751) as amended (by SI 2013/756 among others, which ended "extended" holidays from
  1 September 2013) and the DfE's codes guidance under them: the same letters meant the same
  categories, except the codes retired on 19 August 2024 (``RETIRED``). The one that changes a
  figure is ``J``: an interview was an *approved educational activity*, so the session counted
  as attended; from 19 August 2024 an interview is ``J1``, leave of absence (authorised).

``read_code(raw, on)`` is the one reading of a mark: the code as written and its date in, the
code it is *stored and counted as* out, with the original kept. A retired code dated before
19 August 2024 is stored as itself (``J``, ``H``, ``F``, ``Y``: rows of ``RETIRED``, with their
old meaning); written on or after that day it is read as its successor (``J1``, ``C``, ``Y7``),
as registers converted by their suppliers write them. ``category(raw, on)`` is its category.

So the stored code alone says how a mark counts (``counted_as``), for every figure: the weekly
and yearly counts, the report, cohort figures and early warnings all sum stored codes, and
reading a stored code again on its own date gives it back unchanged (the tests hold both).
``docs/attendance-codes.md`` has the table with its sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "ALL_CODES",
    "CHANGE_DAY",
    "CODES",
    "RETIRED",
    "SUCCESSORS",
    "Category",
    "Group",
    "Mark",
    "RegisterCode",
    "UnknownCodeError",
    "category",
    "counted_as",
    "read_code",
]

# The School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208) came
# into force on 19 August 2024; a mark dated before it was written under the 2006 rules.
CHANGE_DAY = date(2024, 8, 19)


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

# Every code in force from 19 August 2024.
CODES: Mapping[str, RegisterCode] = MappingProxyType({c.code: c for c in _TABLE})

# Codes retired on 19 August 2024, with the meaning they had before it (2006 regulations and
# the DfE's codes guidance under them; F was withdrawn from 1 September 2013 and census
# returns counted it with H). A stored mark holds one of these only when dated before
# ``CHANGE_DAY``.
_RETIRED_TABLE = (
    _code(
        "J",
        "At an interview (before 19 August 2024: an approved educational activity)",
        _G.APPROVED_ACTIVITY,
        _C.APPROVED_ACTIVITY,
    ),
    _code(
        "H",
        "Holiday agreed by the school (before 19 August 2024)",
        _G.LEAVE_OF_ABSENCE,
        _C.AUTHORISED,
    ),
    _code(
        "F",
        "Extended holiday agreed by the school (before September 2013)",
        _G.LEAVE_OF_ABSENCE,
        _C.AUTHORISED,
    ),
    _code(
        "Y",
        "Could not attend: enforced closure (before 19 August 2024)",
        _G.UNABLE_TO_ATTEND,
        _C.NOT_COUNTED,
    ),
)
RETIRED: Mapping[str, RegisterCode] = MappingProxyType({c.code: c for c in _RETIRED_TABLE})
# Every code a stored mark can hold, and so every code a figure counts.
ALL_CODES: Mapping[str, RegisterCode] = MappingProxyType({**CODES, **RETIRED})

# What a retired code written on or after 19 August 2024 is read as. Its category is the one
# the code had before, except J: an interview is now leave of absence.
SUCCESSORS: Mapping[str, str] = MappingProxyType({"H": "C", "F": "C", "J": "J1", "Y": "Y7"})
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
    """A read register mark: the code it is stored and counted as, and the code as written."""

    code: str
    original: str

    @property
    def register_code(self) -> RegisterCode:
        return ALL_CODES[self.code]

    @property
    def was_mapped(self) -> bool:
        return self.code != self.original


def read_code(raw: str, on: date) -> Mark:
    """Read one register mark written on ``on``; raise ``UnknownCodeError`` for anything else.

    Case and surrounding spaces are ignored; the original keeps the code as written (upper
    case). See the module docstring for how retired codes read on either side of 19 August 2024.
    """
    cleaned = raw.strip().upper()
    if cleaned in CODES:
        return Mark(cleaned, cleaned)
    if cleaned in RETIRED:
        return Mark(cleaned if on < CHANGE_DAY else SUCCESSORS[cleaned], cleaned)
    if _X_SUBCODE.fullmatch(cleaned):
        return Mark("X", cleaned)
    raise UnknownCodeError(raw)


def category(raw: str, on: date) -> Category:
    """How a mark written as ``raw`` on ``on`` counts: the one rule every figure follows."""
    return read_code(raw, on).register_code.category


def counted_as(stored: str) -> RegisterCode:
    """The meaning of a code as stored (``read_code(...).code``), which already says its date."""
    found = ALL_CODES.get(stored)
    if found is None:
        raise UnknownCodeError(stored)
    return found
