"""The ``cohort_report`` records: each cohort's attendance for a school or a local authority.

For the authority's analyst at the command line, so nothing is suppressed. One record per
cohort, always in the same order, even when a cohort has no children:

- ``pupils``: children on roll and in the cohort on at least one day of the range (for
  ``all``, every child on roll). Attune keeps no admission or leaving dates, so a child on a
  school's roll in Attune is on roll for the whole range; a cohort's days come from its
  memberships, which a CTF dates. Across an authority a child is counted once, by UPN, with
  the sessions of every school they attended in it;
- ``possible_sessions``: their possible sessions in the range, at schools that counted them
  (history kept from before a child joined is never counted);
- ``attendance_pct``: (possible - absence) / possible x 100, unrounded, ``None`` with none;
- ``persistent_absence`` and ``severe_absence``: how many of them missed 10% or more, and
  50% or more, of their possible sessions (a child with none is neither).

Sessions come from the same counts as every other figure (``week_counts.pupil_summaries``),
so a mark counts with the meaning its code had on its date.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import Q

from attune import csv_files
from attune.attendance.domain.calculations import AttendanceSummary, combine
from attune.attendance.week_counts import pupil_summaries
from attune.people.models import Cohort, CohortMembership, Pupil
from attune.tenancy import scopes_disabled

ALL = "all"
COHORTS: tuple[str, ...] = (
    ALL,
    Cohort.LOOKED_AFTER,
    Cohort.PREVIOUSLY_LOOKED_AFTER,
    Cohort.CHILD_IN_NEED,
    Cohort.CHILD_PROTECTION_PLAN,
    Cohort.SOCIAL_WORKER_EVER6,
    Cohort.KINSHIP_CARE,
    Cohort.FSM,
    Cohort.EAL,
    Cohort.SEN_SUPPORT,
    Cohort.EHC_PLAN,
)
FIELDS = (
    "cohort",
    "pupils",
    "possible_sessions",
    "attendance_pct",
    "persistent_absence",
    "severe_absence",
)


def cohort_records(
    *, school_ids: Sequence[int], date_from: date, date_to: date
) -> list[dict[str, Any]]:
    """One record per cohort (``COHORTS`` order) for these schools over the range."""
    with scopes_disabled():
        upn_of = dict(Pupil.objects.filter(school_id__in=school_ids).values_list("id", "upn"))
        summaries = pupil_summaries(date_from=date_from, date_to=date_to, school_ids=school_ids)
        members = CohortMembership.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date_from),
            school_id__in=school_ids,
            start_date__lte=date_to,
            cohort__in=COHORTS[1:],
        ).values_list("pupil_id", "cohort")
        in_cohort: dict[str, set[str]] = defaultdict(set)
        for pupil_id, cohort in members.iterator(chunk_size=20_000):
            in_cohort[cohort].add(upn_of[pupil_id])
    parts: dict[str, list[AttendanceSummary]] = defaultdict(list)
    for pupil_id, upn in upn_of.items():
        parts[upn].append(summaries.get(pupil_id, AttendanceSummary()))
    children = {upn: combine(found) for upn, found in parts.items()}
    in_cohort[ALL] = set(children)
    return [_record(cohort, (children[upn] for upn in in_cohort[cohort])) for cohort in COHORTS]


def _record(cohort: str, children: Iterable[AttendanceSummary]) -> dict[str, Any]:
    pupils = possible = absence = persistent = severe = 0
    for child in children:
        pupils += 1
        possible += child.possible
        absence += child.absence
        persistent += bool(child.persistent_absence)
        severe += bool(child.severe_absence)
    return {
        "cohort": str(cohort),
        "pupils": pupils,
        "possible_sessions": possible,
        "attendance_pct": (possible - absence) * 100 / possible if possible else None,
        "persistent_absence": persistent,
        "severe_absence": severe,
    }


def render_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, indent=2) + "\n"


def render_csv(records: list[dict[str, Any]]) -> str:
    return csv_files.text(FIELDS, ([record[name] for name in FIELDS] for record in records))
