"""Every write about check-ins, absences and attunement, audited in the same transaction."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from attune.accounts.models import User
from attune.auditlog.services import audit_log
from attune.checkins.domain import attunement
from attune.checkins.domain.delivery import next_attempt_at
from attune.checkins.domain.schedule import ScheduleError
from attune.checkins.models import (
    AttunementRecord,
    Checkin,
    CheckinPlan,
    ContactBy,
    ContactOutcome,
    DeliveryStatus,
    EmailFrom,
    EmailHome,
    FamilySharing,
    KeepInTouchContact,
    KeepInTouchRoutine,
    Noticing,
    Outcome,
    PhoneOutcome,
    RelationshipTarget,
    SchoolClosure,
    ShareChannel,
    StaffAbsence,
)
from attune.checkins.selectors import current_level, domain_plan, slots_due_for
from attune.errors import AttuneError
from attune.people.contacts import home_email_contact
from attune.people.models import Pupil, Staff
from attune.relationships.models import KeyAdultRelationship


class CheckinError(AttuneError):
    pass


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """What was agreed with the child; the fields of :class:`CheckinPlan` people fill in."""

    at_start_of_day: bool
    at_end_of_day: bool
    at_time: time | None
    weekdays: tuple[int, ...]
    duration_minutes: int
    place: str
    form: str
    what_helps: str
    child_words: str
    starts_on: date
    ends_on: date | None
    review_on: date


_SCHEDULE_FIELDS = {
    "schedule.weekdays": "weekdays",
    "schedule.duration": "duration_minutes",
    "schedule.plan_dates": "ends_on",
}


def _check_terms(terms: PlanTerms) -> None:
    if not (terms.at_start_of_day or terms.at_end_of_day or terms.at_time):
        raise CheckinError(
            "Choose at least one time of day for the check-in.", "checkins.plan.no_time", "at_time"
        )
    if terms.review_on < terms.starts_on:
        raise CheckinError(
            "The review date cannot be before the plan starts.",
            "checkins.plan.review_before_start",
            "review_on",
        )
    if not terms.place.strip():
        raise CheckinError(
            "Say where the check-in happens, so the child knows where to go.",
            "checkins.plan.no_place",
            "place",
        )
    try:
        domain_plan(_unsaved(terms))
    except ScheduleError as error:
        raise CheckinError(str(error), error.code, _SCHEDULE_FIELDS.get(error.code)) from None


def _unsaved(terms: PlanTerms) -> CheckinPlan:
    return CheckinPlan(
        at_start_of_day=terms.at_start_of_day,
        at_end_of_day=terms.at_end_of_day,
        at_time=terms.at_time,
        weekdays="".join(str(d) for d in sorted(set(terms.weekdays))),
        duration_minutes=terms.duration_minutes,
        place=terms.place.strip(),
        form=terms.form,
        what_helps=terms.what_helps.strip(),
        child_words=terms.child_words.strip(),
        starts_on=terms.starts_on,
        ends_on=terms.ends_on,
        review_on=terms.review_on,
    )


def checkin_plan_save(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    terms: PlanTerms,
    request: HttpRequest | None = None,
) -> CheckinPlan:
    """Create the relationship's plan, or change it; the audit records what changed."""
    _check_terms(terms)
    if not relationship.is_current:
        raise CheckinError(
            "This relationship has ended, so its check-in plan cannot change.",
            "checkins.plan.relationship_ended",
        )
    new = _unsaved(terms)
    fields = [f.name for f in CheckinPlan._meta.concrete_fields if f.name in _PLAN_FIELDS]
    with transaction.atomic():
        plan = (
            CheckinPlan.objects.select_for_update(of=("self",))
            .filter(relationship=relationship)
            .first()
        )
        created = plan is None
        if plan is None:
            plan = new
            plan.school_id = relationship.school_id
            plan.relationship = relationship
            plan.created_by = actor
            changes = {f: _plain(getattr(plan, f)) for f in fields}
            plan.save()
        else:
            changes = {
                f: [_plain(getattr(plan, f)), _plain(getattr(new, f))]
                for f in fields
                if getattr(plan, f) != getattr(new, f)
            }
            for f in fields:
                setattr(plan, f, getattr(new, f))
            plan.save(update_fields=[*fields, "updated_at"])
        audit_log(
            actor=actor,
            action="checkins.plan.created" if created else "checkins.plan.changed",
            obj=plan,
            school=relationship.pupil.school,
            pupil=relationship.pupil,
            changes=changes,
            request=request,
        )
    return plan


