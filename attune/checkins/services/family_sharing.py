"""How good news goes home for a child, as the child and family agreed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.checkins.models import EmailFrom, FamilySharing, ShareChannel
from attune.checkins.services.errors import CheckinError
from attune.people.contacts import home_email_contact
from attune.people.models import Pupil


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
        record(
            Action.SHARING_HOME_SET if created else Action.SHARING_HOME_CHANGED,
            sharing,
            actor=actor,
            changes={
                "channel": sharing.channel,
                "consent": sharing.consent_given_on.isoformat()
                if sharing.consent_given_on
                else None,
                "changed": changed,
            },
        )
    return sharing
