"""Staff-to-child ratios for early years rooms, with a warning before a room goes out.

Source: Department for Education, "Early years foundation stage statutory framework for
group and school-based providers", dated 14 July 2025, effective 1 September 2025 (the
current version), section 3 "Staff:child ratios". Paragraph numbers are kept in
``PARAGRAPHS`` below so they can be checked and corrected in one place; we could confirm
them only through secondary sources (they match the numbering of the January/September 2024
framework), so check them against the published PDF before they are shown to settings.

The rules as applied here (registered group settings and school nursery classes):

* under two: at least one member of staff for every 3 children;
* aged two: one for every 5 (changed from 1:4 on 4 September 2023);
* three and over: one for every 8; or one for every 13 where someone with Qualified
  Teacher Status, Early Years Teacher Status, Early Years Professional Status or another
  approved level 6 qualification is working directly with the children *and at least one
  other member of staff holds an approved (full and relevant) level 3 qualification*
  (paragraph 3.54) - in registered settings only for sessions between 8am and 4pm. In a
  maintained nursery class led by a school teacher 1:13 applies without that time limit, and
  again needs at least one other member of staff with a level 3 (paragraph 3.58). A teacher
  alone is not enough: without the other level 3 the older children need 1:8;
* at least one member of staff in the room holds an approved level 3 qualification;
* only people aged 17 or over count; students on long placements and volunteers (17+)
  and apprentices (16+) count only when the provider judges them competent and
  responsible, and (since January 2024) at the level *below* the one they are studying
  for - so someone training for QTS or EYTS counts at level 3 and cannot unlock 1:13.

Mixed ages: each child uses up a share of one adult (a baby 1/3, a two-year-old 1/5, an
older child 1/8 or 1/13); the shares are added and rounded up. This is how the age-band
ratios are usually applied to a mixed room. The framework applies ratios to all staff
available to work directly with the children across the setting, so ``assess_setting``
pools rooms; ``assess_room`` is the practical day-to-day check per room.

Not covered: reception classes (infant class size law, 1:30), independent schools, the
overnight-care rule, the experience-based route's cap, and the "half of other staff at
level 2" and baby-care training proportions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from enum import IntEnum, StrEnum
from fractions import Fraction

FRAMEWORK_TITLE = (
    "Early years foundation stage statutory framework for group and school-based providers"
)
FRAMEWORK_VERSION = "dated 14 July 2025, effective 1 September 2025"
PARAGRAPHS: dict[str, str] = {
    "who_counts": "3.49",
    "whole_setting": "3.50",
    "under_two": "3.52",
    "two": "3.53",
    "three_plus_level6": "3.54",
    "three_plus": "3.55",
    "maintained_nursery": "3.58",
}

LEVEL6_HOURS = (time(8, 0), time(16, 0))


def citation(key: str) -> str:
    return f"{FRAMEWORK_TITLE} ({FRAMEWORK_VERSION}), paragraph {PARAGRAPHS[key]}"


class RatioError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class AgeBand(StrEnum):
    UNDER_TWO = "under_two"
    TWO = "two"
    THREE_PLUS = "three_plus"

    @property
    def label(self) -> str:
        return {"under_two": "under two", "two": "aged two", "three_plus": "three and over"}[
            self.value
        ]


YOUNGEST_FIRST = (AgeBand.UNDER_TWO, AgeBand.TWO, AgeBand.THREE_PLUS)


class Level(IntEnum):
    """Approved early years qualification levels that matter for ratios."""

    NONE = 0
    LEVEL_2 = 2
    LEVEL_3 = 3
    LEVEL_6 = 6  # QTS, EYTS, EYPS or another approved level 6


class Role(StrEnum):
    STAFF = "staff"
    STUDENT = "student"
    APPRENTICE = "apprentice"
    VOLUNTEER = "volunteer"


class Provision(StrEnum):
    REGISTERED = "registered"  # nurseries, pre-schools, school-run registered provision
    MAINTAINED_NURSERY = "maintained_nursery"  # nursery class led by a school teacher


class RatioStatus(StrEnum):
    IN_RATIO = "in_ratio"
    AT_LIMIT = "at_limit"
    OUT_OF_RATIO = "out_of_ratio"


@dataclass(frozen=True, slots=True)
class Child:
    id: str
    date_of_birth: date | None = None
    band: AgeBand | None = None

    def band_on(self, on: date) -> AgeBand:
        if self.date_of_birth is None:
            if self.band is None:
                raise RatioError(
                    "A child needs a date of birth or an age band.", "ratios.child_age"
                )
            return self.band
        return age_band(self.date_of_birth, on)


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: str
    age: int = 18
    level: Level = Level.NONE
    role: Role = Role.STAFF
    studying_for: Level | None = None
    judged_competent: bool = True

    def not_counted_because(self) -> str | None:
        minimum = 16 if self.role is Role.APPRENTICE else 17
        if self.age < minimum:
            return f"under {minimum}, so not counted in ratios"
        if self.role is not Role.STAFF and not self.judged_competent:
            return f"{self.role.value} not yet judged competent and responsible"
        return None

    @property
    def counting_level(self) -> Level:
        """Students and apprentices count one step below what they are training for."""
        if self.role in (Role.STUDENT, Role.APPRENTICE) and self.studying_for is not None:
            return max(self.level, _level_below(self.studying_for))
        return self.level


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    citation: str


@dataclass(frozen=True, slots=True)
class RoomAssessment:
    children: dict[AgeBand, int]
    three_plus_ratio: int
    staff_counted: int
    not_counted: tuple[tuple[str, str], ...]
    required_exact: Fraction
    required_staff: int
    status: RatioStatus
    headroom: dict[AgeBand, int]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def in_ratio(self) -> bool:
        return self.status is not RatioStatus.OUT_OF_RATIO


@dataclass(frozen=True, slots=True)
class SettingAssessment:
    rooms: tuple[RoomAssessment, ...]
    staff_counted: int
    required_staff: int
    in_ratio: bool


def age_band(date_of_birth: date, on: date) -> AgeBand:
    """Ratios go by the child's actual age on the day."""
    if date_of_birth > on:
        raise RatioError("A date of birth cannot be in the future.", "ratios.future_birth")
    years = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    if years < 2:
        return AgeBand.UNDER_TWO
    if years < 3:
        return AgeBand.TWO
    return AgeBand.THREE_PLUS