_PLAN_FIELDS = frozenset(
    {
        "at_start_of_day",
        "at_end_of_day",
        "at_time",
        "weekdays",
        "duration_minutes",
        "place",
        "form",
        "what_helps",
        "child_words",
        "starts_on",
        "ends_on",
        "review_on",
    }
)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | time) else value


@dataclass(frozen=True, slots=True)
class HowItWent:
    """What the adult records for one check-in."""

    outcome: str
    mood: int | None = None
    note: str = ""
    needed_to_decompress: bool = False


def checkin_log(
    *,
    actor: User,
    staff: Staff,
    relationship: KeyAdultRelationship,
    on: date,
    slot: str,
    how: HowItWent,
    today: date,
    request: HttpRequest | None = None,
) -> Checkin:
    """Record (or correct) one check-in. ``staff`` is the adult logging it."""
    if on > today:
        raise CheckinError(
            "A check-in cannot be logged for a day that has not happened yet.",
            "checkins.log.future",
            "on",
        )
    if how.outcome not in Outcome.values:
        raise CheckinError("Choose how the check-in went.", "checkins.log.outcome", "outcome")
    if slot not in {s.key for s in slots_due_for(relationship, on)}:
        raise CheckinError(
            "No check-in was planned for that time on that day.", "checkins.log.no_slot", "slot"
        )
    outcome, done_by = _who_did_it(relationship, staff, how.outcome)
    with transaction.atomic():
        checkin, created = Checkin.objects.update_or_create(
            relationship=relationship,
            on=on,
            slot=slot,
            defaults={
                "school_id": relationship.school_id,
                "pupil_id": relationship.pupil_id,
                "outcome": outcome,
                "mood": how.mood,
                "note": how.note.strip(),
                "needed_to_decompress": how.needed_to_decompress,
                "done_by": done_by,
                "recorded_by": actor,
            },
        )
        audit_log(
            actor=actor,
            action="checkins.checkin.logged" if created else "checkins.checkin.corrected",
            obj=checkin,
            school=relationship.pupil.school,
            pupil=relationship.pupil,
            changes={
                "on": on.isoformat(),
                "slot": slot,
                "outcome": outcome,
                "mood": how.mood,
                "needed_to_decompress": how.needed_to_decompress,
                "done_by": done_by.full_name if done_by else None,
            },
            request=request,
        )
    return checkin


def _who_did_it(
    relationship: KeyAdultRelationship, staff: Staff, outcome: str
) -> tuple[str, Staff | None]:
    """A co-worker's check-in is recorded as covered, so the day's record shows who did it."""
    if staff.pk == relationship.co_worker_id and outcome == Outcome.HAPPENED:
        return Outcome.COVERED, staff
    if outcome == Outcome.COVERED and staff.pk == relationship.key_adult_id:
        return outcome, relationship.co_worker
    return outcome, staff


