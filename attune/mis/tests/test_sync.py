"""The sync against a Wonde stand-in on loopback: a first sync, then a delta; nothing half-done
after a failure, and the next run finishing the job; nulls that never overwrite; conflicts
reported; deletions that end records rather than erase them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from attune.attendance.models import AttendanceImport, MarkChange, SessionMark
from attune.attendance.selectors import school_attendance
from attune.auditlog.models import AuditEvent
from attune.mis.models import MisGroupMembership, RawPage, SyncRun, SyncState
from attune.mis.testing import FakeSchool, FakeWonde, Record, contact, deletion, employee, group
from attune.mis.testing import student as wonde_student
from attune.mis.tests.conftest import NOW
from attune.people.domain.upn import make_upn
from attune.people.models import Cohort, CohortMembership, Contact, Pupil, PupilContact, Staff
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

Sync = Callable[..., dict[str, Any]]
MONDAY = date(2026, 9, 28)
WEEK = [MONDAY + timedelta(days=n) for n in range(5)]
EARLIER = datetime(2026, 9, 1, tzinfo=UTC)


def upn(serial: int) -> str:
    return make_upn(886, 3001, 19, serial)


def arrange(school: FakeSchool, world: SchoolWorld, pupils: int = 5) -> list[str]:
    """Maya (already in Attune, matched by UPN) and four children new to Attune, with
    Maya's two contacts; a week of marks for all of them."""
    ids = [f"A10{n}" for n in range(pupils)]
    for n, wonde_id in enumerate(ids):
        if n == 0:
            data = wonde_student(
                wonde_id,
                upn=world.child.upn,
                forename="Maya",
                surname="Fletcher",
                fsm=[(date(2025, 9, 1), None)],
                contacts=[
                    contact("C1", relationship="Mother", priority=1),
                    contact(
                        "C2",
                        forename="Dan",
                        email="dan@example.org",
                        relationship="Father",
                        priority="2",
                        parental_responsibility="Yes",
                    ),
                ],
            )
        else:
            data = wonde_student(
                wonde_id,
                upn=upn(n),
                forename=f"Child{n}",
                surname="Newcome",
                in_care=[(date(2024, 1, 10), None)] if n == 1 else None,
                sen=[(date(2023, 9, 1), date(2024, 7, 20), "K"), (date(2024, 7, 21), None, "E")]
                if n == 2
                else None,
                eal=n == 3,
            )
        school.students[wonde_id] = Record(data, EARLIER)
    marks: list[tuple[str, date, str, str, int | None]] = [
        (wonde_id, day, session, "/" if session == "AM" else "\\", None)
        for wonde_id in ids
        for day in WEEK
        for session in ("AM", "PM")
    ]
    marks[0] = (ids[0], WEEK[0], "AM", "L", 12)
    school.add_marks(marks, EARLIER)
    return ids


def pupil_of(world: SchoolWorld, upn_value: str) -> Pupil:
    with school_scope(world.school):
        return Pupil.objects.get(upn=upn_value)


