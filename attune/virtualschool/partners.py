"""The people the Virtual School writes a child's PEP with: inviting them, and taking them off.

An invitation makes a ``PepPartner`` for the child and the partner's kind, gives the person
access by emailed link to it (``attune.accounts.links``, purpose ``PARTNER_PURPOSE``) and emails
them a sign-in link. They reach that child's PEPs and nothing else; taking them off (or a new
email for that kind on the authority's list) stops them at once.
"""

from __future__ import annotations

import smtplib

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attune.access.rules import Partner
from attune.accounts import links
from attune.accounts.models import LinkAccess, User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.errors import AttuneError

from .models import LookedAfterChild, PepPartner

PARTNER_PURPOSE = "virtualschool.pep_partner"
# Where the authority's list keeps each partner's email (the child has none there).
EMAIL_OF: dict[Partner, str] = {
    Partner.DESIGNATED_TEACHER: "designated_teacher_email",
    Partner.SOCIAL_WORKER: "social_worker_email",
    Partner.CARER: "carer_email",
}


class PartnerError(AttuneError):
    pass


def listed_email(child: LookedAfterChild, kind: Partner) -> str:
    """The partner's email as the authority's list gives it ("" for the child, or none)."""
    name = EMAIL_OF.get(kind)
    return str(getattr(child, name)) if name else ""


def partner_invite(
    *, actor: User, child: LookedAfterChild, kind: Partner, email: str, base_url: str
) -> PepPartner:
    """Invite someone to write the child's PEPs as ``kind``; they get an email with a link.

    The email is the one on the authority's list for that kind, unless none is listed (the
    child's own, typed by the officer). A partner already invited is sent a fresh link.
    """
    email = (listed_email(child, kind) or email).strip().lower()
    if not email:
        raise PartnerError(
            "Give an email address to send the invitation to.", "partner.email_required", "email"
        )
    with transaction.atomic():
        partner = PepPartner.objects.filter(child=child, kind=kind, revoked_at__isnull=True).first()
        if partner is not None and partner.email != email:
            _revoke(partner, actor)
            partner = None
        if partner is None:
            partner = PepPartner.objects.create(
                local_authority_id=child.local_authority_id,
                child=child,
                kind=kind,
                email=email,
                user=links.person_for(email),
                invited_by=actor,
                invited_at=timezone.now(),
            )
            links.link_access_grant(
                actor=actor, email=email, purpose=PARTNER_PURPOSE, target=str(partner.pk)
            )
            record(
                Action.VS_PARTNER_INVITED,
                partner,
                actor=actor,
                school=None,
                pupil=child.pk,
                changes={"kind": kind.value},
            )
    why = (
        f"{actor.full_name or 'The Virtual School'} has invited you to write "
        f"{child.known_as}'s Personal Education Plan (PEP) with the Virtual School, as "
        f"{kind.label.lower()}. You will see that PEP and nothing else."
    )
    try:
        links.sign_in_link_send(email=email, base_url=base_url, why=why)
    except (OSError, smtplib.SMTPException) as error:
        raise PartnerError(
            "The invitation is saved, but the email could not be sent just now. Send it again "
            "in a few minutes.",
            "partner.email_failed",
        ) from error
    return partner


def _revoke(partner: PepPartner, actor: User | None) -> None:
    partner.revoked_at = timezone.now()
    partner.save(update_fields=["revoked_at"])
    links.link_access_revoke(actor=actor, purpose=PARTNER_PURPOSE, target=str(partner.pk))
    record(
        Action.VS_PARTNER_REMOVED,
        partner,
        actor=actor,
        school=None,
        pupil=partner.child_id,
        changes={"kind": partner.kind},
    )


def partner_remove(*, actor: User, partner: PepPartner) -> None:
    """Take a partner off the child's PEP: their next page is refused."""
    if partner.revoked_at is not None:
        return
    with transaction.atomic():
        _revoke(partner, actor)


def partners_forget(*, child: LookedAfterChild, kinds: list[Partner], actor: User | None) -> int:
    """Take off the child's partners of these kinds (their email on the list has changed)."""
    gone = list(PepPartner.objects.filter(child=child, kind__in=kinds, revoked_at__isnull=True))
    for partner in gone:
        _revoke(partner, actor)
    return len(gone)


def seats_of(accesses: list[LinkAccess]) -> list[PepPartner]:
    """The live invitations these accesses stand for (each with its child), across
    authorities: a partner may write PEPs for children of more than one."""
    from attune.tenancy import scopes_disabled

    ids = [access.target for access in accesses if access.purpose == PARTNER_PURPOSE]
    with scopes_disabled():
        return list(
            PepPartner.objects.select_related("child", "child__local_authority").filter(
                pk__in=ids, revoked_at__isnull=True
            )
        )


def _landing(access: LinkAccess) -> str:
    return reverse("partner:pep", kwargs={"partner_id": access.target})


def _describe(access: LinkAccess) -> str:
    seats = seats_of([access])
    if not seats:
        return "A PEP you were invited to"
    seat = seats[0]
    return f"{seat.child.display_name}'s PEP, as {seat.partner.label.lower()}"


PARTNER_LINKS = links.Purpose(
    PARTNER_PURPOSE, "a child's PEP", landing=_landing, describe=_describe
)
