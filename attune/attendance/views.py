"""Attendance pages. Each starts with the role guard and an access check on the child."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from attune.accounts.decorators import school_view
from attune.accounts.roles import Permission
from attune.attendance.selectors import pupil_attendance_page
from attune.attendance.services import pupil_attendance_viewed
from attune.http import SchoolRequest
from attune.people.access import access_pupil, can_see_sensitive
from attune.people.models import Pupil


def access_pupil_attendance(request: SchoolRequest, pupil_id: uuid.UUID) -> Pupil:
    """The child, if this user may see their attendance; otherwise the same 404 as missing.

    Attendance, with its early warnings about long absences and exclusions, is shown to those
    who may see a child's sensitive record: leads, the headteacher, the Virtual School for its
    children, and the child's own key adult and co-worker.
    """
    pupil = access_pupil(request, pupil_id)
    if not can_see_sensitive(request.membership, pupil):
        raise Http404
    return pupil


@school_view(Permission.VIEW_PUPILS)
def pupil(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil_attendance(request, pupil_id)
    pupil_attendance_viewed(actor=request.user, pupil=child, request=request)
    page = pupil_attendance_page(child, today=timezone.localdate())
    return render(request, "attendance/pupil.html", {"pupil": child, "page": page})
