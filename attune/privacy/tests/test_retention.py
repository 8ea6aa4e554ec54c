"""The retention job: what is past its date goes, holds keep things, the report is exact."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from attune import testing
from attune.attendance.models import SessionMark
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import record
from attune.auditlog.verify import audit_chain_verify
from attune.people.models import Cohort, Need, Pupil, PupilNeed
from attune.privacy.domain.retention import Basis
from attune.privacy.models import LegalHold, RetentionRule
from attune.privacy.records import record_kinds
from attune.privacy.services import retention_apply
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


def mark(pupil: Pupil, day: date) -> None:
    with school_scope(pupil.school_id):
        SessionMark.objects.create(
            school_id=pupil.school_id, pupil=pupil, date=day, session="AM", code="/"
        )


def need(pupil: Pupil) -> None:
    with school_scope(pupil.school_id):
        PupilNeed.objects.create(
            school_id=pupil.school_id, pupil=pupil, need=Need.SEMH, noted_on=date(2005, 1, 1)
        )


@pytest.fixture
def grown_up(world: SchoolWorld) -> Pupil:
    """Left long ago: turned 25 in January 2020."""
    pupil = testing.pupil(world.school, forename="Old", surname="Leaver", born=date(1995, 1, 10))
    need(pupil)
    mark(pupil, date(2006, 3, 1))
    record(Action.RECORD_VIEWED, pupil, actor=world.head)
    return pupil


def count(model: type[SessionMark] | type[PupilNeed] | type[Pupil], school: object) -> int:
    with school_scope(school):  # type: ignore[arg-type]
        return model.objects.count()


def test_records_past_their_date_go_and_the_rest_stay(world: SchoolWorld, grown_up: Pupil) -> None:
    mark(world.child, date(2018, 8, 31))  # school year 2017-18: kept until 31 August 2024
    mark(world.child, date(2018, 9, 1))  # school year 2018-19: kept until 31 August 2025

    report = retention_apply(school=world.school, today=TODAY, actor=None)

    assert report.removed == {
        "attendance.sessionmark": 2,  # the grown-up's and the child's August 2018 mark
        "people.pupilneed": 1,
        "people.pupil": 1,  # nothing else about them was left
    }
    with school_scope(world.school):
        assert list(SessionMark.objects.values_list("date", flat=True)) == [date(2018, 9, 1)]
        assert not Pupil.objects.filter(pk=grown_up.pk).exists()
    event = AuditEvent.objects.get(action=Action.RETENTION_APPLIED)
    assert event.changes["removed"] == dict(sorted(report.removed.items()))
    # The child's audit entries stay, and every chain still verifies.
    assert AuditEvent.objects.filter(pupil_id=grown_up.pk).exists()
    assert audit_chain_verify() is None


def test_a_dry_run_counts_exactly_and_removes_nothing(world: SchoolWorld, grown_up: Pupil) -> None:
    dry = retention_apply(school=world.school, today=TODAY, dry_run=True)
    assert count(SessionMark, world.school) == 1
    assert count(Pupil, world.school) == 3
    assert not AuditEvent.objects.filter(action=Action.RETENTION_APPLIED).exists()
    real = retention_apply(school=world.school, today=TODAY)
    assert dry.removed == real.removed
    assert "  Would remove 1 people.pupil" in dry.lines()


def test_a_kept_kind_keeps_the_child_row_too(world: SchoolWorld, grown_up: Pupil) -> None:
    testing.cohort(grown_up, Cohort.CHILD_PROTECTION_PLAN, since=date(2004, 1, 1))
    report = retention_apply(school=world.school, today=TODAY)
    assert "people.pupil" not in report.removed  # their child protection flag is kept
    assert report.removed["people.pupilneed"] == 1


def test_a_legal_hold_on_a_child_keeps_everything_about_them(
    world: SchoolWorld, grown_up: Pupil
) -> None:
    with school_scope(world.school):
        LegalHold.objects.create(
            school=world.school,
            pupil_id=grown_up.pk,
            reason="Claim 2025/117",
            placed_by=world.head,
            placed_by_label="Head",
            placed_at="2025-05-01T09:00Z",
        )
    report = retention_apply(school=world.school, today=TODAY)
    assert report.removed == {}
    assert report.held_children == 1
    assert count(PupilNeed, world.school) == 1


def test_a_hold_on_a_kind_keeps_that_kind_for_everyone(world: SchoolWorld, grown_up: Pupil) -> None:
    with school_scope(world.school):
        LegalHold.objects.create(
            school=world.school,
            kind="attendance.sessionmark",
            reason="Attendance inquiry",
            placed_by=world.head,
            placed_by_label="Head",
            placed_at="2025-05-01T09:00Z",
        )
    report = retention_apply(school=world.school, today=TODAY)
    assert report.removed == {"people.pupilneed": 1}
    assert count(Pupil, world.school) == 3  # the grown-up still has marks, so stays


def test_a_schools_own_rule_replaces_the_default(world: SchoolWorld, grown_up: Pupil) -> None:
    with school_scope(world.school):
        RetentionRule.objects.create(
            school=world.school, kind="attendance.sessionmark", basis=Basis.KEEP, years=0
        )
    report = retention_apply(school=world.school, today=TODAY)
    assert "attendance.sessionmark" not in report.removed


def test_another_schools_records_are_never_touched(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    elsewhere = testing.pupil(other_world.school, born=date(1990, 1, 1))
    need(elsewhere)
    retention_apply(school=world.school, today=TODAY)
    assert count(PupilNeed, other_world.school) == 1


def test_every_school_owned_model_about_a_child_is_a_record_kind() -> None:
    labels = {kind.label for kind in record_kinds()}
    assert {"attendance.sessionmark", "checkins.checkin", "plans.plan"} <= labels
    assert not any(label.startswith("privacy.") for label in labels)


def test_the_command_prints_what_it_removed(
    world: SchoolWorld, grown_up: Pupil, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "apply_retention", "--dry-run", "--school", world.school.urn, "--today", "2025-06-01"
    )
    out = capsys.readouterr().out
    assert "Would remove 1 attendance.sessionmark" in out
    assert "Dry run: nothing was removed." in out
    call_command("apply_retention", "--today", "2025-06-01")
    assert "Removed 1 people.pupil" in capsys.readouterr().out
    with pytest.raises(CommandError, match="URN 999999"):
        call_command("apply_retention", "--school", "999999")
