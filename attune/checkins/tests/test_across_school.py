"""Check-ins across the school: warnings with reasons, completion, caseloads, plans to agree;
and the page where absences and closures are recorded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins import across_school
from attune.checkins.domain.warnings import WarningKind
from attune.checkins.models import Checkin, CheckinPlan, SchoolClosure, StaffAbsence
from attune.checkins.services import AbsenceError, staff_absence_record
from attune.checkins.tests.conftest import make_plan, make_relationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def across_school_url(world: SchoolWorld) -> str:
    return reverse("checkins:across_school", kwargs={"urn": world.school.urn})


def absences_url(world: SchoolWorld) -> str:
    return reverse("checkins:absences", kwargs={"urn": world.school.urn})


def school_days_before(day: date, count: int) -> list[date]:
    found: list[date] = []
    while len(found) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            found.append(day)
    return sorted(found)


def log(plan: CheckinPlan, day: date, outcome: str, slot: str = "start") -> None:
    relationship = plan.relationship
    with school_scope(plan.school_id):
        Checkin.objects.create(
            school_id=plan.school_id,
            relationship=relationship,
            pupil_id=relationship.pupil_id,
            on=day,
            slot=slot,
            outcome=outcome,
        )


def test_missed_check_ins_not_seen_and_no_cover_raise_warnings_with_reasons(
    world: SchoolWorld, plan: CheckinPlan, signed_in: SignedIn
) -> None:
    today = timezone.localdate()
    days = school_days_before(today, 6)
    log(plan, days[0], "happened")
    for day in days[1:4]:
        log(plan, day, "missed")
    log(plan, days[4], "declined")
    with school_scope(world.school):
        StaffAbsence.objects.create(school=world.school, staff=world.key_adult, on=today)
        StaffAbsence.objects.create(school=world.school, staff=world.other_adult, on=today)

    page = signed_in(world.lead).get(across_school_url(world))

    text = page.text
    assert page.status_code == 200
    assert "Warnings (3)" in text
    assert "The last 4 check-ins did not happen (1 of them because the child said no)." in text
    assert "None of the child&#x27;s adults has seen them for" in text
    assert "The key adult and their co-worker are both away today, so nobody is covering." in text


def test_completion_per_key_adult_and_child_and_relationships_without_a_plan(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    today = timezone.localdate()
    days = school_days_before(today, 2)
    relationship = make_relationship(world, started_on=days[0])
    plan = make_plan(relationship, starts_on=days[0], at_end_of_day=False)
    log(plan, days[0], "happened")
    log(plan, days[1], "declined")
    make_relationship(
        world, pupil=world.looked_after_child, key_adult=world.other_adult, co_worker=None
    )
    for _ in range(3):  # more children with plans must not add queries
        extra = make_relationship(world, pupil=testing.pupil(world.school))
        make_plan(extra)
    client = signed_in(world.lead)
    client.get(across_school_url(world))

    with django_assert_max_num_queries(16):
        page = client.get(across_school_url(world))

    rows = page.context["o"].children
    maya = next(r for r in rows if r.relationship.pupil_id == world.child.pk)
    assert (maya.completion.due, maya.completion.happened, maya.completion.percent) == (2, 1, 50)
    assert maya.last_seen == days[0]
    [priya] = page.context["o"].adults
    assert priya.children == 4
    [without] = page.context["o"].without_plan
    assert without.pupil_id == world.looked_after_child.pk
    assert "Key adult relationships without a plan (1)" in page.text
    assert "Leo Brennan" in page.text


@pytest.mark.parametrize("who", ["teacher", "office", "key_adult_user"])
def test_only_leads_see_check_ins_across_school_and_record_absences(
    world: SchoolWorld, signed_in: SignedIn, who: str
) -> None:
    client = signed_in(getattr(world, who))
    assert client.get(across_school_url(world)).status_code == 403
    assert client.get(absences_url(world)).status_code == 403


def test_another_school_gets_404(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(other_world.lead)
    assert client.get(across_school_url(world)).status_code == 404
    assert client.post(absences_url(world), {"form": "closure"}).status_code == 404


def test_the_lead_records_and_removes_an_absence_and_records_a_closure(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    today = timezone.localdate().isoformat()

    recorded = client.post(
        absences_url(world),
        {"form": "absence", "absence-staff": str(world.key_adult.pk), "absence-on": today},
    )
    duplicate = client.post(
        absences_url(world),
        {"form": "absence", "absence-staff": str(world.key_adult.pk), "absence-on": today},
    )
    closed = client.post(
        absences_url(world),
        {"form": "closure", "closure-on": today, "closure-reason": "Snow"},
    )

    assert recorded.status_code == 302
    assert "Priya Shah is already recorded as away that day." in duplicate.text
    assert closed.status_code == 302
    page = client.get(absences_url(world)).text
    assert "Priya Shah" in page and "Snow" in page
    with school_scope(world.school):
        absence = StaffAbsence.objects.get()
        assert SchoolClosure.objects.get().reason == "Snow"
    remove = reverse(
        "checkins:absence_remove", kwargs={"urn": world.school.urn, "absence_id": absence.pk}
    )
    assert client.post(remove).status_code == 302
    with school_scope(world.school):
        assert not StaffAbsence.objects.exists()
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        Action.STAFF_ABSENCE_RECORDED,
        Action.STAFF_ABSENCE_REMOVED,
        Action.CLOSURE_ADDED,
    } <= actions


def test_absences_in_the_past_and_closures_without_a_reason_are_refused(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    past = client.post(
        absences_url(world),
        {"form": "absence", "absence-staff": str(world.key_adult.pk), "absence-on": yesterday},
    )
    no_reason = client.post(
        absences_url(world), {"form": "closure", "closure-on": yesterday, "closure-reason": " "}
    )
    assert "Absences are recorded for today or a day ahead." in past.text
    assert "This field is required." in no_reason.text
    with school_scope(world.school):
        assert not StaffAbsence.objects.exists()
        assert not SchoolClosure.objects.exists()


def test_removing_another_schools_absence_is_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    with school_scope(other_world.school):
        absence = StaffAbsence.objects.create(
            school=other_world.school, staff=other_world.key_adult, on=timezone.localdate()
        )
    url = reverse(
        "checkins:absence_remove", kwargs={"urn": world.school.urn, "absence_id": absence.pk}
    )
    assert signed_in(world.lead).post(url).status_code == 404
    with school_scope(other_world.school):
        assert StaffAbsence.objects.exists()


@pytest.mark.parametrize("field", ["on", "staff"])
def test_one_absence_service_names_the_field_its_caller_shows_errors_beside(
    world: SchoolWorld, field: str
) -> None:
    today = timezone.localdate()
    with school_scope(world.school):
        absence = staff_absence_record(
            actor=world.lead, staff=world.key_adult, on=today, reason="Dentist", today=today
        )
        with pytest.raises(AbsenceError) as twice:
            staff_absence_record(
                actor=world.lead,
                staff=world.key_adult,
                on=today,
                reason="",
                today=today,
                field=field,
            )
        with pytest.raises(AbsenceError) as past:
            staff_absence_record(
                actor=world.lead,
                staff=world.key_adult,
                on=today - timedelta(days=1),
                reason="",
                today=today,
                field=field,
            )
        event = AuditEvent.objects.get(action=Action.STAFF_ABSENCE_RECORDED)

    assert (twice.value.code, twice.value.field) == ("absence.duplicate", field)
    assert (past.value.code, past.value.field) == ("absence.past", field)
    assert event.object_id == str(absence.pk)
    # Why someone is away can be about their health: the trail keeps a digest only.
    assert event.changes["staff"] == "Priya Shah" and "Dentist" not in str(event.changes)


def test_the_page_lists_each_key_adult_s_caseload_and_cover(
    world: SchoolWorld, plan: CheckinPlan, signed_in: SignedIn
) -> None:
    page = signed_in(world.lead).get(across_school_url(world)).text
    caseloads = page[page.index('id="caseload-heading"') :]
    row = caseloads[caseloads.index(world.key_adult.full_name) :].split("</tr>")[0]
    cover = caseloads[caseloads.index(world.other_adult.full_name) :].split("</tr>")[0]
    assert row.endswith("</td><td>1</td><td>0</td>")  # one key child, covering none
    assert cover.endswith("</td><td>0</td><td>1</td>")  # covering that child as co-worker


def test_children_not_seen_are_those_the_whole_picture_warns_of_in_its_order(
    world: SchoolWorld, plan: CheckinPlan
) -> None:
    """The lead's and head's homes ask only for these; they must be the page's own, child for
    child."""
    today = timezone.localdate()
    days = school_days_before(today, 8)
    leo = make_relationship(world, pupil=world.looked_after_child, reason="Leo chose her.")
    make_plan(leo)
    log(plan, days[0], "happened")  # Maya: seen long ago, so warned of
    for day in days[1:5]:
        log(plan, day, "missed")
    with school_scope(world.school):
        everything = across_school.checkins_across_school(today)
        wanted = [w for w in everything.warnings if w.warning.kind is WarningKind.NOT_SEEN]
        found = across_school.children_not_seen(today)
    assert [w.relationship.pupil_id for w in wanted] == [
        world.looked_after_child.pk,
        world.child.pk,
    ]
    assert found == wanted
    assert any(w.warning.kind is WarningKind.MISSED_IN_A_ROW for w in everything.warnings)


def test_each_child_s_row_shows_when_their_plan_is_reviewed(
    world: SchoolWorld, plan: CheckinPlan, signed_in: SignedIn
) -> None:
    page = signed_in(world.lead).get(across_school_url(world)).text
    children = page[page.index('<th scope="col">Review</th>') :]
    row = children[children.index(world.child.display_name) :].split("</tr>")[0]
    assert row.endswith(f"<td>{plan.review_on:%-d %b %Y}</td>")
