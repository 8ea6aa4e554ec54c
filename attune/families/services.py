"""What families write, and what staff do with it: each a named write in one transaction with
its audit record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from attune.access.standing import forget
from attune.accounts.models import User
from attune.attendance.domain.codes import CODES
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.checkins.models import EmailFrom, FamilySharing, Noticing, ShareChannel
from attune.checkins.services.family_sharing import SharingTerms
from attune.errors import AttuneError
from attune.families.models import AbsenceReport, AbsenceStatus, FamilyReply
from attune.people.models import Contact, Pupil, PupilContact


class FamilyError(AttuneError):
    pass


# The codes the office may choose for an absence a family told us about: every absence code
# in force (authorised or not). The family never chooses one.
ABSENCE_CODES = sorted(code for code, meaning in CODES.items() if meaning.is_absence)
LONGEST_ABSENCE = timedelta(days=60)


def family_reply_send(
    *, actor: User, contact: Contact, noticing: Noticing, text: str
) -> FamilyReply:
    """A family's reply to a note that went home; the key adult reads it on Today."""
    text = text.strip()
    if not text:
        raise FamilyError("Write your reply first.", "families.reply.empty", "text")
    if len(text) > 1000:
        raise FamilyError("Please keep it shorter.", "families.reply.long", "text")
    with transaction.atomic():
        reply = FamilyReply.objects.create(
            school_id=noticing.school_id,
            pupil_id=noticing.pupil_id,
            noticing=noticing,
            contact=contact,
            text=text,
        )
        record(Action.FAMILY_REPLY_SENT, reply, actor=actor, changes={"text": text})
    return reply


def family_reply_seen(*, actor: User, reply: FamilyReply) -> FamilyReply:
    """The key adult has read the reply: it leaves Today."""
    if reply.seen_at is not None:
        return reply
    with transaction.atomic():
        reply.seen_at, reply.seen_by = timezone.now(), actor
        reply.save(update_fields=["seen_at", "seen_by"])
        record(Action.FAMILY_REPLY_SEEN, reply, actor=actor)
    return reply


@dataclass(frozen=True, slots=True)
class AbsenceTold:
    first_day: date
    last_day: date
    reason: str


def absence_report_make(
    *, actor: User, contact: Contact, pupil: Pupil, told: AbsenceTold, today: date
) -> AbsenceReport:
    """A family tells the school about an absence: it waits on the office's list."""
    if told.last_day < told.first_day:
        raise FamilyError(
            "The last day must be on or after the first day.", "families.absence.order", "last_day"
        )
    if told.first_day < today - timedelta(days=14):
        raise FamilyError(
            "For an absence more than two weeks ago, please ring the school office.",
            "families.absence.too_old",
            "first_day",
        )
    if told.last_day - told.first_day > LONGEST_ABSENCE:
        raise FamilyError(
            "For an absence this long, please talk to the school office.",
            "families.absence.too_long",
            "last_day",
        )
    if not told.reason.strip():
        raise FamilyError("Tell us why, in a few words.", "families.absence.reason", "reason")
    with transaction.atomic():
        report = AbsenceReport.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            contact=contact,
            first_day=told.first_day,
            last_day=told.last_day,
            reason=told.reason.strip()[:500],
        )
        record(
            Action.FAMILY_ABSENCE_REPORTED,
            report,
            actor=actor,
            changes={
                "first_day": told.first_day.isoformat(),
                "last_day": told.last_day.isoformat(),
                "reason": report.reason,
            },
        )
    return report


def absence_report_confirm(
    *, actor: User, report: AbsenceReport, code: str, note: str = ""
) -> AbsenceReport:
    """The office confirms an absence a family told us about and chooses its register code."""
    code = code.strip().upper()
    if code not in ABSENCE_CODES:
        raise FamilyError(
            "Choose the register code for this absence.", "families.absence.code", "code"
        )
    if report.status == AbsenceStatus.CONFIRMED:
        raise FamilyError("This absence is already confirmed.", "families.absence.confirmed")
    with transaction.atomic():
        report.status, report.code, report.office_note = AbsenceStatus.CONFIRMED, code, note[:500]
        report.confirmed_by, report.confirmed_at = actor, timezone.now()
        report.save(update_fields=["status", "code", "office_note", "confirmed_by", "confirmed_at"])
        record(
            Action.FAMILY_ABSENCE_CONFIRMED,
            report,
            actor=actor,
            changes={"code": code, "office_note": report.office_note},
        )
    return report


def pupil_contact_mark(
    *, actor: User, link: PupilContact, parental_responsibility: bool, no_contact: bool
) -> PupilContact:
    """Staff mark by hand whether a contact has parental responsibility for the child, and
    whether they must not be contacted (kept apart from the MIS's own mark, so a sync never
    clears it). A "no contact" mark stops the family page and every message at once."""
    old = {
        "parental_responsibility": link.parental_responsibility,
        "no_contact_by_school": link.no_contact_by_school,
    }
    with transaction.atomic():
        link.parental_responsibility = parental_responsibility
        link.no_contact_by_school = no_contact
        link.save(update_fields=["parental_responsibility", "no_contact_by_school"])
        record(
            Action.FAMILY_CONTACT_MARKED,
            link,
            actor=actor,
            changes={
                "parental_responsibility": [
                    old["parental_responsibility"],
                    parental_responsibility,
                ],
                "no_contact_by_school": [old["no_contact_by_school"], no_contact],
            },
        )
    forget()
    return link


def hearing_terms(
    contact: Contact, data: dict[str, Any], sharing: FamilySharing | None, today: date
) -> SharingTerms:
    """How good news goes home, as the family chose it on their page: to their own email
    address or phone, or the child tells them; with their consent, dated today. What the child
    said about it (recorded by staff) is kept."""
    channel = data["channel"]
    return SharingTerms(
        channel=channel,
        home_name=contact.full_name,
        email_from=EmailFrom.TYPED,
        email=contact.email if channel == ShareChannel.EMAIL else "",
        phone=(data.get("phone") or contact.phone) if channel == ShareChannel.PHONE else "",
        consent_given_by=f"{contact.full_name}, on the family page",
        consent_given_on=today,
        child_view=sharing.child_view if sharing is not None else "",
    )
