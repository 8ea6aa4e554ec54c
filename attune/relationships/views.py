"""The key adult assignment flow: ranked candidates, the child's choice, warnings to confirm."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attune.access.children import Right, access_pupil, can, open_record, require
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.errors import show_on_form
from attune.http import SchoolRequest
from attune.people.models import Pupil, Staff
from attune.people.selectors import active_staff
from attune.relationships.forms import (
    CloseTeamForm,
    KeyAdultAssignForm,
    TeamEndForm,
    TrustedAdultForm,
    WiderTeamForm,
)
from attune.relationships.models import CloseTeamMember, WiderTeamMember
from attune.relationships.selectors import (
    close_team,
    current_relationship,
    key_adult_candidates,
    relationship_history,
    staff_with_caseloads,
    team_churn,
    wider_team,
)
from attune.relationships.services import (
    KeyAdultError,
    TeamError,
    close_team_add,
    close_team_leave,
    key_adult_assign,
    trusted_adult_add,
    wider_team_add,
    wider_team_end,
)


@school_view(Permission.MANAGE_KEY_ADULTS)
def assign(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    current = current_relationship(child)
    staff = active_staff()
    form = KeyAdultAssignForm(request.POST or None, staff=staff, has_current=current is not None)
    needs_confirmation = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            key_adult_assign(
                actor=request.user,
                pupil=child,
                key_adult=data["key_adult"],
                co_worker=data["co_worker"],
                started_on=data["started_on"],
                reason=data["reason"],
                chosen_by_child=data["chosen_by_child"],
                child_words=data["child_words"],
                change_reason=data.get("change_reason", ""),
                confirmed=data["confirmed"],
                today=timezone.localdate(),
            )
        except KeyAdultError as error:
            needs_confirmation = error.code == "key_adult.needs_confirmation"
            show_on_form(form, error)
        else:
            messages.success(
                request, f"{data['key_adult'].full_name} is now {child.known_as}'s key adult."
            )
            return redirect("children:pupil", urn=urn, pupil_id=child.pk)
    context = {
        "pupil": child,
        "current": current,
        "form": form,
        "candidates": key_adult_candidates(child),
        "needs_confirmation": needs_confirmation,
        "trusted_form": TrustedAdultForm(staff=staff),
    }
    return render(request, "relationships/assign.html", context)


@school_view(Permission.MANAGE_KEY_ADULTS)
def trusted_adult(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    staff = Staff.objects.filter(is_active=True)
    form = TrustedAdultForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        trusted_adult_add(
            actor=request.user,
            pupil=child,
            staff=form.cleaned_data["staff"],
            child_words=form.cleaned_data["child_words"],
            today=timezone.localdate(),
        )
        messages.success(
            request, f"Noted: {child.known_as} trusts {form.cleaned_data['staff'].full_name}."
        )
    return redirect("relationships:assign", urn=urn, pupil_id=child.pk)


def _team_page(
    request: SchoolRequest,
    child: Pupil,
    *,
    close_form: CloseTeamForm | None = None,
    wider_form: WiderTeamForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    details = can(request.membership, child, Right.SEE_SENSITIVE)
    if details:
        # Contact details and unshared members are the sensitive record: a read through break
        # glass is logged against the grant.
        open_record(request, child, Right.SEE_SENSITIVE)
    manage = can(request.membership, child, Right.SUPPORT)
    everyone = list(wider_team(child, with_unshared=True))
    shown = [m for m in everyone if details or m.consent_to_share]
    close = list(close_team(child))
    context = {
        "pupil": child,
        "current": current_relationship(child),
        "close_current": [m for m in close if m.left_on is None],
        "close_past": [m for m in close if m.left_on is not None] if details else [],
        "wider_current": [m for m in shown if m.is_current],
        "wider_past": [m for m in shown if not m.is_current],
        "hidden_count": len(everyone) - len(shown),
        "churn": team_churn(child, everyone, list(relationship_history(child)), today),
        "show_details": details,
        "can_manage": manage,
        "close_form": close_form or (CloseTeamForm(staff=active_staff()) if manage else None),
        "wider_form": wider_form or (WiderTeamForm() if manage else None),
        "today": today,
    }
    return render(request, "relationships/team.html", context, status=status)


@school_view(Permission.VIEW_PUPILS)
def team(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    return _team_page(request, child)


@school_view(Permission.VIEW_PUPILS)
def team_close_add(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    require(request, child, Right.SUPPORT)
    form = CloseTeamForm(request.POST or None, staff=active_staff())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            close_team_add(
                actor=request.user,
                pupil=child,
                staff=data["staff"],
                child_words=data["child_words"],
                joined_on=data["joined_on"],
                today=timezone.localdate(),
            )
        except TeamError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{data['staff'].full_name} is in the close team.")
            return redirect("relationships:team", urn=urn, pupil_id=child.pk)
    return _team_page(request, child, close_form=form)


@school_view(Permission.VIEW_PUPILS)
def team_wider_add(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    require(request, child, Right.SUPPORT)
    form = WiderTeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = wider_team_add(
                actor=request.user,
                pupil=child,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except TeamError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{member.name} is in the wider team.")
            return redirect("relationships:team", urn=urn, pupil_id=child.pk)
    return _team_page(request, child, wider_form=form)


@school_view(Permission.VIEW_PUPILS)
def team_member_end(
    request: SchoolRequest, urn: str, pupil_id: uuid.UUID, circle: str, member_id: uuid.UUID
) -> HttpResponse:
    """Record that someone has left the close or the wider team (kept in the history)."""
    child = access_pupil(request, pupil_id)
    require(request, child, Right.SUPPORT)
    if request.method != "POST" or circle not in ("close", "wider"):
        raise Http404
    form = TeamEndForm(request.POST)
    today = timezone.localdate()
    try:
        if circle == "close":
            close = CloseTeamMember.objects.filter(pupil=child, public_id=member_id).first()
            if close is None:
                raise Http404
            ended_on = _end_date(form)
            close_team_leave(actor=request.user, member=close, left_on=ended_on, today=today)
        else:
            wider = WiderTeamMember.objects.filter(pupil=child, public_id=member_id).first()
            if wider is None:
                raise Http404
            ended_on = _end_date(form)
            wider_team_end(actor=request.user, member=wider, ended_on=ended_on, today=today)
    except TeamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Noted that they have left the team.")
    return redirect("relationships:team", urn=urn, pupil_id=child.pk)


def _end_date(form: TeamEndForm) -> date:
    if not form.is_valid():
        raise TeamError("Give the date they left.", "team.end_date_required", "ended_on")
    ended_on: date = form.cleaned_data["ended_on"]
    return ended_on


@school_view(Permission.VIEW_STAFF)
def staff(request: SchoolRequest, urn: str) -> HttpResponse:
    context = {
        "staff_list": staff_with_caseloads(with_days=True),
        "show_caseloads": request.membership.can(Permission.VIEW_CASELOADS),
        "limit": request.school.caseload_limit,
    }
    return render(request, "relationships/staff.html", context)
