"""The training and supervision services: every error code, and what a write records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from attune import testing
from attune.auditlog.models import AuditEvent
from attune.errors import AttuneError
from attune.testing import SchoolWorld
from attune.training.models import Attendance
from attune.training.services import (
    attendance_record,
    course_save,
    courses_add_suggested,
    supervision_record,
    supervision_settings_save,
)
from attune.training.tests.helpers import attended, make_course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_school")]

TODAY = date(2026, 11, 23)


def save_course(world: SchoolWorld, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": world.lead,
        "school": world.school,
        "course": None,
        "name": "Sensory regulation",
        "description": "",
        "renew_every_months": 24,
        "for_everyone": False,
        "job_roles": ["teacher"],
        "attune_roles": [],
    } | overrides
    return course_save(**values)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"name": "  "}, "course.name_required"),
        ({"name": "emotion coaching"}, "course.name_taken"),
        ({"renew_every_months": 0}, "course.bad_renewal"),
        ({"renew_every_months": 121}, "course.bad_renewal"),
        ({"job_roles": ["astronaut"]}, "course.bad_role"),
        ({"attune_roles": ["pirate"]}, "course.bad_role"),
        ({"job_roles": [], "attune_roles": []}, "course.no_audience"),
    ],
)
def test_course_errors(world: SchoolWorld, overrides: dict[str, Any], code: str) -> None:
    make_course(world)
    with pytest.raises(AttuneError) as raised:
        save_course(world, **overrides)
    assert raised.value.code == code


def test_renaming_a_course_to_its_own_name_is_fine(world: SchoolWorld) -> None:
    course = make_course(world)
    saved = save_course(world, course=course, name="Emotion Coaching")
    assert saved.name == "Emotion Coaching"


def test_the_suggested_courses_are_added_once(world: SchoolWorld) -> None:
    assert len(courses_add_suggested(actor=world.lead, school=world.school)) == 7
    assert courses_add_suggested(actor=world.lead, school=world.school) == []


def record(world: SchoolWorld, **overrides: Any) -> list[Attendance]:
    if "course" not in overrides:
        overrides["course"] = make_course(world)
    values: dict[str, Any] = {
        "actor": world.lead,
        "school": world.school,
        "staff": [world.key_adult],
        "attended_on": TODAY,
        "provider": "",
        "notes": "",
        "today": TODAY,
    } | overrides
    return attendance_record(**values)


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("nobody", "attendance.no_staff"),
        ("future", "attendance.future"),
        ("retired", "attendance.course_retired"),
        ("left", "attendance.not_on_staff"),
        ("other_school", "attendance.not_on_staff"),
        ("duplicate", "attendance.duplicate"),
    ],
)
def test_attendance_errors(
    world: SchoolWorld, other_world: SchoolWorld, case: str, code: str
) -> None:
    course = make_course(world, is_active=case != "retired")
    overrides: dict[str, Any] = {"course": course}
    if case == "nobody":
        overrides["staff"] = []
    elif case == "future":
        overrides["attended_on"] = TODAY + timedelta(days=1)
    elif case == "left":
        world.other_adult.is_active = False
        overrides["staff"] = [world.other_adult]
    elif case == "other_school":
        overrides["staff"] = [other_world.key_adult]
    elif case == "duplicate":
        attended(world, course, world.key_adult, TODAY)
    with pytest.raises(AttuneError) as raised:
        record(world, **overrides)
    assert raised.value.code == code
    assert Attendance.objects.count() == (1 if case == "duplicate" else 0)


def supervise(world: SchoolWorld, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": world.lead,
        "school": world.school,
        "kind": "formal",
        "held_on": TODAY,
        "supervisor": world.other_adult,
        "supervisee": world.key_adult,
        "themes": ["wellbeing"],
        "other_themes": "",
        "notes": "Private words.",
        "agreed_support": "",
        "follow_ups": "",
        "follow_up_by": None,
        "today": TODAY,
    } | overrides
    return supervision_record(**values)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"kind": "gossip"}, "supervision.bad_kind"),
        ({"supervisor": "key_adult"}, "supervision.same_person"),
        ({"supervisee": "other_school"}, "supervision.not_on_staff"),
        ({"held_on": TODAY + timedelta(days=1)}, "supervision.future"),
        ({"themes": ["astrology"]}, "supervision.bad_theme"),
        ({"themes": [], "other_themes": " "}, "supervision.no_theme"),
        ({"follow_up_by": TODAY - timedelta(days=1)}, "supervision.follow_up_before"),
    ],
)
def test_supervision_errors(
    world: SchoolWorld, other_world: SchoolWorld, overrides: dict[str, Any], code: str
) -> None:
    people = {"key_adult": world.key_adult, "other_school": other_world.key_adult}
    resolved = {k: people.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    with pytest.raises(AttuneError) as raised:
        supervise(world, **resolved)
    assert raised.value.code == code


def test_own_words_alone_are_a_theme(world: SchoolWorld) -> None:
    saved = supervise(world, themes=[], other_themes="Going part time")
    assert saved.theme_labels == ["Going part time"]


@pytest.mark.parametrize("weeks", [0, 53])
def test_the_interval_must_be_sensible(world: SchoolWorld, weeks: int) -> None:
    with pytest.raises(AttuneError) as raised:
        supervision_settings_save(actor=world.lead, school=world.school, formal_every_weeks=weeks)
    assert raised.value.code == "supervision.bad_interval"
    assert not AuditEvent.objects.filter(action__startswith="training.").exists()


def test_a_staff_member_from_the_builder_can_be_recorded(world: SchoolWorld) -> None:
    person = testing.staff(world.school)
    rows = record(world, staff=[person, world.key_adult], provider="  LA  ")
    assert [r.provider for r in rows] == ["LA", "LA"]
