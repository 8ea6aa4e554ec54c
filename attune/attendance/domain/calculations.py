"""Attendance measures for one pupil over a range, and for a cohort of pupils.

The measures follow the DfE's "Pupil absence in schools in England" statistics: only
possible sessions count; present includes late-before-close (``L``) and approved
activities away from school; absence is authorised plus unauthorised. A pupil with no
possible sessions has no rate at all (``None``), never 0% or 100%.

Thresholds are compared with exact fractions so a pupil sitting exactly on the 10% line is
persistently absent, whatever floating point would have said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from fractions import Fraction
from typing import Protocol

from attune.attendance.domain.codes import Category, counted_as

__all__ = [
    "PERSISTENT_ABSENCE",
    "SEVERE_ABSENCE",
    "AttendanceSummary",
    "CohortSummary",
    "LessonMarkLike",
    "combine",
    "lessons_missed_by_subject",
    "split_range",
    "summarise",
    "summarise_cohort",
    "summarise_counts",
    "week_of",
    "weeks_less_days",
    "weeks_of_year",
    "year_of_week",
    "years_less_weeks",
]

PERSISTENT_ABSENCE = Fraction(1, 10)  # 10% or more of possible sessions missed
SEVERE_ABSENCE = Fraction(1, 2)  # 50% or more


@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    """Session counts for one pupil; every rate is derived from these."""

    possible: int = 0
    present: int = 0  # in school, late before close, or at an approved activity
    approved_activity: int = 0  # already included in ``present``
    authorised_absence: int = 0
    unauthorised_absence: int = 0
    late_before_close: int = 0  # L (present)
    late_after_close: int = 0  # U (unauthorised absence)
    not_counted: int = 0  # unable to attend, not required, or administrative

    @property
    def absence(self) -> int:
        return self.authorised_absence + self.unauthorised_absence

    @property
    def lates(self) -> int:
        return self.late_before_close + self.late_after_close

    @property
    def absence_fraction(self) -> Fraction | None:
        """Exact share of possible sessions missed, for comparisons."""
        if self.possible == 0:
            return None
        return Fraction(self.absence, self.possible)

    @property
    def attendance_pct(self) -> float | None:
        """(possible - absence) / possible x 100, unrounded; ``None`` with no possible sessions."""
        if self.possible == 0:
            return None
        return (self.possible - self.absence) * 100 / self.possible

    @property
    def absence_rate(self) -> float | None:
        """Overall absence rate as a percentage of possible sessions."""
        if self.possible == 0:
            return None
        return self.absence * 100 / self.possible

    @property
    def persistent_absence(self) -> bool | None:
        return self.is_absent_at_least(PERSISTENT_ABSENCE)

    @property
    def severe_absence(self) -> bool | None:
        return self.is_absent_at_least(SEVERE_ABSENCE)

    @property
    def missed_learning_days(self) -> float:
        """Absence in school days: two sessions make a day."""
        return self.absence / 2

    def is_absent_at_least(self, threshold: Fraction) -> bool | None:
        # absence / possible >= n / d, multiplied out: exact, and no Fraction made (a school
        # page asks this of every pupil several times).
        if self.possible == 0:
            return None
        return self.absence * threshold.denominator >= threshold.numerator * self.possible


def summarise(codes: Iterable[str]) -> AttendanceSummary:
    """Count a pupil's session marks for the range given, as stored (``codes.read_code``).

    A stored code already carries the meaning it had on its date (a ``J`` is a pre-2024
    interview, attended; ``J1`` is leave). Pass only the sessions the pupil was on roll for.
    Unknown codes raise ``UnknownCodeError``: a wrong total is worse than no total.
    """
    return summarise_counts(Counter(codes))


def summarise_counts(counts: Mapping[str, int]) -> AttendanceSummary:
    """``summarise`` for marks already counted per code (as a database ``GROUP BY`` gives them)."""
    tally: Counter[Category] = Counter()
    late_before = late_after = 0
    for code, count in counts.items():
        tally[counted_as(code).category] += count
        late_before += count if code == "L" else 0
        late_after += count if code == "U" else 0
    present = tally[Category.PRESENT] + tally[Category.APPROVED_ACTIVITY]
    absent = tally[Category.AUTHORISED] + tally[Category.UNAUTHORISED]
    return AttendanceSummary(
        possible=present + absent,
        present=present,
        approved_activity=tally[Category.APPROVED_ACTIVITY],
        authorised_absence=tally[Category.AUTHORISED],
        unauthorised_absence=tally[Category.UNAUTHORISED],
        late_before_close=late_before,
        late_after_close=late_after,
        not_counted=tally[Category.NOT_COUNTED] + tally[Category.ADMINISTRATIVE],
    )


def combine(summaries: Iterable[AttendanceSummary]) -> AttendanceSummary:
    """One summary for several stretches of the same pupil's marks (weeks, edge days).

    Every field is a count, so the counts of the parts add up to the counts of the whole:
    ``combine([summarise(a), summarise(b)]) == summarise(a + b)``.
    """
    parts = list(summaries)
    if len(parts) == 1:
        return parts[0]
    names = [f.name for f in fields(AttendanceSummary)]
    return AttendanceSummary(*(sum(getattr(s, name) for s in parts) for name in names))


def week_of(day: date) -> date:
    """The Monday of the week ``day`` falls in (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def year_of_week(monday: date) -> int:
    """The school year a week's counts belong to: the one its Monday falls in (from 1 August)."""
    return monday.year if monday.month >= 8 else monday.year - 1


def weeks_of_year(year: int) -> tuple[date, date]:
    """The first and last Mondays of school year ``year`` (weeks starting 1 Aug to 31 Jul)."""
    first_day = date(year, 8, 1)
    return first_day + timedelta(days=(7 - first_day.weekday()) % 7), week_of(date(year + 1, 7, 31))


@dataclass(frozen=True, slots=True)
class RangeSplit:
    """A date range as whole school years, whole weeks and odd days; each day in one part.

    A "school year" here is every week whose Monday falls between 1 August and 31 July, so a
    year's counts are exactly the sum of its weeks' counts.
    """

    years: tuple[int, ...]  # whole school years, from the yearly counts
    weeks: tuple[tuple[date, date], ...]  # first and last Mondays of runs of whole weeks
    edges: tuple[tuple[date, date], ...]  # inclusive day ranges, from the marks
    # Runs of whole weeks to take away from ``years`` (see ``years_less_weeks``).
    less_weeks: tuple[tuple[date, date], ...] = ()
    # Day ranges to take away from ``weeks`` (see ``weeks_less_days``), from the marks.
    less_edges: tuple[tuple[date, date], ...] = ()


def split_range(date_from: date, date_to: date) -> RangeSplit:
    """Split ``date_from``..``date_to`` (inclusive) into whole years, whole weeks and edges.

    Yearly and weekly counts answer the whole parts; the edge days are counted from the marks,
    so any range is exact and a long one reads few rows.
    """
    if date_to < date_from:
        return RangeSplit((), (), ())
    first = date_from + timedelta(days=(7 - date_from.weekday()) % 7)
    last = week_of(date_to + timedelta(days=1)) - timedelta(days=7)
    if last < first:  # no whole week inside: the range is all edge
        return RangeSplit((), (), ((date_from, date_to),))
    edges = []
    if date_from < first:
        edges.append((date_from, first - timedelta(days=1)))
    if last + timedelta(days=6) < date_to:
        edges.append((last + timedelta(days=7), date_to))
    years = [
        year
        for year in range(year_of_week(first), year_of_week(last) + 1)
        if first <= weeks_of_year(year)[0] and weeks_of_year(year)[1] <= last
    ]
    if not years:
        return RangeSplit((), ((first, last),), tuple(edges))
    weeks = []
    year_first, year_last = weeks_of_year(years[0])[0], weeks_of_year(years[-1])[1]
    if first < year_first:
        weeks.append((first, year_first - timedelta(days=7)))
    if year_last < last:
        weeks.append((year_last + timedelta(days=7), last))
    return RangeSplit(tuple(years), tuple(weeks), tuple(edges))


def years_less_weeks(split: RangeSplit, marked_from: date, marked_to: date) -> RangeSplit:
    """The same range, read where it is cheaper as its school year less the weeks outside it.

    Counts add, so they also take away: a run of whole weeks inside one school year equals
    that year's counts less the year's other weeks. Those other weeks are read instead when
    fewer of them can hold marks (marks lie between ``marked_from`` and ``marked_to``): from
    1 September to last week is one row a pupil for the year and a few weeks taken away,
    rather than thirty weeks. Which way is chosen never changes the figures, only the rows
    read.
    """
    years, weeks, less = list(split.years), [], []
    low, high = week_of(marked_from), week_of(marked_to)
    for first, last in split.weeks:
        while first <= last:  # one school year at a time
            year = year_of_week(first)
            year_first, year_last = weeks_of_year(year)
            end = min(last, year_last)
            outside = [
                (start, stop)
                for start, stop in (
                    (max(year_first, low), min(first - _WEEK, high)),
                    (max(end + _WEEK, low), min(year_last, high)),
                )
                if start <= stop
            ]
            if sum(_weeks_in(*run) for run in outside) < _weeks_in(first, end):
                years.append(year)
                less += outside
            else:
                weeks.append((first, end))
            first = end + _WEEK
    return RangeSplit(
        tuple(sorted(years)), tuple(weeks), split.edges, tuple(less), split.less_edges
    )


def weeks_less_days(split: RangeSplit) -> RangeSplit:
    """The same range, with an odd stretch read as its week less the days outside it where
    fewer school days lie outside.

    From a Wednesday to a Wednesday, the first stretch is Wednesday to Friday and the last
    Monday to Wednesday: six school days of marks. Read as two weeks less Monday and Tuesday
    and less Thursday and Friday, it is four days of marks and two rows a pupil. The week
    joins the runs of whole weeks beside it (``years_less_weeks`` can then read a run as its
    year less other weeks). Which way is chosen never changes the figures, only the rows read.
    """
    weeks = list(split.weeks)
    edges: list[tuple[date, date]] = []
    less: list[tuple[date, date]] = []
    for start, end in _within_weeks(split.edges):
        monday = week_of(start)
        outside = [
            (a, b) for a, b in ((monday, start - _DAY), (end + _DAY, monday + _SUNDAY)) if a <= b
        ]
        if week_of(end) != monday or _school_days(outside) >= _school_days([(start, end)]):
            edges.append((start, end))
            continue
        less += outside
        weeks = _with_week(weeks, monday)
    if not less:
        return split
    return RangeSplit(split.years, tuple(weeks), tuple(edges), split.less_weeks, tuple(less))


def _within_weeks(edges: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Odd stretches cut at the weekend: a range with no whole week inside (a Tuesday to the
    next Thursday) is one stretch from ``split_range``, across two weeks."""
    cut = []
    for start, end in edges:
        sunday = week_of(start) + _SUNDAY
        if sunday + _WEEK >= end > sunday:
            cut += [(start, sunday), (sunday + _DAY, end)]
        else:
            cut.append((start, end))
    return cut


def _with_week(runs: list[tuple[date, date]], monday: date) -> list[tuple[date, date]]:
    """Runs of whole weeks with one more week, joined to the run beside it, if any (a run
    stays inside one school year, as ``split_range`` makes them)."""
    for n, (first, last) in enumerate(runs):
        if first - _WEEK == monday and year_of_week(monday) == year_of_week(first):
            return [*runs[:n], (monday, last), *runs[n + 1 :]]
        if last + _WEEK == monday and year_of_week(monday) == year_of_week(last):
            return [*runs[:n], (first, monday), *runs[n + 1 :]]
    return sorted([*runs, (monday, monday)])


def _school_days(stretches: Iterable[tuple[date, date]]) -> int:
    """Monday to Friday days in the stretches (weekend marks are rare: a guide, not a rule)."""
    return sum(
        1
        for a, b in stretches
        for n in range((b - a).days + 1)
        if (a + timedelta(days=n)).weekday() < 5
    )


_DAY, _SUNDAY = timedelta(days=1), timedelta(days=6)
_WEEK = timedelta(days=7)


def _weeks_in(first: date, last: date) -> int:
    return (last - first).days // 7 + 1


class LessonMarkLike(Protocol):
    """Anything with a subject and a register code for one lesson."""

    @property
    def subject(self) -> str: ...

    @property
    def code(self) -> str: ...


def lessons_missed_by_subject(lessons: Iterable[LessonMarkLike]) -> dict[str, int]:
    """Lessons missed (authorised or unauthorised absence) per subject, every subject listed.

    Subjects with lessons but none missed appear with 0, so "no English missed" is visible.
    """
    missed: dict[str, int] = {}
    for lesson in lessons:
        absent = counted_as(lesson.code).is_absence
        missed[lesson.subject] = missed.get(lesson.subject, 0) + int(absent)
    return dict(sorted(missed.items()))


@dataclass(frozen=True, slots=True)
class CohortSummary:
    """How many of a cohort's pupils are persistently or severely absent."""

    pupils: int  # everyone in the cohort
    pupils_with_possible_sessions: int  # the denominator for the shares below
    persistently_absent: int
    severely_absent: int

    @property
    def persistent_absence_pct(self) -> float | None:
        return _share(self.persistently_absent, self.pupils_with_possible_sessions)

    @property
    def severe_absence_pct(self) -> float | None:
        return _share(self.severely_absent, self.pupils_with_possible_sessions)


def summarise_cohort(summaries: Iterable[AttendanceSummary]) -> CohortSummary:
    """Share of a cohort's pupils who are persistently / severely absent.

    Pupils with no possible sessions have no rate and so are left out of the denominator.
    """
    pupils = counted = persistent = severe = 0
    for summary in summaries:
        pupils += 1
        if summary.possible == 0:
            continue
        counted += 1
        persistent += bool(summary.persistent_absence)
        severe += bool(summary.severe_absence)
    return CohortSummary(pupils, counted, persistent, severe)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part * 100 / whole
