"""Incidents, recorded in the order a dysregulated child needs: regulate, relate, reason.

Who may read an incident is decided by ``attune.access`` (``Right.SEE_ALL_INCIDENTS``): the
child's key adult and close team, the attachment lead and the headteacher see them all; anyone
else sees only what they recorded. What happened is named in ``sensitive_fields``, so the audit
record keeps digests, never the words.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from attune.people.models import Pupil, Staff
from attune.tenancy import SchoolOwned

LONGEST_MINUTES = 24 * 60


class Incident(SchoolOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField()
    place = models.CharField(max_length=120)
    before = models.TextField(help_text="What happened before: possible triggers.")
    regulated_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    how_regulated = models.TextField()
    minutes_to_calm = models.PositiveSmallIntegerField(null=True, blank=True)
    talked_through = models.TextField(blank=True)
    repair = models.TextField(blank=True)
    follow_up = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = (
        "place",
        "before",
        "how_regulated",
        "talked_through",
        "repair",
        "follow_up",
    )

    class Meta:
        ordering = ["-occurred_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_to_calm__isnull=True)
                | Q(minutes_to_calm__gte=0, minutes_to_calm__lte=LONGEST_MINUTES),
                name="incident_minutes_to_calm_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "pupil", "occurred_at"], name="incident_by_pupil"),
            models.Index(fields=["school", "occurred_at"], name="incident_by_date"),
        ]

    def __str__(self) -> str:
        return f"Incident on {self.occurred_at:%Y-%m-%d}"
