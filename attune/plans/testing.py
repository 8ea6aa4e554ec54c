"""Builders for tests and benchmarks: a plan or a meeting about a child, and a child with
years of history, written in bulk."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from attune.attendance.models import AttendanceImport, MarkChange, SessionMark
from attune.checkins.models import Checkin, Mood, Outcome
from attune.people.models import Pupil, Staff
from attune.plans.models import (
    ContactLogEntry,
    Meeting,
    MeetingKind,
    Plan,
    PlanKind,
    PlanReview,
    PlanVersion,
    RaisedBy,
    YouSaid,
    YouSaidKind,
    YouSaidStatus,
)
from attune.plans.services import meeting_record, plan_create
from attune.relationships.models import (
    CloseTeamMember,
    KeyAdultRelationship,
    TeamRole,
    WiderTeamMember,
)
from attune.tenancy import school_scope

if TYPE_CHECKING:
    from attune.testing import SchoolWorld

PLANS = 60
MEETINGS = 20
CONTACTS = 40


def new_plan(world: SchoolWorld, child: Pupil | None = None, **overrides: Any) -> Plan:
    """A plan for Maya (or ``child``) made by the lead two months ago, owned by Priya, its
    first review just overdue; ``overrides`` are ``plan_create``'s arguments."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "actor": world.lead,
        "pupil": child or world.child,
        "kind": "attendance_support",
        "owner": world.key_adult,
        "started_on": today - timedelta(days=60),
        "review_due_on": today - timedelta(days=2),
        "child_goals": "I want to come in for registration and see Priya first.",
        "strengths": "Kind to younger children.",
        "what_helps": "A quiet start.",
        "today": today,
    }
    with school_scope(world.school):
        return plan_create(**(values | overrides))


def meeting(
    world: SchoolWorld, level: str, decisions: str | None = None, held_on: date | None = None
) -> Meeting:
    """A team around the child meeting about Maya, recorded by the lead at note ``level``."""
    with school_scope(world.school):
        return meeting_record(
            actor=world.lead,
            pupil=world.child,
            kind="tac",
            held_on=held_on or timezone.localdate(),
            attendees="Sam Adeyemi, social worker",
            child_voice="Maya drew her day.",
            decisions=decisions or f"Decided at the {level} meeting.",
            sensitivity=level,
            today=timezone.localdate(),
        )


def history(pupil: Pupil, adults: list[Staff], *, entries: int, today: date) -> int:
    """Give ``pupil`` about five years of key adults, team changes, meetings, contacts,
    check-ins, register marks, "you said" items, plans and reviews making ``entries``
    chronology entries in all (at least 300). Returns the number written."""
    school = pupil.school
    start = today - timedelta(days=5 * 365)
    written = 0
    with school_scope(school):
        relationships = []
        for i, adult in enumerate(adults[:6]):
            began = start + timedelta(days=300 * i)
            ended = began + timedelta(days=300) if i < min(len(adults), 6) - 1 else None
            relationships.append(
                KeyAdultRelationship(
                    school=school,
                    pupil=pupil,
                    key_adult=adult,
                    started_on=began,
                    ended_on=ended,
                    reason="Around every day.",
                    chosen_by_child=i % 2 == 0,
                )
            )
            written += 1 + (ended is not None)
        KeyAdultRelationship.objects.bulk_create(relationships)
        close = [
            CloseTeamMember(
                school=school,
                pupil=pupil,
                staff=adults[i % len(adults)],
                child_words="They make me laugh.",
                joined_on=start + timedelta(days=150 * i),
                left_on=start + timedelta(days=150 * i + 100) if i < 9 else None,
            )
            for i in range(10)
        ]
        CloseTeamMember.objects.bulk_create(close)
        written += sum(1 + (m.left_on is not None) for m in close)
        roles = list(TeamRole.values)
        wider = [
            WiderTeamMember(
                school=school,
                pupil=pupil,
                role=roles[i % len(roles)],
                name=f"Worker {i}",
                organisation="County services",
                started_on=start + timedelta(days=55 * i),
                ended_on=start + timedelta(days=55 * i + 50) if i < 27 else None,
                consent_to_share=i % 3 != 0,
            )
            for i in range(30)
        ]
        WiderTeamMember.objects.bulk_create(wider)
        written += sum(1 + (m.ended_on is not None) for m in wider)
        kinds = list(MeetingKind.values)
        Meeting.objects.bulk_create(
            Meeting(
                school=school,
                pupil=pupil,
                kind=kinds[i % len(kinds)],
                held_on=start + timedelta(days=90 * i),
                attendees="Key adult\nParent",
                child_voice="Said mornings are hard.",
                decisions="Meet at the gate.",
            )
            for i in range(MEETINGS)
        )
        written += MEETINGS
        ContactLogEntry.objects.bulk_create(
            ContactLogEntry(
                school=school,
                pupil=pupil,
                contacted_on=start + timedelta(days=45 * i),
                with_kind="parent_carer",
                with_name="Jo",
                method="phone",
                summary="Checked in about the morning.",
                agreed="Try the side gate." if i % 2 else "",
            )
            for i in range(CONTACTS)
        )
        written += CONTACTS
        written += _checkins(relationships[-1], today)
        written += _register(pupil, start, today)
        written += _you_said(pupil, adults[0], start)
        reviews = entries - written - PLANS
        written += _plans_and_reviews(pupil, adults[0], reviews, start, today)
    return written


