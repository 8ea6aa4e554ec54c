"""Writes for PEPs written with partners: start a term's PEP, each partner's part, the meeting,
targets, Pupil Premium Plus, and the Virtual School's quality rating or return for changes.

Who may write which part is the access rules' (``attune.access.rules.pep_sections``); these
services check it again, so a form can never write someone else's part. Each write is one
transaction with its audit event; the words themselves are digested there, never kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from attune.access.authority import partner_sections
from attune.access.rules import PepSection
from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.errors import AttuneError
from attune.pep.domain.cycle import term_for
from attune.pep.domain.targets import FUNDING_CEILING, meeting_problem

from .models import (
    FundingState,
    LookedAfterChild,
    PartnerPep,
    PartnerPepSection,
    PartnerPepTarget,
    PepPartner,
    PepState,
    Placement,
    PupilPremiumPlus,
    Quality,
)


class PepError(AttuneError):
    pass


def pep_start(*, actor: User, child: LookedAfterChild, today: date) -> PartnerPep:
    """Start this term's PEP for the child, at the school they learn at now."""
    if not child.is_looked_after(today):
        raise PepError(
            f"{child.known_as} is not looked after now, so has no PEP to start.",
            "pep.not_looked_after",
        )
    placement = Placement.objects.filter(child=child, ended_on__isnull=True).first()
    if placement is None:
        raise PepError(
            f"The list has no school for {child.known_as}: import it first.", "pep.no_school"
        )
    term = term_for(today)
    if PartnerPep.objects.filter(
        child=child, school_year=term.year, term=term.season.value
    ).exists():
        raise PepError(f"{child.known_as} already has a PEP for {term.label}.", "pep.term_taken")
    with transaction.atomic():
        pep = PartnerPep.objects.create(
            local_authority_id=child.local_authority_id,
            child=child,
            school_year=term.year,
            term=term.season.value,
            school_urn=placement.school_urn,
            school_name=placement.school_name,
            created_by=actor,
        )
        record(
            Action.VS_PEP_STARTED,
            pep,
            actor=actor,
            school=None,
            pupil=child.pk,
            changes={"term": term.label, "school_urn": placement.school_urn},
        )
    return pep


def _open(pep: PartnerPep) -> None:
    if pep.state == PepState.APPROVED:
        raise PepError(
            "The Virtual School has quality assured this PEP, so it can no longer be changed.",
            "pep.approved",
        )


def _writes(partner: PepPartner, pep: PartnerPep, section: PepSection) -> None:
    """The partner is invited to this child's PEP and the section is theirs to write."""
    live = partner.revoked_at is None
    if pep.child_id != partner.child_id or section not in partner_sections(
        partner.partner, invited=live
    ):
        raise PepError("That part of the PEP is not yours to write.", "pep.not_your_section")


def pep_section_write(
    *, actor: User, pep: PartnerPep, partner: PepPartner, section: PepSection, text: str
) -> PartnerPepSection:
    """Write (or rewrite) one partner's part of the PEP, in their own words."""
    _writes(partner, pep, section)
    _open(pep)
    text = text.strip()
    if not text:
        raise PepError("Write something before saving.", "pep.section_empty", "text")
    with transaction.atomic():
        found = PartnerPepSection.objects.filter(pep=pep, section=section).first()
        before = found.text if found else ""
        if found is None:
            found = PartnerPepSection(
                local_authority_id=pep.local_authority_id, pep=pep, section=section
            )
        found.text, found.written_by, found.written_as = text, actor, partner.kind
        found.written_at = timezone.now()
        found.save()
        record(
            Action.VS_PEP_SECTION_WRITTEN,
            found,
            actor=actor,
            school=None,
            pupil=pep.child_id,
            changes={"section": section.value, "as": partner.kind, "text": [before, text]},
        )
    return found


def pep_meeting_record(
    *, actor: User, pep: PartnerPep, partner: PepPartner, held_on: date, today: date
) -> PartnerPep:
    """The designated teacher records when the PEP meeting was held."""
    _writes(partner, pep, PepSection.SCHOOL)
    _open(pep)
    if held_on > today:
        raise PepError("Record the meeting once it has happened.", "pep.held_in_future", "held_on")
    problem = meeting_problem(pep.pep_term, held_on)
    if problem is not None:
        raise PepError(problem.message, problem.code, "held_on")
    with transaction.atomic():
        before = pep.meeting_on
        pep.meeting_on = held_on
        pep.save(update_fields=["meeting_on"])
        record(
            Action.VS_PEP_MEETING_RECORDED,
            pep,
            actor=actor,
            school=None,
            pupil=pep.child_id,
            changes={"meeting_on": [str(before or ""), held_on.isoformat()]},
        )
    return pep


def pep_target_add(
    *,
    actor: User,
    pep: PartnerPep,
    partner: PepPartner,
    description: str,
    who: str,
    due_on: date | None,
) -> PartnerPepTarget:
    _writes(partner, pep, PepSection.SCHOOL)
    _open(pep)
    if not description.strip():
        raise PepError("Say what the target is.", "pep.description_required", "description")
    if not who.strip():
        raise PepError("Say who will make it happen.", "pep.who_required", "who")
    if due_on is None or due_on < pep.pep_term.starts_on:
        raise PepError(
            "Say when it should be reached by, this term or later.", "pep.due_on_required", "due_on"
        )
    with transaction.atomic():
        target = PartnerPepTarget.objects.create(
            local_authority_id=pep.local_authority_id,
            pep=pep,
            description=description.strip(),
            who=who.strip(),
            due_on=due_on,
        )
        record(
            Action.VS_PEP_TARGET_ADDED,
            target,
            actor=actor,
            school=None,
            pupil=pep.child_id,
            changes={"pep": str(pep.pk), "due_on": due_on.isoformat()},
        )
    return target


