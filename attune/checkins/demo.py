"""Demo check-ins: plans agreed with the children and a few weeks of logged check-ins.

Call :func:`build_checkins` after the demo's key adult relationships exist (the generator
does this). Synthetic, like everything in the demo; idempotent per school.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from attune.checkins.domain import schedule
from attune.checkins.domain.today import slot_key
from attune.checkins.models import (
    AttunementRecord,
    Checkin,
    CheckinForm,
    CheckinPlan,
    ContactBy,
    ContactOutcome,
    DeliveryStatus,
    EmailHome,
    FamilySharing,
    KeepInTouchContact,
    KeepInTouchRoutine,
    Mood,
    Noticing,
    Outcome,
    PhoneOutcome,
    SchoolClosure,
    ShareChannel,
    StaffAbsence,
)
from attune.checkins.selectors import cover_for, domain_plan
from attune.people.models import School
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope

WEEKS = 4
PLACES = ["the library corner", "the nurture room", "the quiet table by the office", "the garden"]
WORDS = [
    "I like it when we just sit and draw.",
    "Can we walk round the field instead?",
    "I want to show you my card when I can't say it.",
    "Mornings are the hard bit.",
]
HELPS = [
    "Sitting side by side, not face to face.",
    "A fidget to hold and no questions straight away.",
    "Knowing the time will not change.",
]
NOTES = [
    "Talked about the weekend.",
    "Quiet today; chose the feelings card for 'worried'.",
    "Came in smiling and told me about a new puppy.",
    "Needed a few minutes before coming into class.",
    "",
    "",
]
EVIDENCE = [
    "Looked up when I said hello and waited for me at the door.",
    "Started telling me about their drawing without being asked.",
    "I noticed a joke and laughed with them; they carried it on.",
    "We took turns building the story, each adding to what the other said.",
    "We worked out a plan together for the noisy lunch hall.",
]
OUTCOMES = [Outcome.HAPPENED] * 16 + [Outcome.MISSED, Outcome.DECLINED, Outcome.COVERED]


PROUD = [
    "Finishing my story without stopping.",
    "Scoring in the lunchtime football.",
    "Reading to the class.",
    "Remembering my PE kit all week.",
    "Helping tidy the art room.",
]
NOTICED = [
    "Waited calmly in the lunch queue and let a friend go first.",
    "Asked for help with a maths problem instead of giving up.",
    "Came in smiling and said good morning to the office.",
    "Kept going with a hard piece of writing.",
    "Made a younger child laugh when they were upset.",
]
EFFORT = [
    ("Sent in a photo of a model he built.", "Answered my call and told me about his morning."),
    ("Got dressed and packed her bag.", "She wanted to come in and asked about tomorrow."),
]
AGREED = [
    "Will try the first lesson tomorrow, with a meet at the gate.",
    "Mum will ring back after the GP appointment.",
    "",
]


@dataclass(frozen=True, slots=True)
class DemoCheckins:
    plans: int
    checkins: int
    noticings: int = 0


def build_checkins(school: School, *, today: date, seed: int = 2026) -> DemoCheckins:
    """Plans for most current relationships, their check-ins since the plan began, a closure
    day, one key adult away today, and dated attunement levels."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, nothing secret
    with school_scope(school):
        if CheckinPlan.objects.exists():
            return DemoCheckins(
                CheckinPlan.objects.count(), Checkin.objects.count(), Noticing.objects.count()
            )
        # In the pupils' order, not by their random ids, so the same seed gives the same
        # plans and the same adult away every time the demo is built.
        relationships = list(
            KeyAdultRelationship.objects.filter(ended_on__isnull=True).order_by("pupil__upn")
        )
        closure = _closure(school, today)
        calendar = schedule.SchoolCalendar(closures=frozenset({closure}))
        plans = [_plan(school, r, today, rng) for r in relationships if rng.random() < 0.85]
        CheckinPlan.objects.bulk_create(plans)
        checkins: list[Checkin] = []
        for number, plan in enumerate(plans):
            checkins += _history(plan, today, calendar, rng, struggling=number % 9 == 4)
        Checkin.objects.bulk_create(checkins, batch_size=1000)
        AttunementRecord.objects.bulk_create(
            record for plan in plans for record in _attunement(plan, today, rng)
        )
        if relationships:
            away = rng.choice(relationships).key_adult
            StaffAbsence.objects.create(school=school, staff=away, on=today, reason="Training")
        noticings = _good_news_home(school, relationships, today, calendar, rng)
        _keeping_in_touch(school, relationships[:3], today, calendar, rng)
    return DemoCheckins(len(plans), len(checkins), noticings)


