"""The school's side of the family page: thin views over the selectors and services.

* the office's list of absences families told us about, where staff confirm each one and
  choose its register code (``MANAGE_ATTENDANCE``);
* a child's family contacts: mark parental responsibility or "no contact" by hand, and send a
  parent a link to the family page (whoever may set how news goes home for the child);
* a reply read, from Today (the child's key adult or co-worker).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from attune.access.children import access_pupil, open_record
from attune.access.pages import school_view
from attune.access.rules import Right
from attune.accounts.roles import Permission
from attune.auditlog.context import note_read
from attune.errors import show_on_form
from attune.families import selectors, services
from attune.families.forms import ConfirmAbsenceForm, ContactMarkForm
from attune.families.invitations import family_invite, may_sign_in
from attune.families.models import AbsenceReport, AbsenceStatus, FamilyReply
from attune.families.services import FamilyError
from attune.http import SchoolRequest
from attune.people.contacts import family_links
from attune.people.models import PupilContact


@school_view(Permission.MANAGE_ATTENDANCE)
def absences(request: SchoolRequest, urn: str) -> HttpResponse:
    reports = list(selectors.absences_waiting()[:200])
    for report in reports:
        note_read(report.school_id, report.pupil_id)
    waiting = [r for r in reports if r.status == AbsenceStatus.WAITING]
    done = [r for r in reports if r.status == AbsenceStatus.CONFIRMED][:50]
    context = {"waiting": waiting, "done": done, "form": ConfirmAbsenceForm()}
    return render(request, "families/absences.html", context)


@school_view(Permission.MANAGE_ATTENDANCE)
def confirm(request: SchoolRequest, urn: str, report_id: uuid.UUID) -> HttpResponse:
    report = AbsenceReport.objects.select_related("pupil", "contact").filter(pk=report_id).first()
    if report is None:
        raise Http404
    open_record(request, report.pupil)
    form = ConfirmAbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_report_confirm(
                actor=request.user,
                report=report,
                code=form.cleaned_data["code"],
                note=form.cleaned_data["note"],
            )
        except FamilyError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Confirmed {report.pupil.display_name}'s absence.")
            return redirect("families:absences", urn=urn)
    return render(request, "families/confirm.html", {"report": report, "form": form})


@school_view(Permission.CHECK_IN)
def contacts(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    pupil = access_pupil(request, pupil_id, Right.SET_FAMILY_ARRANGEMENTS)
    if request.method == "POST":
        raw = request.POST.get("link", "")
        link = (
            PupilContact.objects.select_related("contact", "pupil", "pupil__school")
            .filter(pupil=pupil, pk=int(raw))
            .first()
            if raw.isdigit()
            else None
        )
        if link is None:
            raise Http404
        if request.POST.get("do") == "invite":
            try:
                family_invite(
                    actor=request.user, link=link, base_url=request.build_absolute_uri("/")
                )
            except FamilyError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"A sign-in link is on its way to {link.contact}.")
        else:
            form = ContactMarkForm(request.POST)
            if form.is_valid():
                services.pupil_contact_mark(
                    actor=request.user,
                    link=link,
                    parental_responsibility=form.cleaned_data["parental_responsibility"],
                    no_contact=form.cleaned_data["no_contact"],
                )
                messages.success(request, f"Saved for {link.contact}.")
        return redirect("families:contacts", urn=urn, pupil_id=pupil.pk)
    rows = [(link, may_sign_in(link)) for link in family_links(pupil)]
    return render(request, "families/contacts.html", {"pupil": pupil, "rows": rows})


@require_POST
@school_view(Permission.CHECK_IN)
def reply_seen(request: SchoolRequest, urn: str, reply_id: uuid.UUID) -> HttpResponse:
    reply = FamilyReply.objects.select_related("pupil").filter(pk=reply_id).first()
    if reply is None:
        raise Http404
    open_record(request, reply.pupil, Right.LOG_CHECKINS)
    services.family_reply_seen(actor=request.user, reply=reply)
    return redirect("checkins:today", urn=urn)
