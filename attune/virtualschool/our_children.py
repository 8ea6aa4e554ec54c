"""The children the authority looks after, each by name, wherever they learn: reads.

For the Virtual School head and officers, whose named duty these children are, nothing here is
suppressed. A child at a school on Attune is matched to that school's record by UPN and school,
and the school's record feeds in: attendance this school year, suspensions, the key adult and
the school's own PEP. A child at a school not on Attune has the marks entered for them through
the school's link or uploaded by the officer, counted by the same rules
(``attune.attendance.domain.calculations``), and the PEPs written with partners.

Everything for a whole list is read in a fixed number of queries, whatever the number of
children or schools (``benchmarks/vs_children.py``). Run inside the authority's scope.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q

from attune.attendance.domain.calculations import (
    AttendanceSummary,
    combine,
    summarise_counts,
    week_of,
    weeks_of_year,
    year_of_week,
)
from attune.attendance.models import SessionMark, YearCounts
from attune.attendance.week_counts import FIELDS as COUNT_FIELDS
from attune.people.models import Pupil, School
from attune.pep.domain.cycle import PepTerm, term_for
from attune.pep.models import Pep
from attune.pep.models import PepStatus as SchoolPepStatus
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import scopes_disabled

from .domain.pep_timescales import PepStatus, pep_status
from .models import LookedAfterChild, OutsideMark, PartnerPep, Placement

SUSPENSION_CODE = "E"
SCHOOL_PEP_DONE = (SchoolPepStatus.HELD, SchoolPepStatus.SIGNED_OFF)


@dataclass
class OurChild:
    child: LookedAfterChild
    placement: Placement | None  # where they learn now
    school: School | None  # that school, when it is on Attune
    pupil_id: uuid.UUID | None = None  # their record there, matched by UPN and school
    attendance: AttendanceSummary = field(default_factory=AttendanceSummary)
    suspended_sessions: int = 0
    key_adult: str | None = None
    key_adult_since: date | None = None
    pep: PepStatus = PepStatus.DUE
    # (school id, pupil id) of every school record this child's figures were read from.
    records: list[tuple[int, uuid.UUID]] = field(default_factory=list)

    @property
    def on_attune(self) -> bool:
        return self.school is not None

    @property
    def attendance_pct(self) -> float | None:
        return self.attendance.attendance_pct

    @property
    def not_found(self) -> bool:
        """At a school on Attune, but not on its roll by this UPN (or no UPN)."""
        return self.on_attune and self.pupil_id is None


def school_year_of(today: date) -> int:
    return year_of_week(week_of(today))


def our_children(
    today: date, *, only: uuid.UUID | None = None, include_left: bool = False
) -> list[OurChild]:
    """The open authority's children looked after on ``today`` (or everyone, with
    ``include_left``), by surname, each with this school year's figures."""
    children = LookedAfterChild.objects.all()
    if only is not None:
        children = children.filter(pk=only)
    if not include_left:
        children = children.filter(Q(looked_after_to__isnull=True) | Q(looked_after_to__gte=today))
    found = list(children.order_by("legal_surname", "legal_forename", "pk"))
    if not found:
        return []
    year = school_year_of(today)
    year_start = weeks_of_year(year)[0]
    placements = _placements(found, year_start)
    urns = {p.school_urn for ps in placements.values() for p in ps}
    with scopes_disabled():
        schools = School.objects.in_bulk(list(urns), field_name="urn")
    rows = [_row(child, placements.get(child.pk, []), schools) for child in found]
    pupils = _match(rows, placements, schools)
    _attendance(rows, pupils, year, year_start, today)
    _key_adults(rows, today)
    _peps(rows, today)
    return rows


def _placements(children: list[LookedAfterChild], since: date) -> dict[Any, list[Placement]]:
    """Each child's placements this school year (and the current one, whenever it began)."""
    query = Placement.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    if len(children) < 500:  # a few children: by id; the whole list: the authority's scope
        query = query.filter(child_id__in=[child.pk for child in children])
    by_child: dict[Any, list[Placement]] = defaultdict(list)
    for placement in query:
        by_child[placement.child_id].append(placement)
    return by_child


def _row(
    child: LookedAfterChild, placements: list[Placement], schools: dict[str, School]
) -> OurChild:
    current = next((p for p in placements if p.ended_on is None), None)
    school = schools.get(current.school_urn) if current else None
    return OurChild(child, current, school)


