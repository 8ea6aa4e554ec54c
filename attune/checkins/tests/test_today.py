"""The key adult's Today page and logging a check-in from it, with and without script."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.models import Checkin, CheckinPlan, SchoolClosure, StaffAbsence
from attune.checkins.tests.conftest import make_plan, make_relationship
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def today_url(world: SchoolWorld, day: date | None = None) -> str:
    url = reverse("checkins:today", kwargs={"urn": world.school.urn})
    return f"{url}?day={day.isoformat()}" if day else url


def log_url(world: SchoolWorld, relationship: KeyAdultRelationship) -> str:
    kwargs = {"urn": world.school.urn, "relationship_id": relationship.pk}
    return reverse("checkins:log", kwargs=kwargs)


def log_data(day: date, **overrides: str) -> dict[str, str]:
    return {
        "on": day.isoformat(),
        "slot": "start",
        "outcome": "happened",
        "mood": "4",
        "note": "Told me about his new puppy.",
        "needed_to_decompress": "on",
    } | overrides


def checkins(world: SchoolWorld) -> list[Checkin]:
    with school_scope(world.school):
        return list(Checkin.objects.select_related("done_by").order_by("on", "slot"))


def co_worker_user(world: SchoolWorld) -> User:
    return testing.user(world.school, Role.KEY_ADULT, person=world.other_adult)


def away(world: SchoolWorld, day: date, who: Any = None) -> None:
    with school_scope(world.school):
        StaffAbsence.objects.create(school=world.school, staff=who or world.key_adult, on=day)


def test_the_key_adult_sees_each_check_in_due_and_children_without_a_plan(
    world: SchoolWorld,
    plan: CheckinPlan,
    school_day: date,
    signed_in: SignedIn,
    django_assert_max_num_queries: Any,
) -> None:
    make_relationship(world, pupil=world.looked_after_child, co_worker=None)
    client = signed_in(world.key_adult_user)
    client.get(today_url(world, school_day))  # warm the session

    # Arrival from the register, noticing and keeping in touch each read once for the page;
    # one more looks for the day's kept early warnings; then one batch logs the read of each
    # child listed (7 queries, however many children).
    with django_assert_max_num_queries(25) as small:
        page = client.get(today_url(world, school_day))
    for _ in range(3):
        make_plan(make_relationship(world, pupil=testing.pupil(world.school), co_worker=None))
    with django_assert_max_num_queries(25) as large:
        client.get(today_url(world, school_day))
    assert len(large) == len(small)

    assert page.status_code == 200
    text = page.text
    assert "Maya Fletcher" in text
    assert text.count('name="slot" value="start"') == 1
    assert text.count('name="slot" value="end"') == 1
    assert "10 min in the library corner" in text
    assert "No check-in plan agreed yet." in text  # Leo
    assert 'hx-post="' + log_url(world, plan.relationship) in text


def test_a_tap_logs_the_check_in_and_the_row_comes_back_in_place(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)

    response = client.post(log_url(world, plan.relationship), log_data(school_day), headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith(
        f'<li class="checkin-child" id="child-{plan.relationship.pk}"'
    )
    # Today's counters come back beside the row, swapped in place out of band.
    assert 'id="today-counts" role="status" hx-swap-oob="true"' in response.text
    assert "<strong>1</strong> logged" in response.text
    assert "Happened · seemed settled · needed time to decompress · by Priya Shah" in response.text
    [checkin] = checkins(world)
    assert (checkin.on, checkin.slot, checkin.outcome, checkin.mood) == (
        school_day,
        "start",
        "happened",
        4,
    )
    assert checkin.needed_to_decompress is True
    assert checkin.note == "Told me about his new puppy."
    assert "Told me about his new puppy." in response.text
    assert checkin.done_by_id == world.key_adult.pk
    assert checkin.recorded_by == world.key_adult_user
    with school_scope(world.school):
        event = AuditEvent.objects.get(action=Action.CHECKIN_LOGGED)
    assert (event.pupil_id, event.changes["outcome"]) == (world.child.pk, "happened")


def test_without_script_the_form_posts_and_returns_to_today(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)

    response = client.post(log_url(world, plan.relationship), log_data(school_day, slot="end"))

    assert response.status_code == 302
    assert response["Location"].endswith(
        f"?day={school_day.isoformat()}#child-{plan.relationship.pk}"
    )
    assert "Logged Maya&#x27;s check-in." in client.get(response["Location"]).text
    assert [c.slot for c in checkins(world)] == ["end"]


def test_logging_again_corrects_the_same_check_in(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    client.post(log_url(world, plan.relationship), log_data(school_day), headers=HTMX)

    client.post(
        log_url(world, plan.relationship),
        log_data(school_day, outcome="declined", mood="", note=""),
        headers=HTMX,
    )

    [checkin] = checkins(world)
    assert (checkin.outcome, checkin.mood, checkin.note) == ("declined", None, "")
    with school_scope(world.school):
        assert AuditEvent.objects.filter(action=Action.CHECKIN_CORRECTED).count() == 1


def test_when_the_key_adult_is_away_the_co_worker_covers_and_the_record_shows_it(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    away(world, school_day)
    client = signed_in(co_worker_user(world))

    page = client.get(today_url(world, school_day))
    assert "Covering for Priya Shah" in page.text
    response = client.post(log_url(world, plan.relationship), log_data(school_day), headers=HTMX)

    assert "Covered by co-worker" in response.text
    [checkin] = checkins(world)
    assert (checkin.outcome, checkin.done_by_id) == ("covered", world.other_adult.pk)
    # The co-worker's list is empty again on a day the key adult is in.
    other_day = school_day - timedelta(days=7)
    assert "Maya Fletcher" not in client.get(today_url(world, other_day)).text
    # The key adult sees on their own page that Maya is covered.
    mine = signed_in(world.key_adult_user).get(today_url(world, school_day)).text
    assert "You are recorded as away on this day." in mine
    assert "Covered by Tom Okafor" in mine


def test_a_check_in_for_a_child_who_is_not_yours_is_not_found(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    stranger = testing.staff(world.school, first_name="Sam", last_name="Reed")
    for user in (
        testing.user(world.school, Role.KEY_ADULT, person=stranger),
        world.lead,  # leads oversee check-ins, they do not log other adults' ones
        world.teacher,
    ):
        client = signed_in(user)
        response = client.post(log_url(world, plan.relationship), log_data(school_day))
        assert response.status_code == 404
        assert "Maya" not in client.get(today_url(world, school_day)).text
    assert checkins(world) == []


def test_another_school_gets_404(
    world: SchoolWorld,
    other_world: SchoolWorld,
    plan: CheckinPlan,
    school_day: date,
    signed_in: SignedIn,
) -> None:
    client = signed_in(other_world.key_adult_user)
    assert client.post(log_url(world, plan.relationship), log_data(school_day)).status_code == 404
    other = reverse(
        "checkins:log",
        kwargs={"urn": other_world.school.urn, "relationship_id": plan.relationship.pk},
    )
    assert client.post(other, log_data(school_day)).status_code == 404
    assert checkins(world) == []


def test_a_future_day_is_refused_with_a_clear_message(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    future = school_day + timedelta(days=7)
    message = "A check-in cannot be logged for a day that has not happened yet."

    htmx = client.post(log_url(world, plan.relationship), log_data(future), headers=HTMX)
    plain = client.post(log_url(world, plan.relationship), log_data(future))

    assert htmx.status_code == 200
    assert message in htmx.text
    assert plain.status_code == 200
    assert message in plain.text
    assert 'value="Told me about his new puppy."' in plain.text  # nothing typed is lost
    assert checkins(world) == []
    shown = client.get(today_url(world, future))
    assert "Check-ins can only be shown and logged up to today." in shown.text


def test_no_check_ins_on_a_closure_day_or_a_weekend(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    with school_scope(world.school):
        SchoolClosure.objects.create(school=world.school, on=school_day, reason="Training day")
    client = signed_in(world.key_adult_user)

    closed = client.get(today_url(world, school_day)).text
    refused = client.post(log_url(world, plan.relationship), log_data(school_day))

    assert "School is closed on this day (Training day)" in closed
    assert 'name="slot"' not in closed
    assert "No check-in was planned for that time on that day." in refused.text
    saturday = school_day - timedelta(days=school_day.weekday() + 2)
    assert "It is the weekend." in client.get(today_url(world, saturday)).text
    assert checkins(world) == []


def test_an_unknown_slot_or_outcome_is_refused(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    bad_slot = client.post(log_url(world, plan.relationship), log_data(school_day, slot="12:30"))
    bad_outcome = client.post(
        log_url(world, plan.relationship), log_data(school_day, outcome="maybe")
    )
    assert "No check-in was planned for that time on that day." in bad_slot.text
    assert "Select a valid choice." in bad_outcome.text
    assert checkins(world) == []


def test_the_fallback_form_can_be_opened_directly(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    page = client.get(log_url(world, plan.relationship) + f"?on={school_day}&slot=start")
    assert page.status_code == 200
    assert "Log a check-in with Maya Fletcher" in page.text
    assert f'value="{school_day.isoformat()}"' in page.text


def test_a_sign_in_without_a_staff_record_is_told_why_the_list_is_empty(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(world.teacher).get(today_url(world))
    assert "not linked to a staff record" in page.text


def test_roles_without_check_ins_are_refused(world: SchoolWorld, signed_in: SignedIn) -> None:
    for role in (Role.VIRTUAL_SCHOOL, Role.ADMINISTRATOR):
        assert signed_in(testing.user(world.school, role)).get(today_url(world)).status_code == 403


def test_a_plan_that_has_ended_has_nothing_due(
    world: SchoolWorld, relationship: KeyAdultRelationship, school_day: date, signed_in: SignedIn
) -> None:
    make_plan(
        relationship,
        starts_on=school_day - timedelta(days=30),
        ends_on=school_day - timedelta(days=1),
        review_on=school_day - timedelta(days=5),
    )
    page = signed_in(world.key_adult_user).get(today_url(world, school_day))
    assert "The check-in plan has ended." in page.text


def test_today_logs_a_read_of_each_child_it_lists_and_a_refusal_logs_none(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    make_relationship(world, pupil=world.looked_after_child, co_worker=None)
    assert signed_in(world.teacher).get(log_url(world, plan.relationship)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.RECORD_VIEWED).exists()

    assert signed_in(world.key_adult_user).get(today_url(world, school_day)).status_code == 200

    reads = AuditEvent.objects.filter(action=Action.RECORD_VIEWED)
    assert {e.pupil_id for e in reads} == {world.child.pk, world.looked_after_child.pk}
    assert {e.actor_id for e in reads} == {world.key_adult_user.pk}


def test_the_audit_record_keeps_no_check_in_note(
    world: SchoolWorld, plan: CheckinPlan, school_day: date, signed_in: SignedIn
) -> None:
    signed_in(world.key_adult_user).post(log_url(world, plan.relationship), log_data(school_day))

    with school_scope(world.school):
        events = list(AuditEvent.objects.filter(pupil_id=world.child.pk))
    assert events and all("puppy" not in str(e.changes) for e in events)
