"""Reads for the school-wide attendance pages: every pupil's figures, cohorts, term dates.

Each pupil's counts come from ``week_counts`` (whole weeks from the weekly counts, odd days
from the marks), which are the pure module's sums, never a second copy of the rules.
A page costs a fixed handful of queries however many pupils the school has.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, overload

from django.db.models import Exists, OuterRef, Q, QuerySet

from attune.attendance.domain.calculations import (
    AttendanceSummary,
    CohortSummary,
    summarise_cohort,
)
from attune.attendance.domain.early_warning import school_year_start
from attune.attendance.domain.terms import TermDates, default_terms
from attune.attendance.models import (
    AbsenceFactor,
    ConcernFactor,
    SchoolTerm,
)
from attune.attendance.week_counts import (
    NO_MARKS,
    as_uuid,
    stored_rows,
    summaries_by_stored_id,
)
from attune.people.models import YEAR_GROUP_LABELS, Cohort, CohortMembership, Pupil

PUPIL_FIELDS = (
    "id",
    "upn",
    "legal_forename",
    "legal_surname",
    "preferred_name",
    "year_group",
    "registration_group",
)


# --- term dates ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchoolYear:
    """The school year containing a day, with the terms in force (entered or typical)."""

    starts_on: date
    terms: tuple[TermDates, ...]
    entered: bool  # False when the typical dates are standing in

    @property
    def term_starts(self) -> tuple[date, ...]:
        return tuple(term.starts_on for term in self.terms)


def school_year(today: date) -> SchoolYear:
    """The open school's terms for the year containing ``today`` (one query)."""
    august_first = school_year_start(today, ())
    year_end = date(august_first.year + 1, 7, 31)
    entered = tuple(
        TermDates(term.name, term.starts_on, term.ends_on)
        for term in SchoolTerm.objects.filter(starts_on__range=(august_first, year_end))
    )
    terms = entered or default_terms(august_first.year)
    return SchoolYear(school_year_start(today, [t.starts_on for t in terms]), terms, bool(entered))


# --- pupils with their figures --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PupilFigures:
    pupil_id: uuid.UUID
    upn: str
    name: str
    sort_name: str
    year_group: int
    registration_group: str
    summary: AttendanceSummary

    @property
    def year_label(self) -> str:
        return YEAR_GROUP_LABELS.get(self.year_group, str(self.year_group))


def pupil_figures(row: dict[str, object], summary: AttendanceSummary) -> PupilFigures:
    known_as = str(row["preferred_name"] or row["legal_forename"])
    return PupilFigures(
        pupil_id=row["id"],  # type: ignore[arg-type]
        upn=str(row["upn"]),
        name=f"{known_as} {row['legal_surname']}",
        sort_name=f"{row['legal_surname']} {row['legal_forename']}".casefold(),
        year_group=int(row["year_group"]),  # type: ignore[call-overload]
        registration_group=str(row["registration_group"]),
        summary=summary,
    )


@dataclass(frozen=True, slots=True)
class SchoolFilters:
    date_from: date
    date_to: date
    year_group: int | None = None
    registration_group: str = ""
    cohort: str = ""
    only: str = ""  # "", "pa" (persistently absent) or "sa" (severely absent)
    sort: str = "name"
    descending: bool = False

    @property
    def narrows_pupils(self) -> bool:
        return self.year_group is not None or bool(self.registration_group or self.cohort)


def in_cohort(cohort: str, date_from: date, date_to: date) -> Q:
    """Pupils who belonged to ``cohort`` at any time in the range."""
    overlapping = CohortMembership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=date_from),
        pupil=OuterRef("pk"),
        cohort=cohort,
        start_date__lte=date_to,
    )
    return Q(Exists(overlapping))


def filtered_pupils(filters: SchoolFilters) -> QuerySet[Pupil]:
    pupils = Pupil.objects.all()
    if filters.year_group is not None:
        pupils = pupils.filter(year_group=filters.year_group)
    if filters.registration_group:
        pupils = pupils.filter(registration_group=filters.registration_group)
    if filters.cohort:
        pupils = pupils.filter(in_cohort(filters.cohort, filters.date_from, filters.date_to))
    return pupils


