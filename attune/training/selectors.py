"""Reads for training and supervision: a few whole-school queries, then the pure rules."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404

from attune.accounts.models import Membership
from attune.accounts.roles import Permission
from attune.http import SchoolRequest
from attune.people.models import School, Staff
from attune.people.selectors import active_staff
from attune.relationships.models import KeyAdultRelationship
from attune.training.domain.audience import Coverage, Person, attune_roles_of, coverage
from attune.training.domain.renewal import PersonCourse, Standing, standing
from attune.training.domain.supervision import (
    DEFAULT_FORMAL_EVERY_WEEKS,
    SupervisionState,
    SupervisionStatus,
    supervision_state,
)
from attune.training.models import (
    Attendance,
    Course,
    Supervision,
    SupervisionKind,
    SupervisionSettings,
    group_label,
)


def courses(*, active_only: bool = False) -> QuerySet[Course]:
    found = Course.objects.order_by("name")
    return found.filter(is_active=True) if active_only else found


def people_of(school: School) -> dict[str, Person]:
    """Every active member of staff as the audience rules see them (three queries)."""
    staff = list(active_staff().values_list("pk", "job_role"))
    roles: dict[uuid.UUID, set[str]] = defaultdict(set)
    for staff_id, role in Membership.objects.filter(
        school=school, is_active=True, staff__isnull=False
    ).values_list("staff_id", "role"):
        roles[staff_id].add(role)
    holders = set(
        KeyAdultRelationship.objects.filter(ended_on__isnull=True).values_list(
            "key_adult_id", flat=True
        )
    )
    return {
        str(pk): Person(
            str(pk), job_role, attune_roles_of(roles[pk], holds_key_children=pk in holders)
        )
        for pk, job_role in staff
    }


def attended_dates(today: date, staff: Staff | None = None) -> dict[tuple[str, str], date]:
    """The latest attendance on or before ``today`` per (staff id, course id)."""
    rows = Attendance.objects.filter(attended_on__lte=today)
    if staff is not None:
        rows = rows.filter(staff=staff)
    latest = rows.values("staff_id", "course_id").annotate(last=Max("attended_on"))
    return {(str(r["staff_id"]), str(r["course_id"])): r["last"] for r in latest}


@dataclass(frozen=True, slots=True)
class GroupCoverage:
    label: str
    coverage: Coverage


@dataclass(frozen=True, slots=True)
class CourseCoverage:
    course: Course
    total: Coverage
    groups: list[GroupCoverage]
    overdue: int
    due_soon: int


@dataclass(frozen=True, slots=True)
class DueItem:
    staff: Staff
    course: Course
    result: PersonCourse


@dataclass(frozen=True, slots=True)
class TrainingOverview:
    courses: list[CourseCoverage]
    due: list[DueItem]


def training_overview(school: School, *, today: date, within_days: int) -> TrainingOverview:
    people = people_of(school)
    staff_by_id = {str(s.pk): s for s in active_staff()}
    latest = attended_dates(today)
    rows: list[CourseCoverage] = []
    due: list[DueItem] = []
    for course in courses(active_only=True):
        results = {
            pid: standing(
                [d] if (d := latest.get((pid, str(course.pk)))) else [],
                course.renew_every_months,
                today=today,
                within_days=within_days,
            )
            for pid, person in people.items()
            if course.audience.includes(person)
        }
        current = {
            pid: r.standing in (Standing.UP_TO_DATE, Standing.DUE_SOON)
            for pid, r in results.items()
        }
        total, groups = coverage(course.audience, list(people.values()), current)
        counts: dict[Standing, int] = defaultdict(int)
        for pid, result in results.items():
            counts[result.standing] += 1
            if result.standing in (Standing.OVERDUE, Standing.DUE_SOON):
                due.append(DueItem(staff_by_id[pid], course, result))
        rows.append(
            CourseCoverage(
                course,
                total,
                [GroupCoverage(group_label(g.kind, g.value), g) for g in groups],
                counts[Standing.OVERDUE],
                counts[Standing.DUE_SOON],
            )
        )
    due.sort(key=lambda item: (item.result.due or today, item.staff.last_name))
    return TrainingOverview(rows, due)


@dataclass(frozen=True, slots=True)
class PersonRow:
    course: Course
    result: PersonCourse
    expected: bool  # the course is meant for this person


def person_training(
    school: School, staff: Staff, *, today: date, within_days: int
) -> tuple[list[PersonRow], list[Attendance]]:
    """Every course that applies to one person or that they attended, and their history."""
    person = people_of(school).get(str(staff.pk)) or Person(
        str(staff.pk), staff.job_role, frozenset()
    )
    history = list(
        Attendance.objects.filter(staff=staff).select_related("course").order_by("-attended_on")
    )
    by_course: dict[uuid.UUID, list[date]] = defaultdict(list)
    for row in history:
        by_course[row.course_id].append(row.attended_on)
    rows = []
    for course in courses():
        expected = course.is_active and course.audience.includes(person)
        if not expected and course.pk not in by_course:
            continue
        result = standing(
            by_course[course.pk], course.renew_every_months, today=today, within_days=within_days
        )
        rows.append(PersonRow(course, result, expected))
    order = [Standing.OVERDUE, Standing.DUE_SOON, Standing.NOT_TRAINED, Standing.UP_TO_DATE]
    rows.sort(key=lambda r: (not r.expected, order.index(r.result.standing), r.course.name))
    return rows, history


def course_attendance(course: Course) -> QuerySet[Attendance]:
    return course.attendances.select_related("staff").order_by("-attended_on", "staff__last_name")


def access_course(course_id: uuid.UUID) -> Course:
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        raise Http404
    return course


def access_staff(staff_id: uuid.UUID) -> Staff:
    person = Staff.objects.filter(pk=staff_id).first()
    if person is None:
        raise Http404
    return person


def my_staff(request: SchoolRequest) -> Staff:
    """The signed-in person's own staff record, or 404 for an account without one."""
    if request.membership.staff_id is None:
        raise Http404
    return access_staff(request.membership.staff_id)


