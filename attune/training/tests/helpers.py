"""Builders shared by the training and supervision tests (not a conftest, so the pure domain
tests still run without Django)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from attune.people.models import Staff
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld
from attune.training.models import Attendance, Course

url = SchoolUrls("training")


def make_course(world: SchoolWorld, name: str = "Emotion coaching", **fields: Any) -> Course:
    values: dict[str, Any] = {
        "renew_every_months": 36,
        "attune_roles": ["key_adult"],
        "job_roles": ["teacher"],
    } | fields
    with school_scope(world.school):
        return Course.objects.create(school=world.school, name=name, **values)


def attended(world: SchoolWorld, course: Course, person: Staff, on: date) -> Attendance:
    with school_scope(world.school):
        return Attendance.objects.create(
            school=world.school, course=course, staff=person, attended_on=on
        )


def make_key_adult(world: SchoolWorld, person: Staff, *, weeks_ago: int = 10) -> None:
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=person,
            started_on=timezone.localdate() - timedelta(weeks=weeks_ago),
            reason="In school every day.",
        )


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