CHECKIN_WEEKS = 10
YOU_SAID = 10
ABSENCE_EVERY = 60  # school days between runs of three days' illness


def _checkins(relationship: KeyAdultRelationship, today: date) -> int:
    """Morning check-ins on every weekday of the last ten weeks: one chronology entry a week."""
    monday = today - timedelta(days=today.weekday() + 7 * CHECKIN_WEEKS)
    outcomes = [Outcome.HAPPENED, Outcome.HAPPENED, Outcome.MISSED, Outcome.DECLINED]
    Checkin.objects.bulk_create(
        Checkin(
            school=relationship.school,
            relationship=relationship,
            pupil=relationship.pupil,
            on=monday + timedelta(days=7 * week + day),
            slot="start",
            outcome=outcomes[(week + day) % len(outcomes)],
            mood=Mood.SETTLED if day % 2 else Mood.OKAY,
        )
        for week in range(CHECKIN_WEEKS)
        for day in range(5)
    )
    return CHECKIN_WEEKS


def _register(pupil: Pupil, start: date, today: date) -> int:
    """Five years of morning and afternoon marks with a three-day illness every sixty school
    days, and five marks changed (three by one import, two by hand)."""
    school = pupil.school
    days = [
        start + timedelta(days=n)
        for n in range((today - start).days)
        if (start + timedelta(days=n)).weekday() < 5
    ]
    starts = range(ABSENCE_EVERY, len(days) - 3, ABSENCE_EVERY)
    ill = {first + k for first in starts for k in range(3)}
    SessionMark.objects.bulk_create(
        SessionMark(
            school=school,
            pupil=pupil,
            date=day,
            session=session,
            code="I" if i in ill else present,
            original_code="I" if i in ill else present,
        )
        for i, day in enumerate(days)
        for session, present in (("AM", "/"), ("PM", "\\"))
    )
    now = timezone.now()
    source = AttendanceImport.objects.create(
        school=school, kind="csv", file_name="register.csv", imported_at=now
    )
    MarkChange.objects.bulk_create(
        MarkChange(
            school=school,
            pupil=pupil,
            date=days[-n],
            session="AM",
            old_code="O",
            old_original_code="O",
            new_code="/",
            new_original_code="/",
            changed_at=now - timedelta(days=n) if n > 3 else now,
            source=source if n <= 3 else None,
        )
        for n in range(1, 6)
    )
    return len(starts) + 3


def _you_said(pupil: Pupil, adult: Staff, start: date) -> int:
    """Ten things raised; every other one done (a second entry) and signed off."""
    YouSaid.objects.bulk_create(
        YouSaid(
            school=pupil.school,
            pupil=pupil,
            kind=YouSaidKind.IDEA if i % 3 else YouSaidKind.CONCERN,
            raised_by=RaisedBy.FAMILY,
            raised_by_name="Jo",
            their_words="Could the mornings start more quietly?",
            raised_on=start + timedelta(days=150 * i),
            status=YouSaidStatus.DONE if i % 2 else YouSaidStatus.OPEN,
            what_we_did="A quiet start in the library." if i % 2 else "",
            done_by=adult if i % 2 else None,
            done_on=start + timedelta(days=150 * i + 10) if i % 2 else None,
            signed_off_on=start + timedelta(days=150 * i + 20) if i % 2 else None,
        )
        for i in range(YOU_SAID)
    )
    return YOU_SAID + YOU_SAID // 2


def _plans_and_reviews(pupil: Pupil, owner: Staff, reviews: int, start: date, today: date) -> int:
    school = pupil.school
    kinds = list(PlanKind.values)
    plans = Plan.objects.bulk_create(
        Plan(
            school=school,
            pupil=pupil,
            kind=kinds[i % len(kinds)],
            owner=owner,
            started_on=start + timedelta(days=30 * i),
        )
        for i in range(PLANS)
    )
    per_plan = [reviews // PLANS + (i < reviews % PLANS) for i in range(PLANS)]
    versions = PlanVersion.objects.bulk_create(
        PlanVersion(
            school=school,
            plan=plan,
            number=n + 1,
            child_goals="To feel settled in class.",
            review_due_on=plan.started_on + timedelta(days=n + 1),
            what_changed=f"Review {n}: small steps kept going." if n else "",
            created_on=plan.started_on + timedelta(days=n),
        )
        for plan, count in zip(plans, per_plan, strict=True)
        for n in range(count + 1)
    )
    by_plan: dict[int, list[PlanVersion]] = {}
    for version in versions:
        by_plan.setdefault(version.plan_id, []).append(version)
    PlanReview.objects.bulk_create(
        PlanReview(
            school=school,
            plan_id=plan_id,
            held_on=min(later.created_on, today),
            reviewed_version=earlier,
            new_version=later,
        )
        for plan_id, chain in by_plan.items()
        for earlier, later in itertools.pairwise(chain)
    )
    return PLANS + reviews
