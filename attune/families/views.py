"""The family page: a parent or carer's own child, after signing in by an emailed link.

Every view is ``@link_view(FAMILY_PURPOSE)`` (nobody else reaches it) and opens the child
through ``access.family.family_open`` first: a child that is not theirs is the same 404 as one
that does not exist, and each opening is a read in the audit record. Words are short and plain:
a test measures their reading age (``tests/test_reading_age.py``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attune.access.family import family_children, family_open
from attune.access.rules import Right
from attune.accounts.links import link_view
from attune.auditlog.context import note_read
from attune.checkins.models import FamilySharing
from attune.checkins.services.errors import CheckinError
from attune.checkins.services.family_sharing import family_sharing_save
from attune.earlyyears.models import DevelopmentEntryKind
from attune.earlyyears.services import EarlyYearsError, development_add
from attune.errors import saved_from_form
from attune.families import selectors, services
from attune.families.forms import AbsenceForm, HearingForm, HomeNoteForm, ReplyForm, YouSaidForm
from attune.families.services import FamilyError
from attune.families.ties import FAMILY_PURPOSE, contact_ids_of
from attune.people.models import Contact, Pupil
from attune.plans.models import RaisedBy
from attune.plans.services import PlanError, you_said_raise
from attune.tenancy import school_scope


def _opened(request: Any, pupil_id: uuid.UUID, right: Right) -> tuple[Pupil, Contact]:
    pupil = family_open(request.user, pupil_id, right)
    with school_scope(pupil.school):
        return pupil, selectors.contact_for(contact_ids_of(request.user), pupil)


def _right_for(request: Any) -> Right:
    """A family page with a form: reading it needs the family's sight, sending it their say."""
    return Right.WRITE_AS_FAMILY if request.method == "POST" else Right.SEE_AS_FAMILY


@link_view(FAMILY_PURPOSE)
def home(request: Any) -> HttpResponse:
    children = family_children(request.user)
    for shown in children:  # each child named on the list is a read of their record
        note_read(shown.school_id, shown.pk)
    if len(children) == 1:
        return redirect("family:child", pupil_id=children[0].pk)
    schools = len({c.school_id for c in children})
    return render(request, "families/home.html", {"children": children, "schools": schools})


@link_view(FAMILY_PURPOSE)
def child(request: Any, pupil_id: uuid.UUID) -> HttpResponse:
    pupil, contact = _opened(request, pupil_id, Right.SEE_AS_FAMILY)
    with school_scope(pupil.school):
        page = selectors.family_page(pupil, contact, timezone.localdate())
        return render(request, "families/child.html", {"page": page, "child": pupil})


@link_view(FAMILY_PURPOSE)
def reply(request: Any, pupil_id: uuid.UUID, noticing_id: uuid.UUID) -> HttpResponse:
    pupil, contact = _opened(request, pupil_id, _right_for(request))
    with school_scope(pupil.school):
        note = selectors.shared_note(pupil, noticing_id)
        if note is None:
            raise Http404
        form = ReplyForm(request.POST or None)
        sent = saved_from_form(
            request,
            form,
            lambda data: services.family_reply_send(
                actor=request.user, contact=contact, noticing=note, text=data["text"]
            ),
            refused=FamilyError,
        )
        if sent is not None:
            messages.success(request, "Thank you. Your reply has gone to school.")
            return redirect("family:child", pupil_id=pupil.pk)
        context = {"child": pupil, "note": note, "form": form}
        return render(request, "families/reply.html", context)


@link_view(FAMILY_PURPOSE)
def absence(request: Any, pupil_id: uuid.UUID) -> HttpResponse:
    pupil, contact = _opened(request, pupil_id, _right_for(request))
    today = timezone.localdate()
    form = AbsenceForm(request.POST or None, initial={"first_day": today, "last_day": today})
    with school_scope(pupil.school):
        told = saved_from_form(
            request,
            form,
            lambda data: services.absence_report_make(
                actor=request.user,
                contact=contact,
                pupil=pupil,
                told=services.AbsenceTold(data["first_day"], data["last_day"], data["reason"]),
                today=today,
            ),
            refused=FamilyError,
        )
        if told is not None:
            messages.success(request, "Thank you. The school office has your message.")
            return redirect("family:child", pupil_id=pupil.pk)
        return render(request, "families/absence.html", {"child": pupil, "form": form})


@link_view(FAMILY_PURPOSE)
def you_said(request: Any, pupil_id: uuid.UUID) -> HttpResponse:
    """Raise a worry or an idea: it joins the school's "you said, we did" list."""
    pupil, contact = _opened(request, pupil_id, _right_for(request))
    today = timezone.localdate()
    form = YouSaidForm(request.POST or None)
    with school_scope(pupil.school):
        raised = saved_from_form(
            request,
            form,
            lambda data: you_said_raise(
                actor=request.user,
                school=pupil.school,
                pupil=pupil,
                kind=data["kind"],
                raised_by=RaisedBy.FAMILY,
                raised_by_name=contact.full_name,
                their_words=data["their_words"],
                raised_on=today,
                today=today,
            ),
            refused=PlanError,
        )
        if raised is not None:
            messages.success(request, "Thank you. The school has your message.")
            return redirect("family:child", pupil_id=pupil.pk)
        return render(request, "families/you_said.html", {"child": pupil, "form": form})


@link_view(FAMILY_PURPOSE)
def hearing(request: Any, pupil_id: uuid.UUID) -> HttpResponse:
    """How the family wants to hear good news, with their consent."""
    pupil, contact = _opened(request, pupil_id, _right_for(request))
    today = timezone.localdate()
    with school_scope(pupil.school):
        sharing = FamilySharing.objects.filter(pupil=pupil).first()
        form = HearingForm(request.POST or None)
        saved = saved_from_form(
            request,
            form,
            lambda data: family_sharing_save(
                actor=request.user,
                pupil=pupil,
                terms=services.hearing_terms(contact, data, sharing, today),
                today=today,
            ),
            refused=CheckinError,
        )
        if saved is not None:
            messages.success(request, "Thank you. We will tell you that way.")
            return redirect("family:child", pupil_id=pupil.pk)
        context = {"child": pupil, "form": form, "sharing": sharing}
        return render(request, "families/hearing.html", context)


@link_view(FAMILY_PURPOSE)
def home_note(request: Any, pupil_id: uuid.UUID) -> HttpResponse:
    """In the early years: a note from home, added to the child's development record."""
    pupil, contact = _opened(request, pupil_id, _right_for(request))
    if not selectors.in_early_years(pupil):
        raise Http404
    today = timezone.localdate()
    form = HomeNoteForm(request.POST or None)
    with school_scope(pupil.school):
        added = saved_from_form(
            request,
            form,
            lambda data: development_add(
                actor=request.user,
                pupil=pupil,
                kind=DevelopmentEntryKind.FROM_HOME,
                on=today,
                area=data["area"],
                text=data["text"],
                said_by=contact.full_name,
                shared_with_family=True,
                today=today,
            ),
            refused=EarlyYearsError,
        )
        if added is not None:
            messages.success(request, "Thank you. It is in the record now.")
            return redirect("family:child", pupil_id=pupil.pk)
        return render(request, "families/home_note.html", {"child": pupil, "form": form})