def children_per_adult(
    band: AgeBand, *, level6_present: bool, provision: Provision, at: time | None
) -> int:
    if band is AgeBand.UNDER_TWO:
        return 3
    if band is AgeBand.TWO:
        return 5
    if level6_present and _level6_ratio_applies(provision, at):
        return 13
    return 8


def assess_room(
    children: Iterable[Child],
    staff: Iterable[StaffMember],
    *,
    on: date,
    at: time | None = None,
    provision: Provision = Provision.REGISTERED,
) -> RoomAssessment:
    """Required staff, whether the room is in ratio, and how many more children fit.

    ``at`` is the time of the check; 1:13 in registered settings needs it to fall between
    8am and 4pm (``None`` means "during the core day").
    """
    counts = _count_bands(children, on)
    counted, not_counted = _split_staff(staff)
    level6 = level6_with_level3(counted)
    rates = {
        band: children_per_adult(band, level6_present=level6, provision=provision, at=at)
        for band in AgeBand
    }
    exact = sum((Fraction(counts[b], rates[b]) for b in AgeBand), Fraction(0))
    required = math.ceil(exact)
    spare = len(counted) - exact
    headroom = {b: max(0, math.floor(spare * rates[b])) for b in AgeBand}
    status = _status(counts, spare, headroom)
    findings = _findings(counts, counted, rates, status, headroom, provision, at)
    return RoomAssessment(
        children=counts,
        three_plus_ratio=rates[AgeBand.THREE_PLUS],
        staff_counted=len(counted),
        not_counted=not_counted,
        required_exact=exact,
        required_staff=required,
        status=status,
        headroom=headroom,
        findings=findings,
    )


def level6_with_level3(counted: Sequence[StaffMember]) -> bool:
    """Does this staff allow 1:13: a level 6 working with the children, and at least one
    *other* member of staff at level 3 or above (paragraphs 3.54 and 3.58)?"""
    teachers = [s for s in counted if s.counting_level >= Level.LEVEL_6]
    level3 = [s for s in counted if s.counting_level >= Level.LEVEL_3]
    return bool(teachers) and len(level3) >= 2


def assess_setting(rooms: Sequence[RoomAssessment]) -> SettingAssessment:
    """All staff working directly with children, across the whole setting."""
    exact = sum((r.required_exact for r in rooms), Fraction(0))
    staff = sum(r.staff_counted for r in rooms)
    required = math.ceil(exact)
    return SettingAssessment(tuple(rooms), staff, required, staff >= required)


# --- internals -------------------------------------------------------------------------


def _level_below(level: Level) -> Level:
    return {
        Level.LEVEL_6: Level.LEVEL_3,
        Level.LEVEL_3: Level.LEVEL_2,
        Level.LEVEL_2: Level.NONE,
        Level.NONE: Level.NONE,
    }[level]


def _level6_ratio_applies(provision: Provision, at: time | None) -> bool:
    if provision is Provision.MAINTAINED_NURSERY or at is None:
        return True
    start, end = LEVEL6_HOURS
    return start <= at <= end