def staff_absence_record(
    *,
    actor: User,
    staff: Staff,
    on: date,
    reason: str,
    today: date,
    request: HttpRequest | None = None,
) -> StaffAbsence:
    if on < today:
        raise CheckinError(
            "Absences are recorded for today or a day ahead.", "checkins.absence.past", "on"
        )
    with transaction.atomic():
        absence, created = StaffAbsence.objects.get_or_create(
            staff=staff,
            on=on,
            defaults={"school_id": staff.school_id, "reason": reason.strip(), "recorded_by": actor},
        )
        if not created:
            raise CheckinError(
                f"{staff.full_name} is already recorded as away that day.",
                "checkins.absence.duplicate",
                "on",
            )
        audit_log(
            actor=actor,
            action="checkins.staff_absence.recorded",
            obj=absence,
            school=absence.school,
            changes={"staff": staff.full_name, "on": on.isoformat(), "reason": absence.reason},
            request=request,
        )
    return absence


def staff_absence_remove(
    *, actor: User, absence: StaffAbsence, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="checkins.staff_absence.removed",
            obj=absence,
            school=absence.school,
            changes={"staff": absence.staff.full_name, "on": absence.on.isoformat()},
            request=request,
        )
        absence.delete()


def school_closure_add(
    *, actor: User, school_id: int, on: date, reason: str, request: HttpRequest | None = None
) -> SchoolClosure:
    if not reason.strip():
        raise CheckinError(
            "Say why the school is closed (for example, a training day).",
            "checkins.closure.reason",
            "reason",
        )
    with transaction.atomic():
        closure, created = SchoolClosure.objects.get_or_create(
            school_id=school_id, on=on, defaults={"reason": reason.strip()}
        )
        if not created:
            raise CheckinError(
                "That day is already recorded as a closure.", "checkins.closure.duplicate", "on"
            )
        audit_log(
            actor=actor,
            action="checkins.closure.added",
            obj=closure,
            school=closure.school,
            changes={"on": on.isoformat(), "reason": closure.reason},
            request=request,
        )
    return closure


def attunement_record(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    on: date,
    level: int,
    evidence: str,
    today: date,
    request: HttpRequest | None = None,
) -> AttunementRecord:
    if on > today:
        raise CheckinError(
            "Record what you have already seen: the date cannot be in the future.",
            "checkins.attunement.future",
            "on",
        )
    if on < relationship.started_on:
        raise CheckinError(
            "The date cannot be before the relationship started "
            f"({relationship.started_on:%d %B %Y}).",
            "checkins.attunement.before_start",
            "on",
        )
    if not evidence.strip():
        raise CheckinError(
            "Describe what you saw that shows this level: a moment, in a sentence or two.",
            "checkins.attunement.evidence",
            "evidence",
        )
    with transaction.atomic():
        record = AttunementRecord.objects.create(
            school_id=relationship.school_id,
            relationship=relationship,
            on=on,
            level=attunement.Principle(level),
            evidence=evidence.strip(),
            recorded_by=actor,
        )
        audit_log(
            actor=actor,
            action="checkins.attunement.recorded",
            obj=record,
            school=relationship.pupil.school,
            pupil=relationship.pupil,
            changes={"on": on.isoformat(), "level": attunement.Principle(level).label},
            request=request,
        )
    return record


def relationship_target_set(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    principle: int,
    text: str,
    today: date,
    request: HttpRequest | None = None,
) -> RelationshipTarget:
    """Guiding targets wait until the relationship is recorded as attuned (KA-8)."""
    if not text.strip():
        raise CheckinError("Write the target in a sentence.", "checkins.target.text", "text")
    kind = attunement.Principle(principle)
    if kind is attunement.Principle.GUIDING:
        decision = attunement.can_set_guiding_target(current_level(relationship))
        if not decision.allowed:
            raise CheckinError(decision.reason, "checkins.target.not_attuned", "principle")
    with transaction.atomic():
        target = RelationshipTarget.objects.create(
            school_id=relationship.school_id,
            relationship=relationship,
            principle=kind,
            text=text.strip(),
            set_on=today,
            set_by=actor,
        )
        audit_log(
            actor=actor,
            action="checkins.target.set",
            obj=target,
            school=relationship.pupil.school,
            pupil=relationship.pupil,
            changes={"principle": kind.label, "text": target.text},
            request=request,
        )
    return target