def _school_days_before(today: date, calendar: schedule.SchoolCalendar, count: int) -> list[date]:
    days: list[date] = []
    day = today - timedelta(days=1)
    while len(days) < count:
        if calendar.is_school_day(day):
            days.append(day)
        day -= timedelta(days=1)
    return days


def _good_news_home(
    school: School,
    relationships: list[KeyAdultRelationship],
    today: date,
    calendar: schedule.SchoolCalendar,
    rng: random.Random,
) -> int:
    """How good news goes home for most children, and a fortnight of noticing. The demo's
    emails are stored as already sent (one failed, for the messages home list), never queued."""
    sharing = [_sharing(school, r, number, today, rng) for number, r in enumerate(relationships)]
    FamilySharing.objects.bulk_create(s for s in sharing if s is not None)
    channel = {s.pupil_id: s for s in sharing if s is not None}
    noticings: list[Noticing] = []
    emails: list[EmailHome] = []
    days = _school_days_before(today, calendar, 10)
    for r in relationships:
        for day in rng.sample(days, k=3):
            noticing = _noticing(school, r, day, channel.get(r.pupil_id), rng)
            noticings.append(noticing)
            if noticing.shared_by == ShareChannel.EMAIL:
                emails.append(_email(noticing, channel[r.pupil_id], day))
    Noticing.objects.bulk_create(noticings)
    if emails:
        emails[-1].status, emails[-1].sent_at = DeliveryStatus.FAILED, None
        emails[-1].attempts, emails[-1].last_error = 6, "SMTPRecipientsRefused: mailbox full"
    EmailHome.objects.bulk_create(emails)
    return len(noticings)


def _sharing(
    school: School,
    relationship: KeyAdultRelationship,
    number: int,
    today: date,
    rng: random.Random,
) -> FamilySharing | None:
    if rng.random() < 0.25:
        return None  # not agreed yet
    chosen = rng.choice(ShareChannel.values)
    return FamilySharing(
        school=school,
        pupil=relationship.pupil,
        channel=chosen,
        home_name=rng.choice(["Mum", "Dad", "Nan", "Ms Carter", ""]),
        email=f"family{number}@example.invalid" if chosen == ShareChannel.EMAIL else "",
        consent_given_by="Parent, at the plan meeting" if chosen == ShareChannel.EMAIL else "",
        consent_given_on=today - timedelta(days=40) if chosen == ShareChannel.EMAIL else None,
        child_view=rng.choice(["I like it when you tell Mum.", "I want to tell them myself.", ""]),
    )


def _noticing(
    school: School,
    relationship: KeyAdultRelationship,
    day: date,
    sharing: FamilySharing | None,
    rng: random.Random,
) -> Noticing:
    in_school = rng.random() < 0.85
    proud, noticed = (rng.choice(PROUD), rng.choice(NOTICED)) if in_school else rng.choice(EFFORT)
    shared_by = sharing.channel if sharing else ""
    return Noticing(
        school=school,
        relationship=relationship,
        pupil=relationship.pupil,
        on=day,
        child_in_school=in_school,
        proud_of=proud,
        noticed=noticed,
        shared_by=shared_by,
        phone_outcome=rng.choice(PhoneOutcome.values) if shared_by == ShareChannel.PHONE else "",
        recorded_by_staff=relationship.key_adult,
    )


def _email(noticing: Noticing, sharing: FamilySharing, day: date) -> EmailHome:
    sent_at = datetime.combine(day, time(15, 40), tzinfo=UTC)
    return EmailHome(
        school_id=noticing.school_id,
        noticing=noticing,
        pupil=noticing.pupil,
        to=sharing.email,
        subject=f"Good news about {noticing.pupil.known_as}",
        body=f"What they were proud of: {noticing.proud_of}\nWhat we noticed: {noticing.noticed}",
        status=DeliveryStatus.SENT,
        attempts=1,
        sent_at=sent_at,
    )


