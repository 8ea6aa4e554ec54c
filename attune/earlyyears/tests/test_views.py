"""The early years register, day's record, care, settling in and development, over HTTP."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.models import StaffAbsence
from attune.earlyyears.models import (
    CareEntry,
    ChildVisit,
    DaySummaryShare,
    DevelopmentEntry,
    Room,
    RoomPlacement,
    SettlingInPlan,
    StaffQualification,
    StaffVisit,
    VisitAmendment,
)
from attune.earlyyears.tests.conftest import Setting
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

url = SchoolUrls("earlyyears")


def today() -> str:
    return timezone.localdate().isoformat()


def sign_in(client: Client, setting: Setting, at: str = "08:05", **extra: str) -> Any:
    data = {"action": "sign_in", "pupil": str(setting.world.child.pk), "signed_in_at": at}
    return client.post(url(setting.world, "register"), data | extra)


def visits(world: SchoolWorld) -> list[ChildVisit]:
    with school_scope(world.school):
        return list(ChildVisit.objects.filter(pupil=world.child))


def actions(world: SchoolWorld) -> list[str]:
    return list(AuditEvent.objects.filter(school=world.school).values_list("action", flat=True))


def reads(world: SchoolWorld) -> list[object]:
    """The children whose records were read, as the audit record has them."""
    read = AuditEvent.objects.filter(school=world.school, action=Action.RECORD_VIEWED)
    return list(read.values_list("pupil_id", flat=True))


# --- register -----------------------------------------------------------------------------


def test_register_lists_children_and_flags_those_without_a_key_person(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    response = signed_in(world.key_adult_user).get(url(world, "register"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Maya Fletcher" in page
    assert "1 child still without a key person" in page
    assert "Leo Brennan" in page.split('data-testid="unassigned"')[1].split("</section>")[0]


def test_signing_in_records_the_visit_with_who_and_audits_it(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    response = sign_in(client, setting, brought_by="Dad")
    assert response.status_code == 302
    [visit] = visits(world)
    assert visit.signed_in_at == time(8, 5)
    assert visit.brought_by == "Dad"
    assert visit.signed_in_by == world.key_adult_user
    assert visit.room == setting.room
    assert Action.EY_SIGNED_IN in actions(world)


def test_signing_in_twice_names_the_field_and_keeps_the_first(
    setting: Setting, signed_in: SignedIn
) -> None:
    client = signed_in(setting.world.key_adult_user)
    sign_in(client, setting)
    response = sign_in(client, setting, at="09:00")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-code="register.already_in"' in page
    assert "Arrived at: Already signed in at 08:05" in page
    assert [v.signed_in_at for v in visits(setting.world)] == [time(8, 5)]


def test_a_bad_time_is_a_field_message(setting: Setting, signed_in: SignedIn) -> None:
    client = signed_in(setting.world.key_adult_user)
    response = sign_in(client, setting, at="25:99")
    assert 'data-code="form.invalid"' in response.content.decode()
    assert visits(setting.world) == []


def test_a_refused_time_marks_its_field_and_keeps_what_was_typed(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    odd = testing.pupil(world.school, forename="<b>Bo</b>", surname="O'Hara & Co", year_group=-1)
    client = signed_in(world.key_adult_user)
    data = {"action": "sign_in", "pupil": str(odd.pk), "signed_in_at": "25:99", "brought_by": "<i>"}
    page = client.post(url(world, "register"), data).content.decode()
    tile = page.split(f'id="row-{odd.pk}"')[1].split("</li>")[0]
    assert "<b>" not in page and "&lt;b&gt;Bo&lt;/b&gt; O&#x27;Hara &amp; Co" in tile
    assert f'id="in-{odd.pk}" name="signed_in_at" value="25:99" aria-invalid="true"' in tile
    assert f'aria-describedby="err-{odd.pk}"' in tile and "<details open>" in tile
    assert 'name="brought_by" value="&lt;i&gt;"' in tile
    others = page.split(f'id="row-{world.child.pk}"')[1].split("</li>")[0]
    assert "aria-invalid" not in others and "<details>" in others


def sign_out(client: Client, setting: Setting, at: str, who: str = "Mum") -> Any:
    [visit] = visits(setting.world)
    data = {"action": "sign_out", "visit": str(visit.pk), "signed_out_at": at, "collected_by": who}
    return client.post(url(setting.world, "register"), data)


def test_signing_out_records_time_and_who_collected(setting: Setting, signed_in: SignedIn) -> None:
    client = signed_in(setting.world.key_adult_user)
    sign_in(client, setting)
    assert sign_out(client, setting, "15:30", "Grandma").status_code == 302
    [visit] = visits(setting.world)
    assert (visit.signed_out_at, visit.collected_by) == (time(15, 30), "Grandma")


def test_a_sign_out_before_the_sign_in_is_refused_naming_the_field(
    setting: Setting, signed_in: SignedIn
) -> None:
    client = signed_in(setting.world.key_adult_user)
    sign_in(client, setting)
    response = sign_out(client, setting, "07:00")
    page = response.content.decode()
    assert 'data-code="register.out_before_in"' in page
    assert "Left at: The sign-out time must be after the sign-in time (08:05)" in page
    [visit] = visits(setting.world)
    assert visit.signed_out_at is None and visit.signed_in_at == time(8, 5)


def test_signing_out_with_a_sleep_still_open_asks_for_the_waking_time(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    sign_in(client, setting)
    care_url = url(world, "child_day", pupil_id=world.child.pk, day=today())
    client.post(care_url, {"action": "care", "kind": "sleep", "at": "12:30"})
    response = sign_out(client, setting, "15:30")
    page = response.content.decode()
    assert 'data-code="care.sleep_open"' in page
    assert "Woke at: The sleep from 12:30 has no waking time" in page
    assert visits(world)[0].signed_out_at is None


def test_who_collected_is_required(setting: Setting, signed_in: SignedIn) -> None:
    client = signed_in(setting.world.key_adult_user)
    sign_in(client, setting)
    response = sign_out(client, setting, "15:00", who="")
    assert 'data-code="form.invalid"' in response.content.decode()


def test_key_person_away_shows_the_co_worker_covering(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    sign_in(client, setting)
    response = client.post(
        url(world, "register"), {"action": "away", "away-staff": str(world.key_adult.pk)}
    )
    assert response.status_code == 302
    with school_scope(world.school):
        assert StaffAbsence.objects.filter(staff=world.key_adult).count() == 1
    assert Action.STAFF_ABSENCE_RECORDED in actions(world)  # the one service check-ins uses
    record = client.get(url(world, "day_record", day=today())).content.decode()
    assert "Tom Okafor (covering; Priya Shah away)" in record
    again = client.post(
        url(world, "register"), {"action": "away", "away-staff": str(world.key_adult.pk)}
    )
    assert "already recorded as away" in again.content.decode()


def test_staff_sign_into_rooms_and_the_ratio_is_checked(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    with school_scope(world.school):
        StaffQualification.objects.create(school=world.school, staff=world.key_adult, level=3)
    data = {"action": "staff_in", "staff": str(world.key_adult.pk), "room": str(setting.room.pk)}
    assert client.post(url(world, "register"), data).status_code == 302
    assert (
        "already signed into a room" in client.post(url(world, "register"), data).content.decode()
    )
    with school_scope(world.school):  # signed in a while ago, so signing out now comes after
        StaffVisit.objects.update(signed_in_at=time(0, 0))
    sign_in(client, setting)
    panel = client.get(
        url(world, "room_panel", room_id=setting.room.pk), headers={"HX-Request": "true"}
    )
    assert "1 child, 1 adult counted; 1 needed." in panel.content.decode()
    with school_scope(world.school):
        staff_visit = StaffVisit.objects.get()
    out = {"action": "staff_out", "staff_visit": str(staff_visit.pk)}
    # The only adult with a child: the register warns first and signs nobody out.
    page = client.post(url(world, "register"), out).content.decode()
    assert "would take Robins out of ratio" in page
    assert "Sign out anyway" in page
    with school_scope(world.school):
        assert StaffVisit.objects.get().signed_out_at is None
    client.post(url(world, "register"), out | {"confirm": "yes"})
    panel = client.get(url(world, "room_panel", room_id=setting.room.pk))
    assert "Out of ratio" in panel.content.decode()
    page = client.get(url(world, "register")).content.decode()
    breach = page.index('data-testid="ratio-breach"')
    assert breach < page.index('id="room-'), "the breach leads the register, in red"


def test_one_tap_signs_a_child_in_and_returns_the_grid_in_place(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    data = {"action": "sign_in", "pupil": str(world.child.pk)}  # no time: arrived now
    response = client.post(url(world, "register"), data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<div id="register-grid"') or 'id="register-grid"' in page[:300]
    assert "<html" not in page
    assert 'hx-swap-oob="innerHTML"' in page and "Maya signed in at" in page
    assert f'Sign out<span class="visually-hidden"> {world.child.display_name}' in page
    [visit] = visits(world)
    assert visit.signed_out_at is None


def test_a_sixth_baby_with_two_adults_brings_a_warning(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    born = timezone.localdate() - timedelta(days=400)
    babies = [testing.pupil(world.school, year_group=-3, born=born) for _ in range(6)]
    with school_scope(world.school):
        for baby in babies:
            RoomPlacement.objects.create(school=world.school, pupil=baby, room=setting.room)
        for adult in (world.key_adult, world.other_adult):
            StaffVisit.objects.create(
                school=world.school,
                staff=adult,
                room=setting.room,
                on=timezone.localdate(),
                signed_in_at=time(7, 30),
            )
    client = signed_in(world.key_adult_user)
    for baby in babies[:5]:
        data = {"action": "sign_in", "pupil": str(baby.pk), "signed_in_at": "08:00"}
        client.post(url(world, "register"), data)
    data = {"action": "sign_in", "pupil": str(babies[5].pk), "signed_in_at": "08:10"}
    page = client.post(url(world, "register"), data, follow=True).content.decode()
    assert "one more child under two would take it out of ratio" in page


def test_register_query_count_does_not_grow_with_children(
    setting: Setting, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    for _ in range(15):
        child = testing.pupil(world.school, year_group=-2)
        with school_scope(world.school):
            ChildVisit.objects.create(
                school=world.school,
                pupil=child,
                room=setting.room,
                on=timezone.localdate(),
                signed_in_at=time(8, 0),
                signed_in_by=world.key_adult_user,  # a lazy read of who would show here
            )
    # The reads of the children signed in are logged together, in one insert.
    with django_assert_max_num_queries(29):
        assert client.get(url(world, "register")).status_code == 200


# --- the day's record, export and amendments -------------------------------------------------


def past_visit(setting: Setting, days_ago: int = 1) -> ChildVisit:
    world = setting.world
    with school_scope(world.school):
        return ChildVisit.objects.create(
            school=world.school,
            pupil=world.child,
            room=setting.room,
            on=timezone.localdate() - timedelta(days=days_ago),
            signed_in_at=time(8, 0),
            brought_by="Mum",
        )


def test_the_record_for_a_past_day_flags_what_is_missing_and_takes_amendments(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    visit = past_visit(setting)
    client = signed_in(world.key_adult_user)
    day = visit.on.isoformat()
    page = client.get(url(world, "day_record", day=day)).content.decode()
    assert "No sign-out time was recorded" in page
    assert "Priya Shah" in page
    amend_url = url(world, "amend", visit_id=visit.pk)
    bad = client.post(amend_url, {"signed_in_at": "08:00", "signed_out_at": "07:00", "reason": "x"})
    assert "The sign-out time must be after the sign-in time" in bad.content.decode()
    no_reason = client.post(amend_url, {"signed_in_at": "08:00", "signed_out_at": "16:00"})
    assert no_reason.status_code == 200
    response = client.post(
        amend_url,
        {
            "signed_in_at": "08:00",
            "signed_out_at": "16:00",
            "collected_by": "Mum",
            "reason": "Forgot to sign out at collection.",
        },
    )
    assert response.status_code == 302
    with school_scope(world.school):
        assert ChildVisit.objects.get(pk=visit.pk).signed_out_at is None  # original kept
        assert VisitAmendment.objects.filter(visit=visit).count() == 1
    page = client.get(url(world, "day_record", day=day)).content.decode()
    assert "First recorded: in 08:00, out not recorded" in page
    assert "Forgot to sign out at collection." in page
    assert "8 h" in page
    assert "No sign-out time was recorded" not in page
    assert Action.EY_REGISTER_AMENDED in actions(world)
    assert set(reads(world)) == {world.child.pk}  # the day's record reads each child on it


def test_a_past_day_cannot_be_signed_out_directly(setting: Setting, signed_in: SignedIn) -> None:
    visit = past_visit(setting)
    client = signed_in(setting.world.key_adult_user)
    data = {
        "action": "sign_out",
        "visit": str(visit.pk),
        "signed_out_at": "16:00",
        "collected_by": "Mum",
    }
    page = client.post(url(setting.world, "register"), data).content.decode()
    assert 'data-code="register.day_closed"' in page
    assert "add the sign-out time as an amendment" in page
    with school_scope(setting.world.school):
        assert ChildVisit.objects.get(pk=visit.pk).signed_out_at is None


def test_csv_export_of_a_day(setting: Setting, signed_in: SignedIn) -> None:
    visit = past_visit(setting)
    client = signed_in(setting.world.key_adult_user)
    response = client.get(url(setting.world, "day_record_csv", day=visit.on.isoformat()))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Child,Signed in,Brought by")
    assert lines[1].startswith("Maya Fletcher,08:00,Mum")
    assert Action.EY_DAY_RECORD_EXPORTED in actions(setting.world)


def test_day_record_query_count_is_pinned(
    setting: Setting, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    world = setting.world
    day = timezone.localdate() - timedelta(days=1)
    for _ in range(20):
        child = testing.pupil(world.school, year_group=-2)
        with school_scope(world.school):
            visit = ChildVisit.objects.create(
                school=world.school, pupil=child, on=day, signed_in_at=time(8, 0)
            )
            VisitAmendment.objects.create(
                school=world.school,
                visit=visit,
                signed_in_at=time(8, 0),
                signed_out_at=time(15, 0),
                reason="late entry",
            )
    client = signed_in(world.key_adult_user)
    with django_assert_max_num_queries(20):
        response = client.get(url(world, "day_record", day=day.isoformat()))
    assert response.content.decode().count('data-testid="record-row"') == 20


def test_a_bad_day_is_a_400_saying_why_and_a_future_one_not_found(
    setting: Setting, signed_in: SignedIn
) -> None:
    client = signed_in(setting.world.key_adult_user)
    bad = client.get(url(setting.world, "day_record", day="yesterday"))
    assert bad.status_code == 400
    assert "isn&#x27;t a date written as YYYY-MM-DD" in bad.content.decode()
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.get(url(setting.world, "day_record", day=future)).status_code == 404


# --- a child's day: care and the summary for home ----------------------------------------------


def test_care_routines_and_the_summary_for_home(setting: Setting, signed_in: SignedIn) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    day_url = url(world, "child_day", pupil_id=world.child.pk, day=today())
    assert (
        client.post(
            day_url, {"action": "care", "kind": "nappy", "at": "09:30", "detail": "wet"}
        ).status_code
        == 302
    )
    bad = client.post(
        day_url, {"action": "care", "kind": "sleep", "at": "13:00", "woke_at": "12:00"}
    )
    assert "The waking time must be after the time they went down (13:00)" in bad.content.decode()
    client.post(day_url, {"action": "care", "kind": "sleep", "at": "13:00"})
    with school_scope(world.school):
        sleep = CareEntry.objects.get(kind="sleep")
        assert sleep.done_by == world.key_adult
    check = client.post(day_url, {"action": "check", "entry": str(sleep.pk), "at": "12:00"})
    assert "A check must fall while the child was asleep." in check.content.decode()
    client.post(
        day_url,
        {"action": "check", "entry": str(sleep.pk), "at": "13:10", "note": "breathing fine"},
    )
    early = client.post(day_url, {"action": "woke", "entry": str(sleep.pk), "woke_at": "12:59"})
    assert 'data-field="woke_at"' in early.content.decode()
    client.post(day_url, {"action": "woke", "entry": str(sleep.pk), "woke_at": "14:05"})
    share = client.post(day_url, {"action": "share", "how": "in_person", "shared_with": "Mum"})
    assert share.status_code == 302
    page = client.get(day_url).content.decode()
    assert "13:00 sleep until 14:05" in page
    assert "09:30 nappy change: wet" in page
    assert "13:10 (breathing fine)" in page
    with school_scope(world.school):
        assert DaySummaryShare.objects.get().shared_with == "Mum"
    assert {
        Action.EY_CARE_RECORDED,
        Action.EY_WOKE,
        Action.EY_SLEEP_CHECKED,
        Action.EY_DAY_SUMMARY_SHARED,
    } <= set(actions(world))
    assert world.child.pk in reads(world)
    [checked] = AuditEvent.objects.filter(action=Action.EY_SLEEP_CHECKED)
    assert checked.pupil_id == world.child.pk
    assert "breathing fine" not in str(checked.changes)  # care notes are kept as a digest
    [care] = AuditEvent.objects.filter(action=Action.EY_CARE_RECORDED, changes__kind="nappy")
    assert "wet" not in str(care.changes)


# --- settling in and development -----------------------------------------------------------


def test_settling_in_plan_and_its_notes(setting: Setting, signed_in: SignedIn) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    page_url = url(world, "settling_in", pupil_id=world.child.pk)
    assert "Save the plan first" in client.get(page_url).content.decode()
    response = client.post(
        page_url,
        {
            "action": "plan",
            "starts_on": today(),
            "comfort_objects": "Blue rabbit",
            "home_routines": "Naps after lunch",
            "family_told_us": "Loves singing",
        },
    )
    assert response.status_code == 302
    client.post(
        page_url,
        {"action": "entry", "kind": "visit", "on": today(), "text": "Stayed an hour with Mum."},
    )
    page = client.get(page_url).content.decode()
    assert "Stayed an hour with Mum." in page and "Blue rabbit" in page
    with school_scope(world.school):
        assert SettlingInPlan.objects.get().entries.count() == 1
    assert world.child.pk in reads(world)
    written = str(
        list(
            AuditEvent.objects.filter(action__startswith="earlyyears.settling_in").values_list(
                "changes", flat=True
            )
        )
    )
    assert "Blue rabbit" not in written and "Stayed an hour" not in written


def test_development_record_with_notes_from_home(setting: Setting, signed_in: SignedIn) -> None:
    world = setting.world
    client = signed_in(world.key_adult_user)
    page_url = url(world, "development", pupil_id=world.child.pk)
    client.post(
        page_url,
        {
            "action": "observation",
            "on": today(),
            "area": "physical",
            "text": "Climbed the steps.",
            "shared_with_family": "on",
        },
    )
    missing = client.post(
        page_url,
        {
            "action": "home",
            "home-on": today(),
            "home-area": "communication",
            "home-text": "Said 'more'.",
        },
    )
    assert "This field is required." in missing.content.decode()
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    ahead = client.post(
        page_url, {"action": "observation", "on": future, "area": "physical", "text": "x"}
    )
    assert "The date cannot be in the future." in ahead.content.decode()
    client.post(
        page_url,
        {
            "action": "home",
            "home-on": today(),
            "home-area": "communication",
            "home-text": "Said 'more' at tea.",
            "home-said_by": "Dad",
        },
    )
    page = client.get(page_url).content.decode()
    assert "from home, said by Dad" in page and "Climbed the steps." in page
    with school_scope(world.school):
        assert DevelopmentEntry.objects.filter(shared_with_family=True).count() == 2
    day = client.get(url(world, "child_day", pupil_id=world.child.pk, day=today())).content.decode()
    assert "Physical development: Climbed the steps." in day
    added = AuditEvent.objects.filter(action=Action.EY_DEVELOPMENT_ADDED)
    assert "Climbed the steps." not in str(list(added.values_list("changes", flat=True)))
    assert set(reads(world)) == {world.child.pk}


# --- rooms ---------------------------------------------------------------------------------


def test_rooms_set_up_by_the_lead(setting: Setting, signed_in: SignedIn) -> None:
    world = setting.world
    client = signed_in(world.lead)
    page_url = url(world, "rooms")
    assert client.post(page_url, {"action": "room", "name": "Wrens"}).status_code == 302
    assert (
        "already a room with that name"
        in client.post(page_url, {"action": "room", "name": "Wrens"}).content.decode()
    )
    with school_scope(world.school):
        wrens = Room.objects.get(name="Wrens")
    client.post(page_url, {"action": "place", "pupil": str(world.child.pk), "room": str(wrens.pk)})
    client.post(page_url, {"action": "level", "staff": str(world.key_adult.pk), "level": "6"})
    with school_scope(world.school):
        assert RoomPlacement.objects.get(pupil=world.child).room == wrens
        assert StaffQualification.objects.get(staff=world.key_adult).level == 6
    assert "Maya Fletcher (" in client.get(page_url).content.decode()


# --- who may see what ----------------------------------------------------------------------


def test_roles_without_the_register_are_refused(setting: Setting, signed_in: SignedIn) -> None:
    world = setting.world
    teacher = signed_in(world.teacher)
    assert teacher.get(url(world, "register")).status_code == 403
    assert teacher.get(url(world, "development", pupil_id=world.child.pk)).status_code == 403
    key_adult = signed_in(world.key_adult_user)
    assert key_adult.get(url(world, "rooms")).status_code == 403


def test_another_school_gets_not_found(
    setting: Setting, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    world = setting.world
    client = signed_in(other_world.lead)
    assert client.get(url(world, "register")).status_code == 404
    # And school B's own pages never reach school A's child.
    assert client.get(url(other_world, "development", pupil_id=world.child.pk)).status_code == 404
    visit = past_visit(setting)
    assert client.get(url(other_world, "amend", visit_id=visit.pk)).status_code == 404
    data = {"action": "sign_in", "pupil": str(world.child.pk), "signed_in_at": "08:00"}
    assert client.post(url(other_world, "register"), data).status_code == 404
    assert len(visits(world)) == 1


def test_office_staff_may_keep_the_register(setting: Setting, signed_in: SignedIn) -> None:
    client = signed_in(setting.world.office)
    assert sign_in(client, setting).status_code == 302
    assert testing.Role if False else Role.OFFICE


def test_in_a_school_only_the_nursery_children_are_on_the_register(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    testing.pupil(world.school, forename="Nell", surname="Nash", year_group=-1)
    page = signed_in(world.key_adult_user).get(url(world, "register")).content.decode()
    assert "Nell Nash" in page
    assert "Maya Fletcher" not in page


def test_register_shows_caseloads_against_the_limit(setting: Setting, signed_in: SignedIn) -> None:
    world = setting.world
    world.school.caseload_limit = 0
    world.school.save(update_fields=["caseload_limit"])
    page = signed_in(world.key_adult_user).get(url(world, "register")).content.decode()
    caseloads = page.split('data-testid="caseloads"')[1].split("</ul>")[0]
    assert "Priya Shah: 1 key child" in caseloads
    assert "more than 0" in caseloads
    assert "without a co-worker" not in caseloads
