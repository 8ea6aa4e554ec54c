"""Positive noticing: two good things about a child's day, and how they went home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.checkins.models import FamilySharing, Noticing, PhoneOutcome, ShareChannel
from attune.checkins.services.email_home import email_home_queue, email_home_to
from attune.checkins.services.errors import CheckinError
from attune.people.models import Pupil, Staff
from attune.relationships.models import KeyAdultRelationship


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
        record(
            Action.NOTICING_RECORDED,
            noticing,
            actor=actor,
            changes={
                "on": what.on.isoformat(),
                "child_in_school": what.child_in_school,
                "shared_by": noticing.shared_by or None,
                "phone_outcome": noticing.phone_outcome or None,
            },
        )
        if what.shared_by == ShareChannel.EMAIL and sharing is not None:
            email_home_queue(
                actor=actor, noticing=noticing, sharing=sharing, staff=staff, today=today
            )
    return noticing
