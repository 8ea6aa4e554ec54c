"""Letting a parent or carer in: the family page's sign-in by emailed link.

Families sign in the one way every outside person does (``attune.accounts.links``), with their
own purpose: a ``LinkAccess`` of purpose ``FAMILY_PURPOSE`` names one ``people.Contact``. It
stands only while the school records that contact with parental responsibility and no "no
contact" mark for at least one child (``still_live``): so a parent marked "no contact" is sent
no link, cannot use one already sent, and is refused on their next page.

Staff send the first link from the child's family page; after that a parent can ask for a new
one at ``/accounts/link/`` with the same email address.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from attune.accounts import links
from attune.accounts.models import LinkAccess, User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.families.services import FamilyError
from attune.families.ties import FAMILY_PURPOSE
from attune.people.contacts import MAY_HEAR
from attune.people.models import PupilContact
from attune.tenancy import scopes_disabled


def may_sign_in(link: PupilContact) -> bool:
    """Whether this contact may use the family page for this child at all."""
    return (
        link.ended_on is None
        and link.contact.ended_on is None
        and link.parental_responsibility is True
        and not link.no_contact
        and not link.no_contact_by_school
        and bool(link.contact.email)
    )


def _still_live(access: LinkAccess) -> bool:
    with scopes_disabled():
        return PupilContact.objects.filter(
            MAY_HEAR, contact_id=access.target, contact__email__iexact=access.user.email
        ).exists()


def family_invite(*, actor: User, link: PupilContact, base_url: str) -> LinkAccess:
    """Let this parent or carer sign in to the family page, and email them a link."""
    if not may_sign_in(link):
        raise FamilyError(
            "Only a parent or carer with parental responsibility, an email address and no "
            "'no contact' mark can use the family page.",
            "families.invite.not_allowed",
        )
    contact = link.contact
    with transaction.atomic():
        access = links.link_access_grant(
            actor=actor,
            email=contact.email,
            purpose=FAMILY_PURPOSE,
            target=str(contact.pk),
            name=contact.full_name,
        )
        record(
            Action.FAMILY_INVITED,
            link,
            actor=actor,
            pupil=link.pupil_id,
            changes={"contact": str(contact.pk)},
        )
    why = (
        f"{link.pupil.school.name} has set up a page for you about {link.pupil.known_as}. "
        "You can read good news from school, reply, and tell us when your child is away."
    )
    try:
        links.sign_in_link_send(email=contact.email, base_url=base_url, why=why)
    except (OSError, smtplib.SMTPException) as error:
        raise FamilyError(
            "The family can now sign in, but the email could not be sent just now. Try again "
            "in a few minutes.",
            "families.invite.email_failed",
        ) from error
    return access


def _landing(access: LinkAccess) -> str:
    return reverse("family:home")


def _describe(access: LinkAccess) -> str:
    return "Your child's page"


FAMILY_LINKS = links.Purpose(
    FAMILY_PURPOSE,
    "your child's page",
    landing=_landing,
    describe=_describe,
    still_live=_still_live,
    session_minutes=int(getattr(settings, "ATTUNE_FAMILY_SESSION_MINUTES", 30)),
)
