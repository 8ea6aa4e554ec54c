"""Writes for attendance. Imports live in ``imports.py``; this holds the audited reads."""

from __future__ import annotations

from django.http import HttpRequest

from attune.accounts.models import User
from attune.auditlog.services import audit_log
from attune.people.models import Pupil


def pupil_attendance_viewed(*, actor: User, pupil: Pupil, request: HttpRequest) -> None:
    """Opening a child's attendance is a read of their record, so it is logged."""
    audit_log(
        actor=actor,
        action="attendance.pupil.viewed",
        obj=pupil,
        school=pupil.school,
        pupil=pupil,
        request=request,
    )