def _keeping_in_touch(
    school: School,
    relationships: list[KeyAdultRelationship],
    today: date,
    calendar: schedule.SchoolCalendar,
    rng: random.Random,
) -> None:
    """A few children with a daily keeping-in-touch routine and the contacts logged."""
    days = _school_days_before(today, calendar, 5)
    for r in relationships:
        routine = KeepInTouchRoutine.objects.create(
            school=school,
            pupil=r.pupil,
            staff=r.key_adult,
            at=time(9, 30),
            by=rng.choice([ContactBy.PHONE, ContactBy.TEXT]),
            with_whom=f"{r.pupil.known_as}, then a parent",
        )
        KeepInTouchContact.objects.bulk_create(
            KeepInTouchContact(
                school=school,
                pupil=r.pupil,
                on=day,
                by=routine.by,
                outcome=rng.choice(ContactOutcome.values),
                agreed=rng.choice(AGREED),
                staff=r.key_adult,
            )
            for day in days[: rng.randint(1, 4)]
        )


def _closure(school: School, today: date) -> date:
    day = today - timedelta(days=10)
    while day.weekday() >= schedule.SATURDAY:
        day -= timedelta(days=1)
    SchoolClosure.objects.create(school=school, on=day, reason="Staff training day")
    return day


def _plan(
    school: School, relationship: KeyAdultRelationship, today: date, rng: random.Random
) -> CheckinPlan:
    starts = max(relationship.started_on, today - timedelta(weeks=WEEKS))
    lunch = rng.random() < 0.2
    return CheckinPlan(
        school=school,
        relationship=relationship,
        at_start_of_day=True,
        at_end_of_day=rng.random() < 0.7,
        at_time=time(12, 30) if lunch else None,
        weekdays="01234" if rng.random() < 0.8 else "024",
        duration_minutes=rng.choice([5, 10, 10, 15]),
        place=rng.choice(PLACES),
        form=rng.choice(CheckinForm.values),
        what_helps=rng.choice(HELPS),
        child_words=rng.choice(WORDS),
        starts_on=starts,
        review_on=today + timedelta(days=rng.randrange(5, 50)),
    )


def _history(
    plan: CheckinPlan,
    today: date,
    calendar: schedule.SchoolCalendar,
    rng: random.Random,
    *,
    struggling: bool,
) -> list[Checkin]:
    relationship = plan.relationship
    rules = domain_plan(plan)
    cover = cover_for(relationship, set())
    rows: list[Checkin] = []
    day = plan.starts_on
    while day < today:
        for due in schedule.due_on(day, rules, calendar, cover).due:
            outcome = rng.choice(OUTCOMES)
            if struggling and (today - day).days <= 6:
                outcome = Outcome.MISSED  # a few children show the "missed in a row" warning
            rows.append(_checkin(plan, day, slot_key(due.slot), outcome, rng))
        day += timedelta(days=1)
    return rows


def _checkin(plan: CheckinPlan, day: date, slot: str, outcome: str, rng: random.Random) -> Checkin:
    relationship = plan.relationship
    happened = outcome in (Outcome.HAPPENED, Outcome.COVERED)
    done_by = relationship.co_worker if outcome == Outcome.COVERED else relationship.key_adult
    return Checkin(
        school_id=plan.school_id,
        relationship=relationship,
        pupil_id=relationship.pupil_id,
        on=day,
        slot=slot,
        outcome=outcome,
        mood=rng.choice(Mood.values[1:]) if happened else None,
        note=rng.choice(NOTES) if happened else "",
        needed_to_decompress=happened and rng.random() < 0.15,
        done_by=done_by,
    )


def _attunement(plan: CheckinPlan, today: date, rng: random.Random) -> list[AttunementRecord]:
    relationship = plan.relationship
    level = rng.randint(1, 2)
    day = max(relationship.started_on, today - timedelta(days=180))
    rows: list[AttunementRecord] = []
    for _ in range(rng.randint(1, 3)):
        rows.append(
            AttunementRecord(
                school_id=plan.school_id,
                relationship=relationship,
                on=day,
                level=level,
                evidence=EVIDENCE[level - 1],
            )
        )
        level = min(level + rng.randint(0, 2), 5)
        day = min(day + timedelta(days=rng.randrange(20, 60)), today)
    return rows
