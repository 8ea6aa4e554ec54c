"""Reads for the family page: only what the school shares home, never a note by its level.

A family reads no level of note (``rules.note_levels`` gives them none), so nothing here lists
notes by level: each read names what the school chose to share with home (a positive note that
went home, an observation marked for the family, the family's own actions from a meeting held
for everyone, the day's care in a nursery) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from attune.checkins.models import Noticing
from attune.earlyyears.models import CareEntry, DevelopmentEntry, DevelopmentEntryKind
from attune.families.models import AbsenceReport, FamilyReply
from attune.people.contacts import MAY_HEAR
from attune.people.models import Contact, Pupil, PupilContact
from attune.plans.models import MeetingAction, OwnerKind, PlanVersion, RaisedBy, YouSaid
from attune.relationships.models import KeyAdultRelationship

NOTES_SHOWN = 10


@dataclass
class FamilyPage:
    pupil: Pupil
    contact: Contact
    key_adult: KeyAdultRelationship | None
    notes: list[Noticing] = field(default_factory=list)
    actions: list[MeetingAction] = field(default_factory=list)
    next_review: date | None = None
    observations: list[DevelopmentEntry] = field(default_factory=list)
    care: list[CareEntry] = field(default_factory=list)
    absences: list[AbsenceReport] = field(default_factory=list)
    you_said: list[YouSaid] = field(default_factory=list)

    @property
    def nursery(self) -> bool:
        return in_early_years(self.pupil)


def in_early_years(pupil: Pupil) -> bool:
    """At a nursery, or in a school's nursery or reception class (the EYFS years)."""
    return bool(pupil.school.is_early_years) or pupil.year_group <= 0


def contact_for(user_contacts: list[Any], pupil: Pupil) -> Contact:
    """The contact this person signs in as for this child (the tie row's contact)."""
    link = (
        PupilContact.objects.select_related("contact")
        .filter(MAY_HEAR, pupil=pupil, contact_id__in=user_contacts)
        .first()
    )
    if link is None:  # pragma: no cover - the door has already checked the tie
        raise LookupError(pupil.pk)
    return link.contact


def shared_notes(pupil: Pupil, contact: Contact) -> QuerySet[Noticing]:
    """Positive notes that went home, newest first, each with this family's own replies."""
    return (
        Noticing.objects.filter(pupil=pupil)
        .exclude(shared_by="")
        .select_related("recorded_by_staff")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=FamilyReply.objects.filter(contact=contact).order_by("written_at"),
                to_attr="family_replies",
            )
        )
    )


def shared_note(pupil: Pupil, noticing_id: Any) -> Noticing | None:
    return Noticing.objects.filter(pupil=pupil, pk=noticing_id).exclude(shared_by="").first()


def family_page(pupil: Pupil, contact: Contact, today: date) -> FamilyPage:
    key_adult = (
        KeyAdultRelationship.objects.filter(pupil=pupil, ended_on__isnull=True)
        .select_related("key_adult")
        .first()
    )
    page = FamilyPage(pupil, contact, key_adult)
    page.notes = list(shared_notes(pupil, contact)[:NOTES_SHOWN])
    # Only a family's own actions, from meetings written for everyone who works with the child.
    page.actions = list(
        MeetingAction.objects.filter(
            meeting__pupil=pupil,
            meeting__sensitivity="everyone",
            owner_kind=OwnerKind.PARENT,
            done_on__isnull=True,
        ).order_by("due_on")
    )
    version = (
        PlanVersion.objects.filter(plan__pupil=pupil, plan__ended_on__isnull=True)
        .order_by("review_due_on")
        .filter(review_due_on__gte=today)
        .first()
    )
    page.next_review = version.review_due_on if version else None
    if page.nursery:
        page.observations = list(
            DevelopmentEntry.objects.filter(
                pupil=pupil, shared_with_family=True, kind=DevelopmentEntryKind.OBSERVATION
            )[:NOTES_SHOWN]
        )
        page.care = list(CareEntry.objects.filter(pupil=pupil, on=today).order_by("at"))
    page.absences = list(
        AbsenceReport.objects.filter(pupil=pupil, contact=contact, last_day__gte=today)
    )
    # What this family raised, and what the school did: their own items only.
    page.you_said = list(
        YouSaid.objects.filter(
            pupil=pupil, raised_by=RaisedBy.FAMILY, raised_by_name=contact.full_name
        ).order_by("-raised_on", "-created_at")[:NOTES_SHOWN]
    )
    return page


def absences_waiting() -> QuerySet[AbsenceReport]:
    """The office's list: absences families told us about, waiting first, in date order."""
    return AbsenceReport.objects.select_related("pupil", "contact").order_by(
        "-status", "first_day", "reported_at"
    )


def replies_for_key_adult(staff_id: Any) -> QuerySet[FamilyReply]:
    """Replies not yet read about the children this adult is key adult or co-worker for."""
    from django.db.models import Q

    mine = KeyAdultRelationship.objects.filter(ended_on__isnull=True).filter(
        Q(key_adult_id=staff_id) | Q(co_worker_id=staff_id)
    )
    return (
        FamilyReply.objects.filter(seen_at__isnull=True, pupil_id__in=mine.values("pupil_id"))
        .select_related("pupil", "contact", "noticing")
        .order_by("written_at")
    )
