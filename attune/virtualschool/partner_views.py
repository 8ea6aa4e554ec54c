"""The pages a PEP partner reaches after signing in by an emailed link (``/partner/``): the
child's PEP, with a form for each part that is theirs to write, and for the designated teacher
the meeting, the targets and Pupil Premium Plus.

A partner reaches only the invitation their link access names (``@link_view``), and through it
only that child's PEPs: any other id is the same 404 as a missing page. Each opening is a read
of the child's record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from attune.access.authority import partner_open, partner_sections
from attune.access.rules import PepSection, Right
from attune.accounts.links import link_view
from attune.errors import AttuneError, show_on_form
from attune.pep.domain.cycle import term_for
from attune.tenancy import authority_scope, scopes_disabled

from . import peps
from .forms import FundingForm, ImpactForm, MeetingForm, SectionForm, TargetForm
from .models import PartnerPep, PepPartner, PepState, PupilPremiumPlus
from .partners import PARTNER_PURPOSE


def _seat(request: Any, partner_id: uuid.UUID) -> PepPartner:
    """The invitation this person holds with this id, live; else the same 404."""
    if str(partner_id) not in {access.target for access in request.link_accesses}:
        raise Http404
    with scopes_disabled():
        seat = (
            PepPartner.objects.select_related("child", "child__local_authority")
            .filter(pk=partner_id, user=request.user, revoked_at__isnull=True)
            .first()
        )
    if seat is None:
        raise Http404
    return seat


def section_label(section: PepSection, seat: PepPartner) -> str:
    """What the box for a section asks, in the words of whoever writes it."""
    name = seat.child.known_as
    return {
        PepSection.SCHOOL: "Attendance, progress and what helps at school",
        PepSection.CARE: "The care plan: placement, contact and what you see",
        PepSection.HOME: "Home: learning at home and what helps",
        PepSection.CHILD: f"{name}'s own words"
        if seat.partner.value == "child"
        else f"{name}'s own words, written down with them",
    }[section]


def _pep_of(seat: PepPartner, vs_pep_id: uuid.UUID) -> PartnerPep:
    pep = PartnerPep.objects.filter(pk=vs_pep_id, child_id=seat.child_id).first()
    if pep is None:
        raise Http404
    return pep


def _url(name: str, seat: PepPartner, pep: PartnerPep, **kwargs: Any) -> str:
    return reverse(name, kwargs={"partner_id": seat.pk, "vs_pep_id": pep.pk, **kwargs})


def _page(request: Any, seat: PepPartner, pep: PartnerPep | None, **forms: Any) -> HttpResponse:
    partner_open(seat.partner, seat.child_id, Right.READ_PEPS, invited=True)
    mine = partner_sections(seat.partner, invited=True)
    context: dict[str, Any] = {
        "seat": seat,
        "child": seat.child,
        "pep": pep,
        "term": term_for(timezone.localdate()),
        "others": PartnerPep.objects.filter(child_id=seat.child_id).order_by(
            "-school_year", "-created_at"
        ),
        "writes_school": PepSection.SCHOOL in mine,
    }
    if pep is not None:
        open_ = pep.state != PepState.APPROVED
        written = {s.section: s for s in pep.sections.select_related("written_by")}
        context["sections"] = [
            (
                section,
                written.get(section.value),
                forms.get(f"section_{section.value}")
                or SectionForm(
                    prefix=section.value,
                    label=section_label(section, seat),
                    initial={"text": written[section.value].text}
                    if section.value in written
                    else None,
                )
                if section in mine and open_
                else None,
                _url("partner:section", seat, pep, section=section.value),
            )
            for section in PepSection
        ]
        context["targets"] = list(pep.targets.all())
        funding = PupilPremiumPlus.objects.filter(pep=pep).prefetch_related("targets").first()
        context["funding"] = funding
        if PepSection.SCHOOL in mine and open_:
            context["meeting_form"] = forms.get("meeting") or MeetingForm(
                initial={"held_on": pep.meeting_on}
            )
            context["target_form"] = forms.get("target") or TargetForm()
            if funding is None and context["targets"]:
                context["funding_form"] = forms.get("funding") or FundingForm(
                    targets=context["targets"]
                )
        if PepSection.SCHOOL in mine and funding is not None and funding.state == "approved":
            context["impact_form"] = forms.get("impact") or ImpactForm(
                initial={"impact": funding.impact}
            )
    status = 400 if forms else 200
    return render(request, "virtualschool/partner_pep.html", context, status=status)


@link_view(PARTNER_PURPOSE)
def pep(request: Any, partner_id: uuid.UUID) -> HttpResponse:
    """The child's PEP for this term (or word that the Virtual School has not started it)."""
    seat = _seat(request, partner_id)
    term = term_for(timezone.localdate())
    with authority_scope(seat.local_authority_id):
        current = PartnerPep.objects.filter(
            child_id=seat.child_id, school_year=term.year, term=term.season.value
        ).first()
        return _page(request, seat, current)


