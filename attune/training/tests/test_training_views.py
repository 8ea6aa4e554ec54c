"""Staff training over HTTP: the catalogue, recording sessions, coverage, what is due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import JobRole
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn
from attune.training.models import Attendance, Course
from attune.training.tests.helpers import attended, days_ago, make_course, make_key_adult, url

pytestmark = pytest.mark.django_db


def courses(world: SchoolWorld) -> list[Course]:
    with school_scope(world.school):
        return list(Course.objects.order_by("name"))


def attendance(world: SchoolWorld) -> list[Attendance]:
    with school_scope(world.school):
        return list(Attendance.objects.select_related("staff", "course"))


def course_form(**overrides: object) -> dict[str, object]:
    return {
        "name": "Sensory regulation",
        "description": "Our own course with the OT.",
        "renew_every_months": "24",
        "attune_roles": ["key_adult"],
        "job_roles": ["teaching_assistant", "elsa"],
        "is_active": "on",
    } | overrides


def test_the_lead_starts_the_catalogue_with_the_suggested_courses(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    page = client.get(url(world, "courses"))
    assert page.status_code == 200
    assert "Add the suggested courses" in page.text

    response = client.post(url(world, "courses_suggested"))

    assert response.status_code == 302
    names = [c.name for c in courses(world)]
    assert len(names) == 7
    assert "Safeguarding" in names
    assert AuditEvent.objects.filter(action=Action.COURSE_ADDED).count() == 7
    client.post(url(world, "courses_suggested"))
    assert len(courses(world)) == 7  # nothing added twice
    listed = client.get(url(world, "courses")).text
    assert "Every year" in listed and "All staff" in listed
    assert "Add the suggested courses" not in listed


def test_the_lead_adds_a_course_of_their_own(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.lead).post(url(world, "courses"), course_form())

    assert response.status_code == 302
    [course] = courses(world)
    assert course.renew_every_months == 24
    assert course.job_roles == ["elsa", "teaching_assistant"]
    event = AuditEvent.objects.get(action=Action.COURSE_ADDED)
    assert event.changes["name"] == "Sensory regulation"
    assert event.actor == world.lead


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"name": "emotion COACHING"}, "There is already a course", id="name taken"),
        pytest.param(
            {"attune_roles": [], "job_roles": []}, "Say who the course is for", id="no audience"
        ),
        pytest.param({"renew_every_months": "0"}, "Renewal is between 1 and", id="bad renewal"),
        pytest.param({"name": ""}, "This field is required.", id="no name"),
        pytest.param({"job_roles": ["astronaut"]}, "Select a valid choice", id="bad role"),
    ],
)
def test_course_errors_show_beside_the_field(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, object], message: str
) -> None:
    make_course(world)
    response = signed_in(world.lead).post(url(world, "courses"), course_form(**overrides))

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert 'class="error" id="id_' in response.text
    assert len(courses(world)) == 1


def test_the_lead_changes_and_retires_a_course(world: SchoolWorld, signed_in: SignedIn) -> None:
    course = make_course(world)
    client = signed_in(world.lead)
    page = client.get(url(world, "course", course_id=course.pk))
    assert page.status_code == 200
    assert 'value="Emotion coaching"' in page.text

    response = client.post(
        url(world, "course", course_id=course.pk),
        course_form(name="Emotion coaching", renew_every_months="", is_active=""),
    )

    assert response.status_code == 302
    [saved] = courses(world)
    assert saved.renew_every_months is None
    assert saved.is_active is False
    event = AuditEvent.objects.get(action=Action.COURSE_CHANGED)
    assert event.changes["renew_every_months"] == [36, None]
    assert event.changes["is_active"] == [True, False]


def test_a_session_is_recorded_for_several_people_at_once(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    course = make_course(world)
    client = signed_in(world.lead)
    page = client.get(url(world, "record") + f"?course={course.pk}")
    assert page.status_code == 200
    assert "Priya Shah (Teaching assistant)" in page.text

    response = client.post(
        url(world, "record"),
        {
            "course": str(course.pk),
            "attended_on": timezone.localdate().isoformat(),
            "provider": "Educational psychology service",
            "notes": "Twilight session",
            "staff": [str(world.key_adult.pk), str(world.other_adult.pk)],
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url(world, "course", course_id=course.pk)
    rows = attendance(world)
    assert {r.staff.full_name for r in rows} == {"Priya Shah", "Tom Okafor"}
    assert {r.recorded_by for r in rows} == {world.lead}
    assert AuditEvent.objects.filter(action=Action.TRAINING_RECORDED).count() == 2
    shown = client.get(response["Location"]).text
    assert "Recorded Emotion coaching for 2 people." in shown
    assert "Twilight session" in shown


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("future", "the date is in the future"),
        ("duplicate", "Already recorded for this course on that day: Priya Shah."),
        ("nobody", "This field is required."),
        ("retired", "Select a valid choice"),
    ],
)
def test_recording_errors(world: SchoolWorld, signed_in: SignedIn, case: str, message: str) -> None:
    today = timezone.localdate()
    course = make_course(world, is_active=case != "retired")
    if case == "duplicate":
        attended(world, course, world.key_adult, today)
    data = {
        "course": str(course.pk),
        "attended_on": (today + timedelta(days=1 if case == "future" else 0)).isoformat(),
        "staff": [] if case == "nobody" else [str(world.key_adult.pk)],
    }

    response = signed_in(world.lead).post(url(world, "record"), data)

    assert response.status_code == 400
    assert message in response.text
    assert len(attendance(world)) == (1 if case == "duplicate" else 0)


def test_the_overview_shows_coverage_per_group_and_what_is_overdue(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    make_key_adult(world, world.key_adult)
    coaching = make_course(world)
    safeguarding = make_course(
        world, "Safeguarding", renew_every_months=12, for_everyone=True, attune_roles=[]
    )
    attended(world, coaching, world.key_adult, days_ago(30))
    attended(world, safeguarding, world.other_adult, days_ago(400))  # a year and a month
    attended(world, safeguarding, world.key_adult, days_ago(330))  # due in about 35 days

    page = signed_in(world.lead).get(url(world, "overview"))

    assert page.status_code == 200
    text = page.text
    # Priya holds key children, so she is a key adult; nobody is a teacher yet.
    assert f'data-testid="coverage-{coaching.pk}">1 of 1 (100%)' in text
    assert "Key adults: 1 of 1" in text
    assert "Teacher: 0 of 0" not in text  # groups with nobody in them are left out
    assert f'data-testid="coverage-{safeguarding.pk}">1 of 2 (50%)' in text
    assert "Overdue or due in the next 60 days (2)" in text
    assert text.index("Tom Okafor") < text.index("Priya Shah")  # the overdue first
    shorter = signed_in(world.lead).get(url(world, "overview") + "?days=10").text
    assert "Overdue or due in the next 10 days (1)" in shorter


def test_the_overview_query_count_does_not_grow_with_the_school(
    world: SchoolWorld,
    signed_in: SignedIn,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(world.lead)
    client.post(url(world, "courses_suggested"))
    catalogue = courses(world)
    for n in range(15):
        person = testing.staff(world.school, job_role=JobRole.TEACHER)
        for course in catalogue[: n % 7]:
            attended(world, course, person, days_ago(50 * n))
    with django_assert_max_num_queries(10):
        page = client.get(url(world, "overview"))
    assert page.status_code == 200
    assert "Overdue" in page.text


def test_a_persons_record_with_their_history_and_a_mistake_removed(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    make_key_adult(world, world.key_adult)
    coaching = make_course(world)
    make_course(world, "VIG", renew_every_months=None, attune_roles=[], job_roles=["elsa"])
    row = attended(world, coaching, world.key_adult, days_ago(20))
    client = signed_in(world.lead)

    page = client.get(url(world, "person", staff_id=world.key_adult.pk))

    assert page.status_code == 200
    assert "Training: Priya Shah" in page.text
    assert "Emotion coaching" in page.text
    assert "VIG" not in page.text  # not meant for a teaching assistant, never attended
    confirm = client.get(url(world, "attendance_remove", attendance_id=row.pk))
    assert confirm.status_code == 200
    removed = client.post(url(world, "attendance_remove", attendance_id=row.pk))
    assert removed.status_code == 302
    assert attendance(world) == []
    event = AuditEvent.objects.get(action=Action.TRAINING_REMOVED)
    assert event.changes["course"] == "Emotion coaching"


def test_a_key_adult_sees_their_own_training_and_nobody_elses(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    make_key_adult(world, world.key_adult)
    coaching = make_course(world)
    attended(world, coaching, world.key_adult, days_ago(1200))
    client = signed_in(world.key_adult_user)

    page = client.get(url(world, "mine"))

    assert page.status_code == 200
    assert "My training" in page.text
    assert "Overdue" in page.text
    assert "Remove" not in page.text
    assert client.get(url(world, "person", staff_id=world.other_adult.pk)).status_code == 403
    assert client.get(url(world, "overview")).status_code == 403


def test_a_teacher_with_a_staff_record_sees_their_own_training(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    person = testing.staff(world.school, first_name="Ada", last_name="Teach", job_role="teacher")
    make_course(world)
    teacher = testing.user(world.school, Role.TEACHER, person=person)
    page = signed_in(teacher).get(url(world, "mine"))
    assert page.status_code == 200
    assert "Not yet trained" in page.text


def test_an_account_without_a_staff_record_has_no_own_training_page(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(world.teacher).get(url(world, "mine")).status_code == 404


@pytest.mark.parametrize("name", ["overview", "courses", "record"])
@pytest.mark.parametrize("role", ["teacher", "office", "key_adult_user"])
def test_roles_without_the_permission_are_refused(
    world: SchoolWorld, signed_in: SignedIn, name: str, role: str
) -> None:
    client = signed_in(getattr(world, role))
    assert client.get(url(world, name)).status_code == 403
    assert client.post(url(world, name), course_form()).status_code == 403
    assert courses(world) == []


def test_another_schools_course_staff_and_records_are_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    course = make_course(other_world)
    row = attended(other_world, course, other_world.key_adult, timezone.localdate())
    client = signed_in(world.lead)
    for target in (
        url(world, "course", course_id=course.pk),
        url(world, "person", staff_id=other_world.key_adult.pk),
        url(world, "attendance_remove", attendance_id=row.pk),
        url(other_world, "course", course_id=course.pk),
        url(other_world, "overview"),
    ):
        assert client.get(target).status_code == 404, target
        assert client.post(target, course_form(name="Hijacked")).status_code == 404, target
    assert [c.name for c in courses(other_world)] == ["Emotion coaching"]
    assert len(attendance(other_world)) == 1
    # Recording in school A with school B's people is refused as an invalid choice.
    mine = make_course(world, "Ours")
    response = client.post(
        url(world, "record"),
        {
            "course": str(mine.pk),
            "attended_on": timezone.localdate().isoformat(),
            "staff": [str(other_world.key_adult.pk)],
        },
    )
    assert response.status_code == 400
    assert attendance(world) == []