def test_a_first_sync_brings_pupils_contacts_and_marks_in(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    arrange(mis_school, world)
    results = sync()
    assert all(result.error is None for result in results.values()), results
    with school_scope(world.school):
        assert Pupil.objects.count() == 2 + 4  # Maya matched, Leo untouched, four new
        maya = Pupil.objects.get(pk=world.child.pk)
        assert maya.admission_date == date(2021, 9, 1)
        assert maya.registration_group == "4B"
        new = Pupil.objects.get(upn=upn(1))
        assert (new.legal_forename, new.year_group, new.sex) == ("Child1", 4, "F")
        assert new.needs_key_adult  # looked after, as the pupils CSV would list them
        assert CohortMembership.objects.get(pupil=new, cohort=Cohort.LOOKED_AFTER).start_date == (
            date(2024, 1, 10)
        )
        sen = Pupil.objects.get(upn=upn(2))
        spans = {
            (m.cohort, m.start_date, m.end_date) for m in CohortMembership.objects.filter(pupil=sen)
        }
        assert spans == {
            (Cohort.SEN_SUPPORT, date(2023, 9, 1), date(2024, 7, 20)),
            (Cohort.EHC_PLAN, date(2024, 7, 21), None),
        }
        assert CohortMembership.objects.filter(pupil__upn=upn(3), cohort=Cohort.EAL).exists()
        links = PupilContact.objects.filter(pupil=maya).select_related("contact")
        by_relationship = {link.relationship: link for link in links}
        assert set(by_relationship) == {"Mother", "Father"}
        father = by_relationship["Father"]
        assert (father.priority, father.parental_responsibility) == (2, True)
        assert by_relationship["Mother"].contact.email == "sam.fletcher@example.org"
        assert SessionMark.objects.count() == 5 * 10
        late = SessionMark.objects.get(pupil=maya, date=WEEK[0], session="AM")
        assert (late.code, late.minutes_late) == ("L", 12)
        assert AttendanceImport.objects.get().kind == "mis"
    assert results["attendance"].counts["marks_added"] == 50


def test_a_delta_brings_only_what_changed_and_keeps_the_old_mark(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde, sync: Sync
) -> None:
    ids = arrange(mis_school, world)
    sync(now=NOW)
    later = NOW + timedelta(minutes=15)
    mis_school.add_marks([(ids[1], WEEK[1], "AM", "I", None)], NOW + timedelta(minutes=5))
    mis_school.students[ids[4]].data["forename"] = "Robin"
    mis_school.students[ids[4]].updated_at = NOW + timedelta(minutes=5)
    asked = len(wonde.requests)
    results = sync("pupils", "attendance", now=later)
    session_calls = [p for p in wonde.requests[asked:] if "attendance/session" in p]
    assert session_calls and all("updated_after=2026-10-05+11" in p for p in session_calls)
    assert results["attendance"].counts == {"marks_read": 1, "marks_replaced": 1}
    assert results["pupils"].counts["pupils_updated"] == 1
    with school_scope(world.school):
        change = MarkChange.objects.get()
        assert (change.old_code, change.new_code) == ("/", "I")
        assert Pupil.objects.get(upn=upn(4)).preferred_name == "Robin"


def test_the_same_sync_twice_changes_nothing(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    arrange(mis_school, world)
    sync(now=NOW)
    events = AuditEvent.objects.count()
    with school_scope(world.school):
        state = SyncState.objects.get(kind="pupils")
        state.watermark = None  # read everything again, not only the changes
        state.save()
    results = sync(now=NOW + timedelta(hours=1), since=EARLIER - timedelta(days=1))
    assert results["pupils"].counts["pupils_unchanged"] == 6 - 1
    assert results["attendance"].counts["marks_unchanged"] == 50
    assert AuditEvent.objects.count() == events
    with school_scope(world.school):
        assert PupilContact.objects.count() == 2
        assert Contact.objects.count() == 2


def test_a_null_from_a_scope_the_school_has_not_approved_never_overwrites(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    arrange(mis_school, world)
    sync("pupils", "contacts")
    mis_school.unapproved |= {"education_details", "sen_date_ranges", "contact_details"}
    for record in mis_school.students.values():
        record.data["gender"] = None
        record.data["date_of_birth"] = None
    results = sync("pupils", "contacts", since=EARLIER - timedelta(days=1))
    assert results["pupils"].error is None
    with school_scope(world.school):
        sen = Pupil.objects.get(upn=upn(2))
        assert (sen.sex, sen.admission_date) == ("F", date(2021, 9, 1))
        assert CohortMembership.objects.filter(pupil=sen).count() == 2
        mother = PupilContact.objects.get(relationship="Mother").contact
        assert mother.email == "sam.fletcher@example.org"


def test_a_upn_another_child_holds_is_reported_never_merged(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    arrange(mis_school, world, pupils=2)
    sync("pupils")
    # A second MIS record claims Maya's UPN.
    mis_school.students["A999"] = Record(
        wonde_student("A999", upn=world.child.upn, forename="Other"), EARLIER
    )
    result = sync("pupils", since=EARLIER - timedelta(days=1))["pupils"]
    assert result.counts["conflicts"] == 1
    assert any(p.code == "conflict.upn" for p in result.problems)
    with school_scope(world.school):
        assert Pupil.objects.get(pk=world.child.pk).legal_forename == "Maya"
        assert not Pupil.objects.filter(legal_forename="Other").exists()


def test_a_failure_mid_way_leaves_nothing_half_done_and_the_next_run_finishes(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde, sync: Sync
) -> None:
    arrange(mis_school, world)
    # Page 2 of the students fails every time it is asked for in this run.
    wonde.fail("include=education_details", 500, times=5, after=1)
    first = sync("pupils")["pupils"]
    assert first.error is not None and first.error.code == "wonde.server_error"
    with school_scope(world.school):
        assert Pupil.objects.count() == 2 + 2  # page 1 only: Maya and two new, all complete
        state = SyncState.objects.get(kind="pupils")
        assert "page=2" in state.resume_url
        assert state.watermark is None
        assert RawPage.objects.filter(status=500).exists()
        assert SyncRun.objects.get(kind="pupils").outcome == "failed"
    second = sync("pupils", now=NOW + timedelta(minutes=15))["pupils"]
    assert second.error is None
    with school_scope(world.school):
        assert Pupil.objects.count() == 6
        state = SyncState.objects.get(kind="pupils")
        assert state.watermark == NOW  # the first run's start: nothing in between is missed
        assert state.resume_url == ""


def test_a_429_and_a_500_are_tried_again(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde, sync: Sync
) -> None:
    arrange(mis_school, world)
    wonde.fail("attendance/session", 429, retry_after="0")
    wonde.fail("attendance/session", 500, after=2)
    result = sync()["attendance"]
    assert result.error is None
    assert result.counts["marks_added"] == 50


def test_marks_fail_mid_way_then_the_next_run_applies_them_once(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde, sync: Sync
) -> None:
    arrange(mis_school, world)
    sync("pupils")
    wonde.fail("attendance/session", 503, times=5, after=4)
    first = sync("attendance")["attendance"]
    assert first.error is not None
    with school_scope(world.school):
        assert SessionMark.objects.count() == 0  # staged, not applied: nothing half-done
    second = sync("attendance", now=NOW + timedelta(minutes=15))["attendance"]
    assert second.error is None
    with school_scope(world.school):
        assert SessionMark.objects.count() == 50
        assert AttendanceImport.objects.get().marks_added == 50


def test_an_unknown_attendance_code_stops_the_schools_attendance_naming_it(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    ids = arrange(mis_school, world)
    sync("pupils")
    mis_school.codes["AC99"] = "Q9"
    mis_school.add_marks([(ids[2], WEEK[4], "PM", "Q9", None)], EARLIER + timedelta(hours=1))
    result = sync("attendance")["attendance"]
    assert result.error is not None
    assert result.error.code == "attendance.unknown_code"
    assert "'Q9'" in result.error.message
    with school_scope(world.school):
        assert SessionMark.objects.count() == 0
        assert SyncState.objects.get(kind="attendance").last_error_code == "attendance.unknown_code"
        assert RawPage.objects.filter(reason__contains="Q9").exists()


def test_a_mark_is_read_by_the_rules_of_its_date(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    """An interview (J) before 19 August 2024 was an approved educational activity, so it
    counts as attended; after that day it is leave for an interview (J1): absence."""
    ids = arrange(mis_school, world)
    before, after = date(2024, 3, 4), date(2024, 9, 2)
    mis_school.add_marks(
        [(ids[0], before, "AM", "J", None), (ids[0], after, "AM", "J", None)],
        EARLIER + timedelta(hours=1),
    )
    assert sync()["attendance"].error is None
    with school_scope(world.school):
        stored = {
            day: (code, original)
            for day, code, original in SessionMark.objects.filter(
                date__in=[before, after]
            ).values_list("date", "code", "original_code")
        }
        assert stored == {before: ("J", "J"), after: ("J1", "J")}
        [old] = [
            row.summary
            for row in school_attendance(date_from=before, date_to=before)
            if row.upn == world.child.upn
        ]
        [new] = [
            row.summary
            for row in school_attendance(date_from=after, date_to=after)
            if row.upn == world.child.upn
        ]
    assert (old.possible, old.present, old.approved_activity, old.absence) == (1, 1, 1, 0)
    assert (new.possible, new.present, new.authorised_absence) == (1, 0, 1)


def test_a_mark_dated_outside_1990_to_a_year_ahead_is_a_problem_left_out(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    ids = arrange(mis_school, world)
    mis_school.add_marks(
        [
            (ids[0], date(1989, 12, 31), "AM", "/", None),
            (ids[0], date(2099, 9, 1), "AM", "/", None),
        ],
        EARLIER + timedelta(hours=1),
    )
    result = sync()["attendance"]
    assert result.error is None
    assert result.counts["marks_added"] == 50  # the week's, and neither typo
    assert [p.code for p in result.problems] == ["mark.date_out_of_range"] * 2
    assert "1989-12-31 is before 1990" in result.problems[0].message
    with school_scope(world.school):
        assert not SessionMark.objects.exclude(date__in=WEEK).exists()


def test_marks_in_the_included_shape_are_read_too(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde, sync: Sync
) -> None:
    arrange(mis_school, world)
    wonde.marks_shape = "included"
    assert sync()["attendance"].counts["marks_added"] == 50


def test_deletions_end_records_and_never_erase_them(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    ids = arrange(mis_school, world)
    mis_school.employees["E1"] = Record(employee("E1", email="priya@school.test"), EARLIER)
    mis_school.groups["G1"] = Record(group("G1", "4B", "REGISTRATION", ids[:3]), EARLIER)
    sync()
    gone = NOW - timedelta(minutes=30)
    mis_school.deletions += [
        Record(deletion("student", ids[3], datetime(2026, 10, 2, tzinfo=UTC)), gone),
        Record(deletion("contact", "C2", gone), gone),
        Record(deletion("employee", "E1", gone), gone),
        Record(deletion("group", "G1", gone), gone),
    ]
    results = sync(now=NOW + timedelta(hours=2))
    assert all(r.error is None for r in results.values())
    with school_scope(world.school):
        left = Pupil.objects.get(upn=upn(3))
        assert left.leaving_date == date(2026, 10, 2)
        father = Contact.objects.get(forename="Dan")
        assert father.ended_on is not None
        assert PupilContact.objects.get(contact=father).ended_on is not None
        assert not Staff.objects.get(email="priya@school.test").is_active
        assert MisGroupMembership.objects.filter(ended_on__isnull=False).count() == 3
        assert Pupil.objects.count() == 6  # nothing erased


def test_staff_are_added_and_matched_by_email(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    with school_scope(world.school):
        world.key_adult.email = "priya.shah@hollybrook.test"
        world.key_adult.save(update_fields=["email"])
    mis_school.employees["E1"] = Record(
        employee("E1", email="Priya.Shah@hollybrook.test", role="ELSA"), EARLIER
    )
    mis_school.employees["E2"] = Record(
        employee("E2", forename="Ann", surname="Lee", role="Class Teacher"), EARLIER
    )
    mis_school.employees["E3"] = Record(employee("E3", forename="Old", current=False), EARLIER)
    result = sync("staff")["staff"]
    assert result.counts == {
        "staff_linked": 1,
        "staff_updated": 1,
        "staff_added": 1,
        "former_staff_not_added": 1,
    }
    with school_scope(world.school):
        assert Staff.objects.get(pk=world.key_adult.pk).job_role == "elsa"
        assert Staff.objects.get(last_name="Lee").job_role == "teacher"


def test_a_wonde_id_for_another_school_reads_nothing(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    arrange(mis_school, world)
    mis_school.urn = "999999"
    results = sync()
    assert {r.error.code for r in results.values() if r.error} == {"wonde.wrong_school"}
    with school_scope(world.school):
        assert Pupil.objects.count() == 2


def test_a_dry_run_changes_nothing_and_says_what_would_change(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    arrange(mis_school, world)
    events = AuditEvent.objects.count()
    results = sync(dry_run=True)
    assert results["pupils"].counts["pupils_added"] == 4
    assert results["attendance"].counts["marks_added"] == 50
    with school_scope(world.school):
        assert Pupil.objects.count() == 2
        assert not SessionMark.objects.exists()
        assert not SyncState.objects.exists()
        assert not SyncRun.objects.exists()
    assert AuditEvent.objects.count() == events


def test_every_change_is_in_the_audit_record(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    arrange(mis_school, world)
    sync()
    actions = set(AuditEvent.objects.filter(school=world.school).values_list("action", flat=True))
    assert {
        "people.pupil.mis_added",
        "people.pupil.mis_updated",
        "people.contact.mis_added",
        "people.pupil_contact.mis_linked",
        "attendance.marks.imported",
    } <= actions
    contact_events = AuditEvent.objects.filter(action="people.contact.mis_added")
    assert all("example.org" not in str(event.changes) for event in contact_events)


def test_many_schools_registers_are_applied_together_and_a_failing_one_is_left_out(
    world: SchoolWorld,
    other_world: SchoolWorld,
    mis_school: FakeSchool,
    wonde: FakeWonde,
    sync: Sync,
) -> None:
    from attune.mis.sync.run import registers_sync

    ids = arrange(mis_school, world)
    sync("pupils")
    other_world.school.wonde_id = "A2000000001"
    other_world.school.save(update_fields=["wonde_id"])
    riverside = wonde.add_school("A2000000001", other_world.school.urn)
    riverside.students["B1"] = Record(wonde_student("B1", upn=upn(50), forename="Rae"), EARLIER)
    riverside.codes["AC99"] = "Q9"
    riverside.add_marks([("B1", WEEK[0], "AM", "Q9", None)], EARLIER)
    from attune.mis.sync.run import school_sync

    school_sync(school=other_world.school, kinds=["pupils"], base_url=wonde.base_url, now=NOW)
    results = registers_sync(
        schools=[world.school, other_world.school], base_url=wonde.base_url, now=NOW
    )
    assert results[world.school.pk].counts["marks_added"] == 50
    stopped = results[other_world.school.pk].error
    assert stopped is not None and "'Q9'" in stopped.message
    with school_scope(world.school):
        assert SessionMark.objects.count() == 50
        assert AttendanceImport.objects.get().marks_added == 50
        assert SyncState.objects.get(kind="attendance").watermark == NOW
    with school_scope(other_world.school):
        assert not SessionMark.objects.exists()
        assert SyncState.objects.get(kind="attendance").running_since is None
    assert ids


def test_a_child_erased_in_attune_is_not_brought_back_and_nothing_is_hung_on_them(
    world: SchoolWorld, mis_school: FakeSchool, sync: Sync
) -> None:
    ids = arrange(mis_school, world)
    mis_school.groups["G1"] = Record(group("G1", "4B", "REGISTRATION", ids), EARLIER)
    sync("pupils")
    with school_scope(world.school):
        Pupil.objects.filter(upn=upn(4)).delete()  # as an approved erasure request does
    mis_school.students[ids[4]].updated_at = NOW
    results = sync(since=EARLIER - timedelta(days=1))
    assert all(result.error is None for result in results.values())
    assert results["pupils"].counts["pupils_erased_not_readded"] == 1
    assert results["attendance"].counts["marks_for_children_not_in_attune"] == 10
    with school_scope(world.school):
        assert not Pupil.objects.filter(upn=upn(4)).exists()
        assert SessionMark.objects.count() == 4 * 10
        assert MisGroupMembership.objects.count() == 4