# ---------------------------------------------------------------------------------------------
# How good news goes home, positive noticing and the emails it sends


@dataclass(frozen=True, slots=True)
class SharingTerms:
    """How the child and family agreed good news goes home."""

    channel: str
    home_name: str = ""
    email_from: str = EmailFrom.TYPED
    email: str = ""
    phone: str = ""
    consent_given_by: str = ""
    consent_given_on: date | None = None
    child_view: str = ""


def _check_sharing(terms: SharingTerms, today: date, pupil: Pupil) -> None:
    if terms.channel not in ShareChannel.values:
        raise CheckinError("Choose how good news goes home.", "checkins.sharing.channel", "channel")
    if terms.consent_given_on is not None and terms.consent_given_on > today:
        raise CheckinError(
            "Consent cannot be dated in the future.",
            "checkins.sharing.consent_future",
            "consent_given_on",
        )
    if terms.consent_given_on is not None and not terms.consent_given_by.strip():
        raise CheckinError(
            "Say who gave consent, for example 'Mum, at the review meeting'.",
            "checkins.sharing.consent_by",
            "consent_given_by",
        )
    from_mis = terms.email_from == EmailFrom.MIS
    if terms.channel == ShareChannel.EMAIL and not from_mis and not terms.email.strip():
        raise CheckinError(
            "Give the email address the family asked us to use.",
            "checkins.sharing.no_email",
            "email",
        )
    if terms.channel == ShareChannel.EMAIL and from_mis and home_email_contact(pupil) is None:
        raise CheckinError(
            "The school's MIS has no email address for a parent or carer with parental "
            "responsibility for this child. Type the address the family gave instead.",
            "checkins.sharing.no_mis_email",
            "email_from",
        )
    if terms.channel == ShareChannel.EMAIL and terms.consent_given_on is None:
        raise CheckinError(
            "Email needs the family's consent first: record who gave it and when.",
            "checkins.sharing.no_consent",
            "consent_given_on",
        )


_SHARING_FIELDS = (
    "channel",
    "home_name",
    "email_from",
    "email",
    "phone",
    "consent_given_by",
    "consent_given_on",
    "child_view",
)


def family_sharing_save(
    *,
    actor: User,
    pupil: Pupil,
    terms: SharingTerms,
    today: date,
    request: HttpRequest | None = None,
) -> FamilySharing:
    """Record how good news goes home for ``pupil`` (the audit keeps no address, only that it
    changed)."""
    _check_sharing(terms, today, pupil)
    values = {
        "channel": terms.channel,
        "home_name": terms.home_name.strip(),
        "email_from": terms.email_from if terms.email_from in EmailFrom.values else EmailFrom.TYPED,
        "email": terms.email.strip(),
        "phone": terms.phone.strip(),
        "consent_given_by": terms.consent_given_by.strip(),
        "consent_given_on": terms.consent_given_on,
        "child_view": terms.child_view.strip(),
    }
    with transaction.atomic():
        sharing = FamilySharing.objects.select_for_update(of=("self",)).filter(pupil=pupil).first()
        created = sharing is None
        if sharing is None:
            sharing = FamilySharing(school_id=pupil.school_id, pupil=pupil)
        changed = [f for f in _SHARING_FIELDS if getattr(sharing, f) != values[f]]
        for name, value in values.items():
            setattr(sharing, name, value)
        sharing.updated_by = actor
        if created:
            sharing.save()
        else:
            sharing.save(update_fields=[*_SHARING_FIELDS, "updated_by", "updated_at"])
        audit_log(
            actor=actor,
            action="checkins.sharing.set" if created else "checkins.sharing.changed",
            obj=sharing,
            school=pupil.school,
            pupil=pupil,
            changes={
                "channel": sharing.channel,
                "consent": sharing.consent_given_on.isoformat()
                if sharing.consent_given_on
                else None,
                "changed": changed,
            },
            request=request,
        )
    return sharing


