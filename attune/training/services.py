"""Writes for training and supervision, each audited in the same transaction.

No child's record is touched here, so events carry no pupil; supervision notes are never
copied into the audit log (only who, when and what kind).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.record import Entry, record, record_many
from attune.auditlog.saving import save_recorded, update_recorded
from attune.errors import AttuneError
from attune.people.models import JobRole, School, Staff
from attune.training.domain.catalogue import SUGGESTED_COURSES, SuggestedCourse
from attune.training.models import (
    Attendance,
    Course,
    Supervision,
    SupervisionKind,
    SupervisionSettings,
    Theme,
)

MAX_RENEWAL_MONTHS = 120


class TrainingError(AttuneError):
    pass


class SupervisionError(AttuneError):
    pass


def suggested_course(school: School, suggested: SuggestedCourse) -> Course:
    """One of the suggested courses as the school's own (not saved yet)."""
    return Course(
        school=school,
        name=suggested.name,
        description=suggested.description,
        renew_every_months=suggested.renew_every_months,
        for_everyone=suggested.everyone,
        job_roles=list(suggested.job_roles),
        attune_roles=list(suggested.attune_roles),
    )


def courses_add_suggested(*, actor: User, school: School) -> list[Course]:
    """Add the suggested courses the school does not have yet (by name)."""
    with transaction.atomic():
        have = set(Course.objects.values_list("name", flat=True))
        added = [suggested_course(school, s) for s in SUGGESTED_COURSES if s.name not in have]
        for course in added:
            course.save(force_insert=True)
        record_many(
            actor=actor,
            school_id=school.pk,
            entries=[
                Entry(Action.COURSE_ADDED, c, changes={"name": c.name, "suggested": True})
                for c in added
            ],
        )
    return added


def _check_course(
    *,
    name: str,
    renew_every_months: int | None,
    for_everyone: bool,
    job_roles: Sequence[str],
    attune_roles: Sequence[str],
    course: Course | None,
) -> None:
    if not name.strip():
        raise TrainingError("Give the course a name.", "course.name_required", "name")
    taken = Course.objects.filter(name__iexact=name.strip())
    if course is not None:
        taken = taken.exclude(pk=course.pk)
    if taken.exists():
        raise TrainingError(
            "There is already a course with this name.", "course.name_taken", "name"
        )
    if renew_every_months is not None and not 1 <= renew_every_months <= MAX_RENEWAL_MONTHS:
        raise TrainingError(
            f"Renewal is between 1 and {MAX_RENEWAL_MONTHS} months; leave it empty for a "
            "course taken once.",
            "course.bad_renewal",
            "renew_every_months",
        )
    if set(job_roles) - set(JobRole.values) or set(attune_roles) - {r.value for r in Role}:
        raise TrainingError("Choose roles from the list.", "course.bad_role", "job_roles")
    if not (for_everyone or job_roles or attune_roles):
        raise TrainingError(
            "Say who the course is for: everyone, or at least one role.",
            "course.no_audience",
            "job_roles",
        )


def course_save(
    *,
    actor: User,
    school: School,
    course: Course | None,
    name: str,
    description: str,
    renew_every_months: int | None,
    for_everyone: bool,
    job_roles: Sequence[str],
    attune_roles: Sequence[str],
    is_active: bool = True,
) -> Course:
    """Add a course (``course`` is None) or change one; every change is audited."""
    _check_course(
        name=name,
        renew_every_months=renew_every_months,
        for_everyone=for_everyone,
        job_roles=job_roles,
        attune_roles=attune_roles,
        course=course,
    )
    values: dict[str, Any] = {
        "name": name.strip(),
        "description": description.strip(),
        "renew_every_months": renew_every_months,
        "for_everyone": for_everyone,
        "job_roles": sorted(set(job_roles)),
        "attune_roles": sorted(set(attune_roles)),
        "is_active": is_active,
    }
    if course is None:
        return save_recorded(
            Action.COURSE_ADDED, Course(school=school, **values), actor=actor, changes=values
        )
    return update_recorded(Action.COURSE_CHANGED, course, values, actor=actor)