class PupilList(Sequence[PupilFigures]):
    """Pupils in order, each made into ``PupilFigures`` only when drawn.

    A page draws a hundred rows and two short lists of a school's thousands; making every
    pupil's figures for each request was much of a big school's page (issue 22).
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: list[_Row]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> PupilFigures: ...

    @overload
    def __getitem__(self, index: slice) -> list[PupilFigures]: ...

    def __getitem__(self, index: int | slice) -> PupilFigures | list[PupilFigures]:
        if isinstance(index, slice):
            return [row.figures() for row in self._rows[index]]
        return self._rows[index].figures()


@dataclass(slots=True)
class _Row:
    """One pupil as stored (``PUPIL_FIELDS`` in order) with their summary and its flags."""

    pupil: tuple[Any, ...]
    summary: AttendanceSummary
    pct: float | None
    persistent: bool | None
    severe: bool | None

    def figures(self) -> PupilFigures:
        row = dict(zip(PUPIL_FIELDS, self.pupil, strict=True))
        row["id"] = as_uuid(row["id"])
        return pupil_figures(row, self.summary)

    @property
    def sort_name(self) -> str:  # as ``PupilFigures.sort_name``
        return f"{self.pupil[3]} {self.pupil[2]}".casefold()


SORTS: dict[str, Callable[[_Row], tuple[Any, ...]]] = {
    "name": lambda r: (r.sort_name,),
    "year": lambda r: (r.pupil[5], r.pupil[6], r.sort_name),
    "group": lambda r: (r.pupil[6], r.sort_name),
    "attendance": lambda r: (r.pct or 0.0,),
    "possible": lambda r: (r.summary.possible,),
    "authorised": lambda r: (r.summary.authorised_absence,),
    "unauthorised": lambda r: (r.summary.unauthorised_absence,),
}


@dataclass(frozen=True, slots=True)
class SchoolAttendance:
    pupils: Sequence[PupilFigures]  # after every filter, sorted
    persistent: Sequence[PupilFigures]  # of those, lowest attendance first
    severe: Sequence[PupilFigures]
    cohort: CohortSummary
    bands: tuple[tuple[str, int], ...]  # pupils by attendance band, for the chart


BANDS = (
    ("97% or more", 97.0),
    ("95% to under 97%", 95.0),
    ("90% to under 95%", 90.0),
    ("50% to under 90% (persistent absence)", 50.0),
    ("Under 50% (severe absence)", -1.0),
)


def _bands(pupils: Iterable[_Row]) -> tuple[tuple[str, int], ...]:
    tally: Counter[str] = Counter()
    for pupil in pupils:
        pct = pupil.pct
        if pct is None:
            continue
        # The PA and SA lines are exact (calculations.py); the other bands are for display.
        if pupil.severe:
            tally[BANDS[4][0]] += 1
        elif pupil.persistent:
            tally[BANDS[3][0]] += 1
        else:
            tally[next(label for label, floor in BANDS if pct >= floor)] += 1
    return tuple((label, tally[label]) for label, _ in BANDS)


def school_attendance_page(filters: SchoolFilters) -> SchoolAttendance:
    """Every pupil matching the filters, with their figures (two queries).

    Each pupil's flags are the pure rules' (``AttendanceSummary``), worked out once; only the
    pupils drawn become ``PupilFigures`` (``PupilList``).
    """
    pupils = filtered_pupils(filters)
    summaries = summaries_by_stored_id(
        date_from=filters.date_from,
        date_to=filters.date_to,
        pupils=pupils if filters.narrows_pupils else None,
    )
    rows = []
    for pupil in stored_rows(pupils.values_list(*PUPIL_FIELDS)):
        summary = summaries.get(pupil[0], NO_MARKS)
        rows.append(
            _Row(
                pupil,
                summary,
                summary.attendance_pct,
                summary.persistent_absence,
                summary.severe_absence,
            )
        )
    by_attendance = sorted((r for r in rows if r.persistent), key=SORTS["attendance"])
    if filters.only == "pa":
        rows = [r for r in rows if r.persistent]
    elif filters.only == "sa":
        rows = [r for r in rows if r.severe]
    rows.sort(key=SORTS.get(filters.sort, SORTS["name"]), reverse=filters.descending)
    if filters.sort == "attendance":  # pupils with no figure last, whichever the direction
        rows = [r for r in rows if r.summary.possible] + [r for r in rows if not r.summary.possible]
    return SchoolAttendance(
        pupils=PupilList(rows),
        persistent=PupilList(by_attendance),
        severe=PupilList([r for r in by_attendance if r.severe]),
        cohort=summarise_cohort(r.summary for r in rows),
        bands=_bands(rows),
    )


def registration_groups() -> list[str]:
    return list(
        Pupil.objects.exclude(registration_group="")
        .order_by("registration_group")
        .values_list("registration_group", flat=True)
        .distinct()
    )


# --- cohorts ---------------------------------------------------------------------------------


@dataclass(slots=True)
class CohortFigures:
    key: str  # "" for all pupils
    label: str
    summaries: list[AttendanceSummary] = field(default_factory=list)
    factors: Counter[str] = field(default_factory=Counter)
    pupils_with_concern: int = 0
    _cohort: CohortSummary | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def cohort(self) -> CohortSummary:
        """Worked out once, when first asked (a page asks for each share in turn, and each
        asking went through every pupil of the cohort again). Add no summaries after it."""
        if self._cohort is None:
            self._cohort = summarise_cohort(self.summaries)
        return self._cohort

    @property
    def possible(self) -> int:
        return sum(s.possible for s in self.summaries)

    @property
    def absence(self) -> int:
        return sum(s.absence for s in self.summaries)

    @property
    def attendance_pct(self) -> float | None:
        possible = self.possible
        return None if possible == 0 else (possible - self.absence) * 100 / possible

    def factor_counts(self) -> list[tuple[str, int]]:
        return [(choice.label, self.factors[choice.value]) for choice in AbsenceFactor]


def cohort_figures(date_from: date, date_to: date) -> list[CohortFigures]:
    """All pupils, then every cohort: PA/SA shares, attendance and factor counts (4 queries).

    A pupil counts in a cohort if they belonged to it at any time in the range; a concern's
    factors count if the concern was open at any time in the range.
    """
    # Pupils are matched by their ids as stored (``stored_rows``): making a UUID of each of
    # thousands of ids, three times, was a third of the page.
    counted = summaries_by_stored_id(date_from=date_from, date_to=date_to)
    summaries = {
        pupil_id: counted.get(pupil_id, NO_MARKS)
        for (pupil_id,) in stored_rows(Pupil.objects.values_list("id"))
    }
    members: dict[str, set[Any]] = defaultdict(set)
    memberships = CohortMembership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=date_from), start_date__lte=date_to
    ).values_list("cohort", "pupil_id")
    for cohort, pupil_id in stored_rows(memberships):
        members[cohort].add(pupil_id)
    factors: dict[Any, set[str]] = defaultdict(set)
    concern_factors = ConcernFactor.objects.filter(
        Q(concern__closed_on__isnull=True) | Q(concern__closed_on__gte=date_from),
        concern__opened_on__lte=date_to,
    ).values_list("concern__pupil_id", "factor")
    for pupil_id, factor in stored_rows(concern_factors):
        factors[pupil_id].add(factor)
    groups = [("", "All pupils", set(summaries))] + [
        (choice.value, choice.label, members[choice.value]) for choice in Cohort
    ]
    out = []
    for key, label, pupil_ids in groups:
        figures = CohortFigures(key, label)
        for pupil_id in pupil_ids:
            if pupil_id not in summaries:
                continue
            figures.summaries.append(summaries[pupil_id])
            figures.factors.update(factors.get(pupil_id, ()))
            figures.pupils_with_concern += pupil_id in factors
        out.append(figures)
    return out