@link_view(PARTNER_PURPOSE)
def pep_term(request: Any, partner_id: uuid.UUID, vs_pep_id: uuid.UUID) -> HttpResponse:
    seat = _seat(request, partner_id)
    with authority_scope(seat.local_authority_id):
        return _page(request, seat, _pep_of(seat, vs_pep_id))


def _save(
    request: Any,
    partner_id: uuid.UUID,
    vs_pep_id: uuid.UUID,
    form_of: Callable[[PartnerPep], Any],
    key: str,
    act: Callable[[PepPartner, PartnerPep, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    seat = _seat(request, partner_id)
    with authority_scope(seat.local_authority_id):
        pep = _pep_of(seat, vs_pep_id)
        form = form_of(pep)
        if form.is_valid():
            try:
                act(seat, pep, form.cleaned_data)
            except AttuneError as error:
                show_on_form(form, error)
            else:
                messages.success(request, done)
                return redirect(_url("partner:pep_term", seat, pep))
        return _page(request, seat, pep, **{key: form})


@require_POST
@link_view(PARTNER_PURPOSE)
def section(
    request: Any, partner_id: uuid.UUID, vs_pep_id: uuid.UUID, section: str
) -> HttpResponse:
    if section not in PepSection.__members__.values():
        raise Http404
    part = PepSection(section)
    return _save(
        request,
        partner_id,
        vs_pep_id,
        lambda pep: SectionForm(
            request.POST, prefix=part.value, label=section_label(part, _seat(request, partner_id))
        ),
        f"section_{part.value}",
        lambda seat, pep, data: peps.pep_section_write(
            actor=request.user, pep=pep, partner=seat, section=part, text=data["text"]
        ),
        "Saved. Thank you.",
    )


@require_POST
@link_view(PARTNER_PURPOSE)
def meeting(request: Any, partner_id: uuid.UUID, vs_pep_id: uuid.UUID) -> HttpResponse:
    return _save(
        request,
        partner_id,
        vs_pep_id,
        lambda pep: MeetingForm(request.POST),
        "meeting",
        lambda seat, pep, data: peps.pep_meeting_record(
            actor=request.user,
            pep=pep,
            partner=seat,
            held_on=data["held_on"],
            today=timezone.localdate(),
        ),
        "The meeting is recorded.",
    )


@require_POST
@link_view(PARTNER_PURPOSE)
def target(request: Any, partner_id: uuid.UUID, vs_pep_id: uuid.UUID) -> HttpResponse:
    return _save(
        request,
        partner_id,
        vs_pep_id,
        lambda pep: TargetForm(request.POST),
        "target",
        lambda seat, pep, data: peps.pep_target_add(
            actor=request.user,
            pep=pep,
            partner=seat,
            description=data["description"],
            who=data["who"],
            due_on=data["due_on"],
        ),
        "Target added.",
    )


@require_POST
@link_view(PARTNER_PURPOSE)
def funding(request: Any, partner_id: uuid.UUID, vs_pep_id: uuid.UUID) -> HttpResponse:
    def act(seat: PepPartner, pep: PartnerPep, data: dict[str, Any]) -> Any:
        chosen = [t for t in pep.targets.all() if str(t.pk) in set(data["targets"])]
        return peps.funding_request(
            actor=request.user,
            pep=pep,
            partner=seat,
            amount=data["amount"],
            purpose=data["purpose"],
            targets=chosen,
        )

    return _save(
        request,
        partner_id,
        vs_pep_id,
        lambda pep: FundingForm(request.POST, targets=list(pep.targets.all())),
        "funding",
        act,
        "Asked for. The Virtual School will decide.",
    )


@require_POST
@link_view(PARTNER_PURPOSE)
def impact(request: Any, partner_id: uuid.UUID, vs_pep_id: uuid.UUID) -> HttpResponse:
    def act(seat: PepPartner, pep: PartnerPep, data: dict[str, Any]) -> Any:
        found = PupilPremiumPlus.objects.filter(pep=pep).first()
        if found is None:
            raise Http404
        return peps.funding_impact(
            actor=request.user, funding=found, partner=seat, impact=data["impact"]
        )

    return _save(
        request,
        partner_id,
        vs_pep_id,
        lambda pep: ImpactForm(request.POST),
        "impact",
        act,
        "Thank you: the impact is recorded.",
    )