@dataclass(frozen=True, slots=True)
class WhatWasNoticed:
    """Two positives, and how they went home (``shared_by`` empty when not shared yet)."""

    on: date
    proud_of: str
    noticed: str
    child_in_school: bool = True
    shared_by: str = ""
    phone_outcome: str = ""
    share_note: str = ""


def noticing_not_yours() -> CheckinError:
    """The same refusal for another adult's child and for a child not found at all."""
    return CheckinError(
        "You can only record noticing for children you are key adult or co-worker for.",
        "checkins.noticing.not_yours",
        "pupil",
    )


def noticing_relationship(staff: Staff, pupil: Pupil) -> KeyAdultRelationship | None:
    """The current relationship where ``staff`` is the child's key adult or co-worker."""
    return (
        KeyAdultRelationship.objects.filter(pupil=pupil, ended_on__isnull=True)
        .filter(Q(key_adult=staff) | Q(co_worker=staff))
        .select_related("pupil", "pupil__school")
        .first()
    )


def _check_noticing(what: WhatWasNoticed, sharing: FamilySharing | None, today: date) -> None:
    if what.on > today:
        raise CheckinError(
            "Record what has already happened: the date cannot be in the future.",
            "checkins.noticing.future",
            "on",
        )
    if not what.proud_of.strip():
        raise CheckinError(
            "Write what the child was proud of, in their words if you can.",
            "checkins.noticing.proud_of",
            "proud_of",
        )
    if not what.noticed.strip():
        raise CheckinError(
            "Write the good thing you noticed.", "checkins.noticing.noticed", "noticed"
        )
    if what.shared_by and what.shared_by not in ShareChannel.values:
        raise CheckinError("Choose how it went home.", "checkins.noticing.channel", "shared_by")
    if what.shared_by == ShareChannel.PHONE and what.phone_outcome not in PhoneOutcome.values:
        raise CheckinError(
            "Say how the phone call went.", "checkins.noticing.phone_outcome", "phone_outcome"
        )
    if what.shared_by == ShareChannel.EMAIL and (sharing is None or not email_home_to(sharing)):
        raise CheckinError(
            "There is no email address for this family yet. Add it on the child's page, "
            "or share it another way.",
            "checkins.noticing.no_email",
            "shared_by",
        )
    if what.shared_by == ShareChannel.EMAIL and sharing is not None and not sharing.has_consent:
        raise CheckinError(
            "The family has not agreed to email yet, so it cannot go by email.",
            "checkins.noticing.no_consent",
            "shared_by",
        )


def noticing_record(
    *,
    actor: User,
    staff: Staff,
    pupil: Pupil,
    what: WhatWasNoticed,
    today: date,
    request: HttpRequest | None = None,
) -> Noticing:
    """Save two positives for a child; by email, the message is queued for the worker."""
    relationship = noticing_relationship(staff, pupil)
    if relationship is None:
        raise noticing_not_yours()
    sharing = FamilySharing.objects.filter(pupil=pupil).first()
    _check_noticing(what, sharing, today)
    with transaction.atomic():
        noticing = Noticing.objects.create(
            school_id=pupil.school_id,
            relationship=relationship,
            pupil=pupil,
            on=what.on,
            child_in_school=what.child_in_school,
            proud_of=what.proud_of.strip(),
            noticed=what.noticed.strip(),
            shared_by=what.shared_by,
            phone_outcome=what.phone_outcome if what.shared_by == ShareChannel.PHONE else "",
            share_note=what.share_note.strip(),
            recorded_by_staff=staff,
            recorded_by=actor,
        )
        audit_log(
            actor=actor,
            action="checkins.noticing.recorded",
            obj=noticing,
            school=relationship.pupil.school,
            pupil=pupil,
            changes={
                "on": what.on.isoformat(),
                "child_in_school": what.child_in_school,
                "shared_by": noticing.shared_by or None,
                "phone_outcome": noticing.phone_outcome or None,
            },
            request=request,
        )
        if what.shared_by == ShareChannel.EMAIL and sharing is not None:
            _queue_email(actor, noticing, sharing, staff, today, request)
    return noticing


