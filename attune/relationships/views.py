"""The key adult assignment flow: ranked candidates, the child's choice, warnings to confirm."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attune.accounts.decorators import school_view
from attune.accounts.roles import Permission
from attune.http import SchoolRequest
from attune.people.access import access_pupil
from attune.people.models import Staff
from attune.relationships.forms import KeyAdultAssignForm, TrustedAdultForm
from attune.relationships.selectors import current_relationship, key_adult_candidates
from attune.relationships.services import KeyAdultError, key_adult_assign, trusted_adult_add


@school_view(Permission.MANAGE_KEY_ADULTS)
def assign(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    current = current_relationship(child)
    staff = Staff.objects.filter(is_active=True).order_by("last_name", "first_name")
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
                request=request,
            )
        except KeyAdultError as error:
            needs_confirmation = error.code == "key_adult.needs_confirmation"
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(
                request, f"{data['key_adult'].full_name} is now {child.known_as}'s key adult."
            )
            return redirect("people:pupil", urn=urn, pupil_id=child.pk)
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
            request=request,
        )
        messages.success(
            request, f"Noted: {child.known_as} trusts {form.cleaned_data['staff'].full_name}."
        )
    return redirect("relationships:assign", urn=urn, pupil_id=child.pk)