def _match(
    rows: list[OurChild], placements: dict[Any, list[Placement]], schools: dict[str, School]
) -> dict[uuid.UUID, OurChild]:
    """Each child's records at schools on Attune this year, by UPN and school (one query)."""
    wanted: dict[tuple[int, str], OurChild] = {}
    for row in rows:
        if not row.child.upn:
            continue
        for placement in placements.get(row.child.pk, []):
            school = schools.get(placement.school_urn)
            if school is not None:
                wanted[(school.pk, row.child.upn)] = row
    if not wanted:
        return {}
    with scopes_disabled():
        found = Pupil.objects.filter(
            school_id__in={school_id for school_id, _ in wanted},
            upn__in={upn for _, upn in wanted},
        ).values_list("school_id", "upn", "id")
        pupils: dict[uuid.UUID, OurChild] = {}
        for school_id, upn, pupil_id in found:
            matched = wanted.get((school_id, upn))
            if matched is None:
                continue
            pupils[pupil_id] = matched
            matched.records.append((school_id, pupil_id))
            if matched.school is not None and matched.school.pk == school_id:
                matched.pupil_id = pupil_id
    return pupils


def _attendance(
    rows: list[OurChild],
    pupils: dict[uuid.UUID, OurChild],
    year: int,
    year_start: date,
    today: date,
) -> None:
    """This school year's sessions: the schools' yearly counts for children on Attune, and the
    marks entered for schools not on Attune, added up (three queries)."""
    parts: dict[Any, list[AttendanceSummary]] = defaultdict(list)
    with scopes_disabled():
        counts = YearCounts.objects.filter(pupil_id__in=list(pupils), year=year).values(
            "pupil_id", *COUNT_FIELDS
        )
        for values in counts:
            row = pupils[values.pop("pupil_id")]
            parts[row.child.pk].append(AttendanceSummary(**values))
        suspended = (
            SessionMark.objects.filter(
                pupil_id__in=list(pupils),
                code=SUSPENSION_CODE,
                date__range=(year_start, today),
            )
            .values("pupil_id")
            .annotate(n=Count("pk"))
        )
        for item in suspended:
            pupils[item["pupil_id"]].suspended_sessions += item["n"]
    by_child = {row.child.pk: row for row in rows}
    outside: dict[Any, dict[str, int]] = defaultdict(dict)
    for child_id, code, n in (
        OutsideMark.objects.filter(child_id__in=list(by_child), date__range=(year_start, today))
        .values("child_id", "code")
        .annotate(n=Count("pk"))
        .values_list("child_id", "code", "n")
    ):
        outside[child_id][code] = n
    for child_id, codes in outside.items():
        parts[child_id].append(summarise_counts(codes))
        by_child[child_id].suspended_sessions += codes.get(SUSPENSION_CODE, 0)
    for row in rows:
        row.attendance = combine(parts.get(row.child.pk, []))


def _key_adults(rows: list[OurChild], today: date) -> None:
    """The current key adult at the school on Attune where the child learns now (one query)."""
    current = {row.pupil_id: row for row in rows if row.pupil_id is not None}
    if not current:
        return
    with scopes_disabled():
        found = (
            KeyAdultRelationship.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=today),
                pupil_id__in=list(current),
                started_on__lte=today,
            )
            .order_by("pupil_id", "started_on")
            .values_list("pupil_id", "key_adult__first_name", "key_adult__last_name", "started_on")
        )
        for pupil_id, first, last, since in found:
            row = current[pupil_id]
            row.key_adult, row.key_adult_since = f"{first} {last}", since


def _peps(rows: list[OurChild], today: date) -> None:
    """This term's PEP: held when the school's own PEP (on Attune) or the PEP written with
    partners has had its meeting; else due or overdue by the statutory timescales (two
    queries)."""
    term = term_for(today)
    held: dict[PepTerm, set[Any]] = {term: set(), term.previous: set()}
    by_pupil = {pid: row for row in rows for _, pid in row.records}
    with scopes_disabled():
        school_peps = Pep.objects.filter(
            Q(school_year=term.year, term=term.season.value)
            | Q(school_year=term.previous.year, term=term.previous.season.value),
            pupil_id__in=list(by_pupil),
            status__in=SCHOOL_PEP_DONE,
        ).values_list("pupil_id", "school_year", "term")
        for pupil_id, school_year, season in school_peps:
            _held(held, term, school_year, season).add(by_pupil[pupil_id].child.pk)
    partner_peps = PartnerPep.objects.filter(
        Q(school_year=term.year, term=term.season.value)
        | Q(school_year=term.previous.year, term=term.previous.season.value),
        child_id__in=[row.child.pk for row in rows],
        meeting_on__lte=today,
    ).values_list("child_id", "school_year", "term")
    for child_id, school_year, season in partner_peps:
        _held(held, term, school_year, season).add(child_id)
    for row in rows:
        row.pep = pep_status(
            term=term,
            today=today,
            looked_after_from=row.child.looked_after_from,
            held_this_term=row.child.pk in held[term],
            held_last_term=row.child.pk in held[term.previous],
        )


def _held(held: dict[PepTerm, set[Any]], term: PepTerm, year: int, season: str) -> set[Any]:
    return held[term] if (year, season) == (term.year, term.season.value) else held[term.previous]