def _queue_email(
    actor: User,
    noticing: Noticing,
    sharing: FamilySharing,
    staff: Staff,
    today: date,
    request: HttpRequest | None,
) -> EmailHome:
    pupil = noticing.pupil
    school = pupil.school
    when = "today" if noticing.on == today else f"on {noticing.on:%A %-d %B}"
    to, name = email_home_to(sharing) or ("", "")
    email = EmailHome.objects.create(
        school_id=pupil.school_id,
        noticing=noticing,
        pupil=pupil,
        to=to,
        subject=f"Good news about {pupil.known_as} from {school.name}",
        body=email_body(noticing, sharing, staff, when, greet=name),
    )
    audit_log(
        actor=actor,
        action="checkins.email_home.queued",
        obj=email,
        school=school,
        pupil=pupil,
        changes={"noticing": str(noticing.pk)},
        request=request,
    )
    _enqueue(email, run_after=None)
    return email


def email_home_to(sharing: FamilySharing) -> tuple[str, str] | None:
    """The address good news goes to, and whom to greet: the MIS contact with parental
    responsibility listed first, unless the family gave another address; ``None`` if none."""
    if sharing.email_from != EmailFrom.MIS:
        return (sharing.email, sharing.home_name) if sharing.email else None
    link = home_email_contact(sharing.pupil)
    if link is None:
        return None
    return link.contact.email, sharing.home_name or link.contact.full_name


def email_body(
    noticing: Noticing, sharing: FamilySharing, staff: Staff, when: str, *, greet: str = ""
) -> str:
    name = noticing.pupil.known_as
    who = greet or sharing.home_name
    greeting = f"Hello {who}," if who else "Hello,"
    opening = (
        f"Two good things from {name}'s day {when}."
        if noticing.child_in_school
        else f"{name} was not in school {when}, and we still noticed two things worth sharing."
    )
    return "\n".join(
        [
            greeting,
            "",
            opening,
            "",
            f"What {name} was proud of:",
            noticing.proud_of,
            "",
            f"What {staff.first_name} noticed:",
            noticing.noticed,
            "",
            "With best wishes,",
            staff.full_name,
            noticing.pupil.school.name,
            "",
            "You are getting this because you asked the school to share good news by email. "
            "To change that, contact the school.",
        ]
    )


def _enqueue(email: EmailHome, *, run_after: datetime | None) -> None:
    from attune.checkins.tasks import send_email_home  # the task module imports this one

    task = send_email_home.using(run_after=run_after) if run_after else send_email_home
    task.enqueue(email.school_id, str(email.pk), email.attempts)


def email_home_send(*, email: EmailHome, attempts_before: int, now: datetime) -> EmailHome:
    """One attempt to send, run by the worker. Each attempt is counted on the row; a failure
    schedules the next try with a growing wait, and a stale task (one overtaken by a newer
    attempt or a sent message) does nothing."""
    if email.status == DeliveryStatus.SENT or email.attempts != attempts_before:
        return email
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        _record_attempt(email, now, error=f"{type(error).__name__}: {error}"[:500])
    else:
        _record_attempt(email, now, error=None)
    return email


def _record_attempt(email: EmailHome, now: datetime, *, error: str | None) -> None:
    with transaction.atomic():
        email.attempts += 1
        if error is None:
            email.status, email.sent_at, email.last_error = DeliveryStatus.SENT, now, ""
            email.next_attempt_at = None
        else:
            email.status, email.last_error = DeliveryStatus.FAILED, error
            email.next_attempt_at = next_attempt_at(email.attempts, now)
        email.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
        audit_log(
            actor=None,
            action="checkins.email_home.sent" if error is None else "checkins.email_home.failed",
            obj=email,
            school=email.pupil.school,
            pupil=email.pupil,
            changes={"attempt": email.attempts, "error": error},
        )
        if email.next_attempt_at is not None:
            _enqueue(email, run_after=email.next_attempt_at)