def _count_bands(children: Iterable[Child], on: date) -> dict[AgeBand, int]:
    counts = dict.fromkeys(AgeBand, 0)
    for child in children:
        counts[child.band_on(on)] += 1
    return counts


def _split_staff(
    staff: Iterable[StaffMember],
) -> tuple[list[StaffMember], tuple[tuple[str, str], ...]]:
    counted: list[StaffMember] = []
    skipped: list[tuple[str, str]] = []
    for member in staff:
        reason = member.not_counted_because()
        if reason is None:
            counted.append(member)
        else:
            skipped.append((member.id, reason))
    return counted, tuple(skipped)


def _status(
    counts: dict[AgeBand, int], spare: Fraction, headroom: dict[AgeBand, int]
) -> RatioStatus:
    if spare < 0:
        return RatioStatus.OUT_OF_RATIO
    youngest = next((b for b in YOUNGEST_FIRST if counts[b]), None)
    if youngest is not None and headroom[youngest] == 0:
        return RatioStatus.AT_LIMIT
    return RatioStatus.IN_RATIO


def _findings(
    counts: dict[AgeBand, int],
    counted: Sequence[StaffMember],
    rates: dict[AgeBand, int],
    status: RatioStatus,
    headroom: dict[AgeBand, int],
    provision: Provision,
    at: time | None,
) -> tuple[Finding, ...]:
    if not any(counts.values()):
        return ()
    findings: list[Finding] = []
    youngest = next(b for b in YOUNGEST_FIRST if counts[b])
    cite = citation(_band_paragraph(youngest, rates, provision))
    if status is RatioStatus.OUT_OF_RATIO:
        findings.append(
            Finding(
                "ratios.out",
                f"This room is out of ratio: {_describe(counts)} need more than the "
                f"{len(counted)} adult(s) who count.",
                cite,
            )
        )
    elif status is RatioStatus.AT_LIMIT:
        findings.append(
            Finding(
                "ratios.at_limit",
                f"This room is at its limit: one more child {youngest.label} would take it out "
                "of ratio.",
                cite,
            )
        )
    if not any(s.counting_level >= Level.LEVEL_3 for s in counted):
        findings.append(
            Finding(
                "ratios.no_level3",
                "Nobody in this room holds a level 3 qualification that counts.",
                citation(_band_paragraph(youngest, rates, provision)),
            )
        )
    findings.extend(_level6_notes(counts, counted, rates, provision, at))
    return tuple(findings)


def _level6_notes(
    counts: dict[AgeBand, int],
    counted: Sequence[StaffMember],
    rates: dict[AgeBand, int],
    provision: Provision,
    at: time | None,
) -> list[Finding]:
    if not counts[AgeBand.THREE_PLUS]:
        return []
    notes: list[Finding] = []
    has_level6 = any(s.counting_level >= Level.LEVEL_6 for s in counted)
    if has_level6 and not level6_with_level3(counted):
        paragraph = (
            "maintained_nursery"
            if provision is Provision.MAINTAINED_NURSERY
            else "three_plus_level6"
        )
        notes.append(
            Finding(
                "ratios.level6_without_level3",
                "1 adult to 13 needs, besides the teacher (level 6), at least one other member "
                "of staff with a full and relevant level 3 qualification; without one the "
                "older children need 1 adult to 8.",
                citation(paragraph),
            )
        )
    if rates[AgeBand.THREE_PLUS] == 13:
        at_eight = sum(
            (Fraction(counts[b], 8 if b is AgeBand.THREE_PLUS else rates[b]) for b in AgeBand),
            Fraction(0),
        )
        if len(counted) < at_eight:
            notes.append(
                Finding(
                    "ratios.relies_on_level6",
                    "This room is only in ratio because a teacher (level 6) is working with "
                    "the children; if they leave, the older children go back to 1 adult to 8.",
                    citation(_band_paragraph(AgeBand.THREE_PLUS, rates, provision)),
                )
            )
    elif has_level6 and not _level6_ratio_applies(provision, at):
        notes.append(
            Finding(
                "ratios.outside_level6_hours",
                "Outside 8am to 4pm the older children need 1 adult to 8, even with a teacher.",
                citation("three_plus_level6"),
            )
        )
    return notes


def _band_paragraph(band: AgeBand, rates: dict[AgeBand, int], provision: Provision) -> str:
    if band is AgeBand.UNDER_TWO:
        return "under_two"
    if band is AgeBand.TWO:
        return "two"
    if rates[AgeBand.THREE_PLUS] == 13:
        return (
            "maintained_nursery"
            if provision is Provision.MAINTAINED_NURSERY
            else "three_plus_level6"
        )
    return "three_plus"


def _describe(counts: dict[AgeBand, int]) -> str:
    parts = [f"{counts[b]} {b.label}" for b in YOUNGEST_FIRST if counts[b]]
    return ", ".join(parts)
