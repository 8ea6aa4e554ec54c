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

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL

from attune.attendance.domain.calculations import (
    AttendanceSummary,
    combine,
    week_of,
    weeks_of_year,
    year_of_week,
)
from attune.attendance.models import SessionMark, YearCounts
from attune.attendance.week_counts import FIELDS as COUNT_FIELDS
from attune.people.models import Pupil, School, staff_full_name
from attune.pep.domain.cycle import PepTerm, term_for
from attune.pep.models import Pep
from attune.pep.models import PepStatus as SchoolPepStatus
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import scopes_disabled

from .domain.pep_timescales import PepStatus, pep_status
from .models import LookedAfterChild, OutsideYearCounts, PartnerPep, Placement
from .selectors import SUSPENSION_CODE

# What the list needs of each child (the rest stays in the database).
CHILD_FIELDS = (
    "id",
    "local_authority_id",
    "child_id",
    "upn",
    "legal_forename",
    "legal_surname",
    "preferred_name",
    "looked_after_from",
    "looked_after_to",
)
MANY = 500  # from this many children on, read by the authority's scope, not by their ids
PAIRS_A_QUERY = 5_000  # (school, UPN) pairs a query on SQLite (two parameters each)
SCHOOL_PEP_DONE = (SchoolPepStatus.HELD, SchoolPepStatus.SIGNED_OFF)


@dataclass
class OurChild:
    child: LookedAfterChild
    placement: Where | None  # where they learn now
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


@dataclass(frozen=True, slots=True)
class Where:
    """The school a child learns at now (their open placement)."""

    school_urn: str
    school_name: str
    started_on: date


def our_children(
    today: date, *, only: uuid.UUID | None = None, include_left: bool = False
) -> list[OurChild]:
    """The open authority's children looked after on ``today`` (or everyone, with
    ``include_left``), by surname, each with this school year's figures."""
    now = Placement.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    children = LookedAfterChild.objects.annotate(
        now_urn=Subquery(now.values("school_urn")[:1]),
        now_name=Subquery(now.values("school_name")[:1]),
        now_since=Subquery(now.values("started_on")[:1]),
    )
    if only is not None:
        children = children.filter(pk=only)
    if not include_left:
        children = children.filter(Q(looked_after_to__isnull=True) | Q(looked_after_to__gte=today))
    found = list(children.order_by("legal_surname", "legal_forename", "pk").only(*CHILD_FIELDS))
    if not found:
        return []
    year = school_year_of(today)
    year_start = weeks_of_year(year)[0]
    earlier = _earlier_schools(found, year_start)
    urns = {c.now_urn for c in found if c.now_urn} | {u for us in earlier.values() for u in us}
    with scopes_disabled():
        schools = School.objects.in_bulk(list(urns), field_name="urn")
    rows = [_row(child, schools) for child in found]
    pupils = _match(rows, earlier, schools)
    _attendance(rows, pupils, year, year_start, today)
    _key_adults(rows, today)
    _peps(rows, today)
    return rows


def _earlier_schools(children: Sequence[LookedAfterChild], since: date) -> dict[Any, set[str]]:
    """The schools each child left this school year: their records there count too."""
    query = Placement.objects.filter(ended_on__gte=since)
    if len(children) < MANY:  # a few children: by id; the whole list: the authority's scope
        query = query.filter(child_id__in=[child.pk for child in children])
    found: dict[Any, set[str]] = defaultdict(set)
    for child_id, urn in query.values_list("child_id", "school_urn"):
        found[child_id].add(urn)
    return found


def _row(child: Any, schools: dict[str, School]) -> OurChild:
    if child.now_urn is None:
        return OurChild(child, None, None)
    where = Where(child.now_urn, child.now_name, child.now_since)
    return OurChild(child, where, schools.get(child.now_urn))


def _match(
    rows: list[OurChild], earlier: dict[Any, set[str]], schools: dict[str, School]
) -> dict[uuid.UUID, OurChild]:
    """Each child's records at schools on Attune this year, by UPN and school (one query)."""
    wanted: dict[tuple[int, str], OurChild] = {}
    for row in rows:
        if not row.child.upn:
            continue
        urns = earlier.get(row.child.pk, set())
        urns |= {row.placement.school_urn} if row.placement else set()
        for urn in urns:
            school = schools.get(urn)
            if school is not None:
                wanted[(school.pk, row.child.upn)] = row
    if not wanted:
        return {}
    pupils: dict[uuid.UUID, OurChild] = {}
    for school_id, upn, pupil_id in pupils_at(list(wanted)):
        matched = wanted[(school_id, upn)]
        pupils[pupil_id] = matched
        matched.records.append((school_id, pupil_id))
        if matched.school is not None and matched.school.pk == school_id:
            matched.pupil_id = pupil_id
    return pupils