def email_home_retry(
    *, actor: User, email: EmailHome, request: HttpRequest | None = None
) -> EmailHome:
    """Send again now ("try again" on the messages home list)."""
    if email.status == DeliveryStatus.SENT:
        raise CheckinError("That message has already been sent.", "checkins.email_home.sent")
    with transaction.atomic():
        email.status, email.next_attempt_at = DeliveryStatus.QUEUED, None
        email.save(update_fields=["status", "next_attempt_at"])
        audit_log(
            actor=actor,
            action="checkins.email_home.retried",
            obj=email,
            school=email.pupil.school,
            pupil=email.pupil,
            changes={"attempts_so_far": email.attempts},
            request=request,
        )
        _enqueue(email, run_after=None)
    return email


# ---------------------------------------------------------------------------------------------
# Keeping in touch with a child who is not in school


@dataclass(frozen=True, slots=True)
class Routine:
    staff: Staff
    at: time
    by: str
    with_whom: str = ""
    notes: str = ""


def keep_in_touch_routine_save(
    *, actor: User, pupil: Pupil, routine: Routine, request: HttpRequest | None = None
) -> KeepInTouchRoutine:
    if routine.by not in ContactBy.values:
        raise CheckinError("Choose how you keep in touch.", "checkins.routine.by", "by")
    if routine.staff.school_id != pupil.school_id or not routine.staff.is_active:
        raise CheckinError(
            "Choose an adult who works at the school.", "checkins.routine.staff", "staff"
        )
    values = {
        "staff": routine.staff,
        "at": routine.at,
        "by": routine.by,
        "with_whom": routine.with_whom.strip(),
        "notes": routine.notes.strip(),
        "updated_by": actor,
    }
    with transaction.atomic():
        saved, created = KeepInTouchRoutine.objects.update_or_create(
            pupil=pupil, defaults={"school_id": pupil.school_id, **values}
        )
        audit_log(
            actor=actor,
            action="checkins.routine.set" if created else "checkins.routine.changed",
            obj=saved,
            school=pupil.school,
            pupil=pupil,
            changes={
                "staff": routine.staff.full_name,
                "at": routine.at.isoformat(timespec="minutes"),
                "by": routine.by,
                "with_whom": saved.with_whom,
            },
            request=request,
        )
    return saved


@dataclass(frozen=True, slots=True)
class Contact:
    on: date
    by: str
    outcome: str
    agreed: str = ""


def keep_in_touch_contact_log(
    *,
    actor: User,
    staff: Staff | None,
    pupil: Pupil,
    contact: Contact,
    today: date,
    request: HttpRequest | None = None,
) -> KeepInTouchContact:
    if contact.on > today:
        raise CheckinError(
            "A contact cannot be logged for a day that has not happened yet.",
            "checkins.contact.future",
            "on",
        )
    if contact.by not in ContactBy.values:
        raise CheckinError("Choose how you got in touch.", "checkins.contact.by", "by")
    if contact.outcome not in ContactOutcome.values:
        raise CheckinError("Choose how it went.", "checkins.contact.outcome", "outcome")
    with transaction.atomic():
        logged = KeepInTouchContact.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            on=contact.on,
            by=contact.by,
            outcome=contact.outcome,
            agreed=contact.agreed.strip(),
            staff=staff,
            recorded_by=actor,
        )
        audit_log(
            actor=actor,
            action="checkins.contact.logged",
            obj=logged,
            school=pupil.school,
            pupil=pupil,
            changes={"on": contact.on.isoformat(), "by": contact.by, "outcome": contact.outcome},
            request=request,
        )
    return logged