def access_attendance(attendance_id: uuid.UUID) -> Attendance:
    row = Attendance.objects.select_related("course", "staff").filter(pk=attendance_id).first()
    if row is None:
        raise Http404
    return row


# Supervision ---------------------------------------------------------------------------------


def can_read_supervision(membership: Membership, record: Supervision) -> bool:
    """Notes are for the two people in the room, the attachment lead and the head."""
    if membership.can(Permission.MANAGE_SUPERVISION):
        return True
    return membership.staff_id is not None and membership.staff_id in (
        record.supervisor_id,
        record.supervisee_id,
    )


def access_supervision(request: SchoolRequest, supervision_id: uuid.UUID) -> Supervision:
    """The record, or the same 404 whether it is missing or not the reader's to see."""
    record = (
        Supervision.objects.select_related("supervisor", "supervisee")
        .filter(pk=supervision_id)
        .first()
    )
    if record is None or not can_read_supervision(request.membership, record):
        raise Http404
    return record


def formal_every_weeks() -> int:
    found = SupervisionSettings.objects.values_list("formal_every_weeks", flat=True).first()
    return found or DEFAULT_FORMAL_EVERY_WEEKS


@dataclass(frozen=True, slots=True)
class KeyAdultSupervision:
    staff: Staff
    key_adult_since: date
    key_children: int
    last_formal: date | None
    last_other: date | None
    state: SupervisionState


def supervision_overview(*, today: date, every_weeks: int) -> list[KeyAdultSupervision]:
    """Each current key adult with their supervision, the overdue first."""
    holders = list(
        KeyAdultRelationship.objects.filter(ended_on__isnull=True)
        .values("key_adult_id")
        .annotate(since=Min("started_on"), children=Count("pk"))
    )
    since = {r["key_adult_id"]: r["since"] for r in holders}
    counts = {r["key_adult_id"]: r["children"] for r in holders}
    dates: dict[uuid.UUID, dict[str, Any]] = {
        r["supervisee_id"]: dict(r)
        for r in Supervision.objects.filter(supervisee_id__in=since.keys(), held_on__lte=today)
        .values("supervisee_id")
        .annotate(
            formal=Max("held_on", filter=Q(kind=SupervisionKind.FORMAL)),
            other=Max("held_on", filter=~Q(kind=SupervisionKind.FORMAL)),
        )
    }
    rows = []
    for person in Staff.objects.filter(pk__in=since.keys()):
        found = dates.get(person.pk, {})
        last_formal, last_other = found.get("formal"), found.get("other")
        state = supervision_state(
            key_adult_since=since[person.pk],
            last_formal=last_formal,
            last_other=last_other,
            every_weeks=every_weeks,
            today=today,
        )
        rows.append(
            KeyAdultSupervision(
                person, since[person.pk], counts[person.pk], last_formal, last_other, state
            )
        )
    order = list(SupervisionStatus)
    rows.sort(key=lambda r: (order.index(r.state.status), r.state.due_on, r.staff.last_name))
    return rows


def supervisions(*, staff: Staff | None = None, limit: int | None = None) -> list[Supervision]:
    found = Supervision.objects.select_related("supervisor", "supervisee").order_by(
        "-held_on", "-created_at"
    )
    if staff is not None:
        found = found.filter(Q(supervisee=staff) | Q(supervisor=staff))
    return list(found[:limit] if limit else found)