def pupils_at(pairs: list[tuple[int, str]]) -> list[tuple[int, str, uuid.UUID]]:
    """The pupil on each (school, UPN) that has one, as (school id, UPN, pupil id).

    One join with the pairs on the (school, UPN) index: as two ``IN`` lists, the database
    tried every school with every UPN (1,200 children at 300 schools: 360,000 probes, 70 ms).
    """
    table = Pupil._meta.db_table
    found: list[tuple[int, str, uuid.UUID]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT p.school_id, p.upn, p.id FROM unnest(%s::bigint[], %s::text[]) "  # noqa: S608
                f"AS w (school_id, upn) JOIN {table} p "
                "ON p.school_id = w.school_id AND p.upn = w.upn",
                [[s for s, _ in pairs], [u for _, u in pairs]],
            )
            return [(s, u, i) for s, u, i in cursor.fetchall()]
        for start in range(0, len(pairs), PAIRS_A_QUERY):
            batch = pairs[start : start + PAIRS_A_QUERY]
            values = ",".join(["(%s, %s)"] * len(batch))
            cursor.execute(
                f"WITH w (school_id, upn) AS (VALUES {values}) "  # noqa: S608
                f"SELECT p.school_id, p.upn, p.id FROM w JOIN {table} p "
                "ON p.school_id = w.school_id AND p.upn = w.upn",
                [value for pair in batch for value in pair],
            )
            found += [(s, u, uuid.UUID(str(i))) for s, u, i in cursor.fetchall()]
    return found


def any_of(ids: Iterable[uuid.UUID]) -> RawSQL:
    """Ids for ``field__in=`` as one parameter (an array on PostgreSQL, a JSON list on SQLite,
    which keeps UUIDs as 32 hex digits): 1,200 pupils' ids as 1,200 parameters took longer to
    prepare, four times a page, than the queries took to run."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::uuid[])", [list(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps([i.hex for i in ids])])


def _attendance(
    rows: list[OurChild],
    pupils: dict[uuid.UUID, OurChild],
    year: int,
    year_start: date,
    today: date,
) -> None:
    """This school year's sessions: the schools' yearly counts for children on Attune, and the
    yearly counts kept of the marks entered for schools not on Attune, added up (three
    queries, one row a child each)."""
    parts: dict[Any, list[AttendanceSummary]] = defaultdict(list)
    with scopes_disabled():
        counts = YearCounts.objects.filter(pupil_id__in=any_of(pupils), year=year).values(
            "pupil_id", *COUNT_FIELDS
        )
        for values in counts:
            row = pupils[values.pop("pupil_id")]
            parts[row.child.pk].append(AttendanceSummary(**values))
        suspended = (
            SessionMark.objects.filter(
                pupil_id__in=any_of(pupils),
                code=SUSPENSION_CODE,
                date__range=(year_start, today),
            )
            .values("pupil_id")
            .annotate(n=Count("pk"))
        )
        for item in suspended:
            pupils[item["pupil_id"]].suspended_sessions += item["n"]
    by_child = {row.child.pk: row for row in rows}
    counts = OutsideYearCounts.objects.filter(year=year)
    if len(by_child) < MANY:
        counts = counts.filter(child_id__in=list(by_child))
    for outside in counts.values("child_id", "suspended", *COUNT_FIELDS):
        child_id, suspended = outside.pop("child_id"), outside.pop("suspended")
        if child_id not in by_child:
            continue  # a child not on this list (left care)
        parts[child_id].append(AttendanceSummary(**outside))
        by_child[child_id].suspended_sessions += suspended
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
                pupil_id__in=any_of(current),
                started_on__lte=today,
            )
            .order_by("pupil_id", "started_on")
            .values_list("pupil_id", "key_adult__first_name", "key_adult__last_name", "started_on")
        )
        for pupil_id, first, last, since in found:
            row = current[pupil_id]
            row.key_adult, row.key_adult_since = staff_full_name(first, last), since


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
            pupil_id__in=any_of(by_pupil),
            status__in=SCHOOL_PEP_DONE,
        ).values_list("pupil_id", "school_year", "term")
        for pupil_id, school_year, season in school_peps:
            _held(held, term, school_year, season).add(by_pupil[pupil_id].child.pk)
    partner_peps = PartnerPep.objects.filter(
        Q(school_year=term.year, term=term.season.value)
        | Q(school_year=term.previous.year, term=term.previous.season.value),
        meeting_on__lte=today,
    )
    if len(rows) < MANY:
        partner_peps = partner_peps.filter(child_id__in=[row.child.pk for row in rows])
    for child_id, school_year, season in partner_peps.values_list(
        "child_id", "school_year", "term"
    ):
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