def attendance_record(
    *,
    actor: User,
    school: School,
    course: Course,
    staff: Sequence[Staff],
    attended_on: date,
    provider: str,
    notes: str,
    today: date,
) -> list[Attendance]:
    """Record that each of ``staff`` attended ``course`` on one day (a session, or one person)."""
    if not staff:
        raise TrainingError("Choose at least one person.", "attendance.no_staff", "staff")
    if attended_on > today:
        raise TrainingError(
            "Record training once it has happened: the date is in the future.",
            "attendance.future",
            "attended_on",
        )
    if not course.is_active:
        raise TrainingError(
            "This course has been retired; bring it back first to record attendance.",
            "attendance.course_retired",
            "course",
        )
    if any(s.school_id != school.pk or not s.is_active for s in staff):
        raise TrainingError("Choose people who work here now.", "attendance.not_on_staff", "staff")
    with transaction.atomic():
        already = list(
            Attendance.objects.filter(
                course=course, attended_on=attended_on, staff__in=staff
            ).select_related("staff")
        )
        if already:
            names = ", ".join(sorted(a.staff.full_name for a in already))
            raise TrainingError(
                f"Already recorded for this course on that day: {names}.",
                "attendance.duplicate",
                "staff",
            )
        rows = Attendance.objects.bulk_create(
            Attendance(
                school=school,
                course=course,
                staff=person,
                attended_on=attended_on,
                provider=provider.strip(),
                notes=notes.strip(),
                recorded_by=actor,
            )
            for person in staff
        )
        record_many(
            actor=actor,
            school_id=school.pk,
            entries=[
                Entry(
                    Action.TRAINING_RECORDED,
                    row,
                    changes={
                        "course": course.name,
                        "staff": str(row.staff_id),
                        "attended_on": attended_on.isoformat(),
                    },
                )
                for row in rows
            ],
        )
    return rows


def attendance_remove(*, actor: User, school: School, attendance: Attendance) -> None:
    """Take away a record made by mistake; the audit log keeps what it said."""
    with transaction.atomic():
        record(
            Action.TRAINING_REMOVED,
            attendance,
            actor=actor,
            changes={
                "course": attendance.course.name,
                "staff": str(attendance.staff_id),
                "attended_on": attendance.attended_on.isoformat(),
            },
        )
        attendance.delete()


def supervision_record(
    *,
    actor: User,
    school: School,
    kind: str,
    held_on: date,
    supervisor: Staff,
    supervisee: Staff,
    themes: Sequence[str],
    other_themes: str,
    notes: str,
    agreed_support: str,
    follow_ups: str,
    follow_up_by: date | None,
    today: date,
) -> Supervision:
    """Record one supervision conversation with a key adult."""
    if kind not in SupervisionKind.values:
        raise SupervisionError("Choose formal, peer or informal.", "supervision.bad_kind", "kind")
    if supervisor.pk == supervisee.pk:
        raise SupervisionError(
            "Supervision is between two people: choose someone else as the supervisor.",
            "supervision.same_person",
            "supervisor",
        )
    if supervisor.school_id != school.pk or supervisee.school_id != school.pk:
        raise SupervisionError(
            "Both people must work here.", "supervision.not_on_staff", "supervisee"
        )
    if held_on > today:
        raise SupervisionError(
            "Record supervision once it has happened: the date is in the future.",
            "supervision.future",
            "held_on",
        )
    if set(themes) - set(Theme.values):
        raise SupervisionError("Choose themes from the list.", "supervision.bad_theme", "themes")
    if not themes and not other_themes.strip():
        raise SupervisionError(
            "Note at least one theme, from the list or in your own words.",
            "supervision.no_theme",
            "themes",
        )
    if follow_up_by is not None and follow_up_by < held_on:
        raise SupervisionError(
            "The follow-up date comes after the supervision.",
            "supervision.follow_up_before",
            "follow_up_by",
        )
    supervision = Supervision(
        school=school,
        kind=kind,
        held_on=held_on,
        supervisor=supervisor,
        supervisee=supervisee,
        themes=sorted(set(themes)),
        other_themes=other_themes.strip(),
        notes=notes.strip(),
        agreed_support=agreed_support.strip(),
        follow_ups=follow_ups.strip(),
        follow_up_by=follow_up_by,
        recorded_by=actor,
    )
    return save_recorded(
        Action.SUPERVISION_RECORDED,
        supervision,
        actor=actor,
        changes={
            "kind": kind,
            "held_on": held_on.isoformat(),
            "supervisor": str(supervisor.pk),
            "supervisee": str(supervisee.pk),
        },
    )


def supervision_viewed(*, actor: User, supervision: Supervision) -> None:
    """Reading supervision notes is recorded, as reading a child's record is. Supervision is
    about an adult, not a child, so the door that logs reads of children's records does not see
    it: this event is written here, once the reader has been let in."""
    record(Action.SUPERVISION_VIEWED, supervision, actor=actor)


def supervision_settings_save(
    *, actor: User, school: School, formal_every_weeks: int
) -> SupervisionSettings:
    if not 1 <= formal_every_weeks <= 52:
        raise SupervisionError(
            "Choose between 1 and 52 weeks.", "supervision.bad_interval", "formal_every_weeks"
        )
    with transaction.atomic():
        found, _ = SupervisionSettings.objects.select_for_update().get_or_create(school=school)
        before = found.formal_every_weeks
        found.formal_every_weeks = formal_every_weeks
        found.save(update_fields=["formal_every_weeks"])
        record(
            Action.SUPERVISION_SETTINGS_CHANGED,
            found,
            actor=actor,
            changes={"formal_every_weeks": [before, formal_every_weeks]},
        )
    return found
