"""What a family sends the school from the family page: a reply to a note, and an absence.

Each row names the contact who wrote it (``people.Contact``), so the school knows who said
what. A reply is read by the child's key adult on Today; an absence waits on the office's list
until staff confirm it and choose the register code (a family never chooses the code).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.checkins.models import Noticing
from attune.people.models import Contact, Pupil
from attune.tenancy import SchoolOwned


class FamilyReply(SchoolOwned):
    """A family's answer to a positive note the school sent home."""

    sensitive_fields: ClassVar[tuple[str, ...]] = ("text",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="family_replies")
    noticing = models.ForeignKey(Noticing, on_delete=models.CASCADE, related_name="replies")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="replies")
    text = models.CharField(max_length=1000)
    written_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["school", "pupil", "seen_at"], name="family_reply_seen")]

    def __str__(self) -> str:
        return f"Reply about {self.pupil_id}"


class AbsenceStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the office"
    CONFIRMED = "confirmed", "Confirmed by the office"


class AbsenceReport(SchoolOwned):
    """A family telling the school their child is or will be away: dates and a reason."""

    sensitive_fields: ClassVar[tuple[str, ...]] = ("reason", "office_note")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="absence_reports")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="absences")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=500)
    reported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=AbsenceStatus.choices, default=AbsenceStatus.WAITING
    )
    # Chosen by staff when they confirm: never by the family.
    code = models.CharField("Register code", max_length=2, blank=True)
    office_note = models.CharField(max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_day", "reported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="absence_report_days_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", code="") | (Q(status="confirmed") & ~Q(code="")),
                name="absence_report_code_when_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"], name="absence_report_status")]

    def __str__(self) -> str:
        return f"Absence of {self.pupil_id} from {self.first_day}"
