"""A child's attendance page: who may open it, what it shows, and that opening it is logged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from attune.attendance.models import LessonMark, MarkChange, SessionMark
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import Pupil
from attune.relationships.services import key_adult_assign
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def url(world: SchoolWorld, child: Pupil | None = None) -> str:
    kwargs = {"urn": world.school.urn, "pupil_id": (child or world.child).pk}
    return reverse("attendance:pupil", kwargs=kwargs)


def school_days(count: int) -> list[date]:
    """The last ``count`` weekdays up to today, oldest first."""
    days: list[date] = []
    day = timezone.localdate()
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


@pytest.fixture
def register(world: SchoolWorld) -> SchoolWorld:
    """Maya: 10 days; the last 3 missed (N), so 6 of 20 sessions: persistent absence."""
    days = school_days(10)
    with school_scope(world.school):
        SessionMark.objects.bulk_create(
            SessionMark(
                school=world.school,
                pupil=world.child,
                date=day,
                session=session,
                code="N" if n >= 7 else ("/" if session == "AM" else "\\"),
                original_code="N" if n >= 7 else ("/" if session == "AM" else "\\"),
            )
            for n, day in enumerate(days)
            for session in ("AM", "PM")
        )
        MarkChange.objects.create(
            school=world.school,
            pupil=world.child,
            date=days[-1],
            session="AM",
            old_code="/",
            old_original_code="/",
            new_code="N",
            new_original_code="N",
            changed_at=timezone.now(),
        )
        LessonMark.objects.create(
            school=world.school,
            pupil=world.child,
            date=days[-1],
            period=1,
            subject="Maths",
            code="N",
            original_code="N",
        )
    return world


def test_the_lead_sees_totals_register_and_warnings(
    register: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(register.lead).get(url(register))

    assert page.status_code == 200
    assert "Maya Fletcher: attendance" in page.text
    assert '<span class="stat-number" data-testid="attendance-pct">70.0%</span>' in page.text
    assert "Persistently absent" in page.text
    assert "Missed 6 of 20 sessions this school year (30.0%), which is persistent absence" in (
        page.text
    )
    assert "Absent, reason not yet known" in page.text  # the key explains the marks used
    assert "Maths" in page.text
    assert "Marks changed" in page.text


def test_opening_the_page_is_logged(register: SchoolWorld, signed_in: SignedIn) -> None:
    signed_in(register.lead).get(url(register))

    event = AuditEvent.objects.get(action=Action.RECORD_VIEWED)
    assert (event.pupil_id, event.actor_id) == (register.child.pk, register.lead.pk)
    assert event.changes["page"] == url(register)


def test_a_child_with_no_marks_has_no_rate(world: SchoolWorld, signed_in: SignedIn) -> None:
    page = signed_in(world.lead).get(url(world))

    assert page.status_code == 200
    assert "there is no attendance figure" in page.text
    assert "No marks recorded yet this school year." in page.text


def test_the_key_adult_sees_their_own_key_child_only(
    register: SchoolWorld, signed_in: SignedIn
) -> None:
    with school_scope(register.school):
        key_adult_assign(
            actor=register.lead,
            pupil=register.child,
            key_adult=register.key_adult,
            co_worker=None,
            started_on=timezone.localdate(),
            reason="Maya chose her",
            chosen_by_child=True,
            child_words="",
            today=timezone.localdate(),
            confirmed=True,
        )
    client = signed_in(register.key_adult_user)

    assert client.get(url(register)).status_code == 200
    assert client.get(url(register, register.looked_after_child)).status_code == 404


def test_a_teacher_without_the_sensitive_record_gets_not_found(
    register: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(register.teacher).get(url(register)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.RECORD_VIEWED).exists()


def test_the_office_opens_any_child_s_marks_without_what_lies_behind_them(
    register: SchoolWorld, signed_in: SignedIn
) -> None:
    response = signed_in(register.office).get(url(register))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Totals" in page
    assert "What lies behind the absence" not in page
    assert AuditEvent.objects.filter(action=Action.RECORD_VIEWED).count() == 1


def test_another_school_gets_not_found(
    register: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(other_world.lead)

    assert client.get(url(register)).status_code == 404
    other_urn = reverse(
        "attendance:pupil", kwargs={"urn": other_world.school.urn, "pupil_id": register.child.pk}
    )
    assert client.get(other_urn).status_code == 404


def test_a_missing_child_gets_the_same_not_found(world: SchoolWorld, signed_in: SignedIn) -> None:
    missing = reverse(
        "attendance:pupil",
        kwargs={"urn": world.school.urn, "pupil_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert signed_in(world.lead).get(missing).status_code == 404


def test_the_pupil_page_links_here_for_those_who_may_see_it(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    pupil_page = reverse("children:pupil", kwargs={"urn": "100001", "pupil_id": world.child.pk})

    assert url(world) in signed_in(world.lead).get(pupil_page).text
    assert url(world) not in signed_in(world.teacher).get(pupil_page).text


def test_the_page_takes_a_fixed_number_of_queries(
    register: SchoolWorld,
    signed_in: SignedIn,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(register.lead)
    client.get(url(register))

    # 14, plus the term dates, the attendance concerns with their factors, the years kept
    # from before the child joined, and the read logged once the page is served.
    with django_assert_max_num_queries(19):
        assert client.get(url(register)).status_code == 200