def pep_rate(*, actor: User, pep: PartnerPep, quality: str, note: str) -> PartnerPep:
    """The Virtual School's quality rating: the PEP is then locked as it stands."""
    if quality not in Quality.values:
        raise PepError("Choose how good the PEP is.", "pep.quality_required", "quality")
    if pep.meeting_on is None or not pep.sections.filter(section=PepSection.SCHOOL).exists():
        raise PepError(
            "The PEP can be rated once the meeting is recorded and the school's part written.",
            "pep.not_ready",
            "quality",
        )
    _open(pep)
    with transaction.atomic():
        pep.state, pep.quality, pep.quality_note = PepState.APPROVED, quality, note.strip()
        pep.rated_by, pep.rated_at = actor, timezone.now()
        pep.save(update_fields=["state", "quality", "quality_note", "rated_by", "rated_at"])
        record(
            Action.VS_PEP_RATED,
            pep,
            actor=actor,
            school=None,
            pupil=pep.child_id,
            changes={"quality": quality, "quality_note": pep.quality_note},
        )
    return pep


def pep_return(*, actor: User, pep: PartnerPep, note: str) -> PartnerPep:
    """Send the PEP back to the partners, saying what to change."""
    _open(pep)
    if not note.strip():
        raise PepError("Say what should change.", "pep.return_note_required", "note")
    with transaction.atomic():
        pep.state, pep.returned_note = PepState.RETURNED, note.strip()
        pep.save(update_fields=["state", "returned_note"])
        record(
            Action.VS_PEP_RETURNED,
            pep,
            actor=actor,
            school=None,
            pupil=pep.child_id,
            changes={"returned_note": pep.returned_note},
        )
    return pep


# --- Pupil Premium Plus ---------------------------------------------------------------------


def funding_request(
    *,
    actor: User,
    pep: PartnerPep,
    partner: PepPartner,
    amount: Decimal | None,
    purpose: str,
    targets: Iterable[PartnerPepTarget],
) -> PupilPremiumPlus:
    """The designated teacher asks for this term's Pupil Premium Plus, for the PEP's targets."""
    _writes(partner, pep, PepSection.SCHOOL)
    _open(pep)
    chosen = list(targets)
    if amount is None or not Decimal(0) < amount <= FUNDING_CEILING:
        raise PepError(
            f"Give an amount between £1 and £{FUNDING_CEILING:,}.", "funding.amount", "amount"
        )
    if not purpose.strip():
        raise PepError("Say what the money is for.", "funding.purpose_required", "purpose")
    if not chosen or any(t.pep_id != pep.pk for t in chosen):
        raise PepError(
            "Choose the PEP targets the money is for.", "funding.targets_required", "targets"
        )
    if PupilPremiumPlus.objects.filter(pep=pep).exists():
        raise PepError(
            "This term's Pupil Premium Plus has been asked for already.", "funding.taken", None
        )
    with transaction.atomic():
        funding = PupilPremiumPlus.objects.create(
            local_authority_id=pep.local_authority_id,
            child_id=pep.child_id,
            pep=pep,
            school_year=pep.school_year,
            term=pep.term,
            amount=amount,
            purpose=purpose.strip(),
            requested_by=actor,
            requested_at=timezone.now(),
        )
        funding.targets.set(chosen)
        record(
            Action.VS_PP_REQUESTED,
            funding,
            actor=actor,
            school=None,
            pupil=pep.child_id,
            changes={"amount": str(amount), "targets": len(chosen), "purpose": funding.purpose},
        )
    return funding


def funding_decide(*, actor: User, funding: PupilPremiumPlus, approve: bool) -> PupilPremiumPlus:
    if funding.state != FundingState.REQUESTED:
        raise PepError("That request has been decided already.", "funding.decided", None)
    with transaction.atomic():
        funding.state = FundingState.APPROVED if approve else FundingState.DECLINED
        funding.decided_by, funding.decided_at = actor, timezone.now()
        funding.save(update_fields=["state", "decided_by", "decided_at"])
        record(
            Action.VS_PP_DECIDED,
            funding,
            actor=actor,
            school=None,
            pupil=funding.child_id,
            changes={"state": funding.state, "amount": str(funding.amount)},
        )
    return funding


def funding_impact(
    *, actor: User, funding: PupilPremiumPlus, partner: PepPartner, impact: str
) -> PupilPremiumPlus:
    """The designated teacher says what difference the money made."""
    _writes(partner, funding.pep, PepSection.SCHOOL)
    if funding.state != FundingState.APPROVED:
        raise PepError(
            "Impact is recorded for money the Virtual School approved.", "funding.not_approved"
        )
    if not impact.strip():
        raise PepError("Say what difference it made.", "funding.impact_required", "impact")
    with transaction.atomic():
        before = funding.impact
        funding.impact, funding.impact_recorded_at = impact.strip(), timezone.now()
        funding.save(update_fields=["impact", "impact_recorded_at"])
        record(
            Action.VS_PP_IMPACT,
            funding,
            actor=actor,
            school=None,
            pupil=funding.child_id,
            changes={"impact": [before, funding.impact]},
        )
    return funding
