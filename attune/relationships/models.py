"""Key adult relationships: who a child has, their co-worker, and the whole history."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.people.models import Pupil, Staff
from attune.tenancy import SchoolOwned


class KeyAdultRelationship(SchoolOwned):
    """A period in which one adult is a child's key adult (key person in early years)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="key_adult_relationships"
    )
    key_adult = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="key_relationships")
    co_worker = models.ForeignKey(
        Staff,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="co_worker_relationships",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.TextField(help_text="Why this adult, in a sentence or two.")
    chosen_by_child = models.BooleanField(default=False)
    child_words = models.TextField(
        blank=True, help_text="What the child said about it, in their words."
    )
    end_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="key_adult_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(ended_on__isnull=True),
                name="key_adult_one_current_per_pupil",
            ),
            models.CheckConstraint(
                condition=Q(co_worker__isnull=True) | ~Q(co_worker=F("key_adult")),
                name="key_adult_co_worker_is_someone_else",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "key_adult", "ended_on"], name="key_adult_caseload"),
            models.Index(fields=["school", "co_worker", "ended_on"], name="key_adult_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.key_adult} for {self.pupil} from {self.started_on}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def days_lasted(self, today: date) -> int:
        return ((self.ended_on or today) - self.started_on).days


class TrustedAdult(SchoolOwned):
    """An adult the child has named as someone they trust: the child's preference when choosing."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="trusted_adults")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="trusted_by")
    child_words = models.TextField(blank=True)
    recorded_on = models.DateField()

    class Meta:
        ordering = ["recorded_on"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "staff"], name="trusted_adult_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pupil} trusts {self.staff}"
