"""The school's intervention catalogue, the scales it measures with, and who takes part.

Each allocation can hold a baseline and a follow-up score on one scale; impact compares them
(rules in ``domain/impact.py``). Ids in URLs are random, so they cannot be guessed. A child's
allocations belong to their sensitive record; the words typed about one are named in
``sensitive_fields``, so the audit record keeps digests, never the text.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.constraints import empty_or_after
from attune.interventions.domain.impact import MeasurePair, describe_change, improvement
from attune.people.models import Pupil, Staff
from attune.tenancy import SchoolOwned

MAX_DIGITS, DECIMALS = 6, 1  # scores such as 12.5


class Measure(SchoolOwned):
    """A numeric scale, e.g. an SDQ total difficulties score (0 to 40, lower is better)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    lowest = models.DecimalField("Lowest score", max_digits=MAX_DIGITS, decimal_places=DECIMALS)
    highest = models.DecimalField("Highest score", max_digits=MAX_DIGITS, decimal_places=DECIMALS)
    higher_is_better = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="measure_name_unique"),
            models.CheckConstraint(
                condition=Q(highest__gt=F("lowest")), name="measure_highest_above_lowest"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def direction_label(self) -> str:
        return "Higher is better" if self.higher_is_better else "Lower is better"


class Intervention(SchoolOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interventions",
        help_text="The scale usually used to see whether it helped.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="intervention_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Allocation(SchoolOwned):
    """A child taking part in an intervention, with the scores taken before and after."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="allocations"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="interventions")
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="interventions_run", verbose_name="Run by"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    frequency = models.CharField(max_length=120, blank=True)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="allocations")
    baseline = models.DecimalField(
        null=True, blank=True, max_digits=MAX_DIGITS, decimal_places=DECIMALS
    )
    baseline_on = models.DateField(null=True, blank=True)
    follow_up = models.DecimalField(
        null=True, blank=True, max_digits=MAX_DIGITS, decimal_places=DECIMALS
    )
    follow_up_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("frequency",)

    class Meta:
        ordering = ["-started_on", "pk"]
        constraints = [
            empty_or_after("ended_on", "started_on", name="allocation_ends_after_start"),
            models.CheckConstraint(
                condition=Q(baseline__isnull=True, baseline_on__isnull=True)
                | Q(baseline__isnull=False, baseline_on__isnull=False),
                name="allocation_baseline_has_date",
            ),
            models.CheckConstraint(
                condition=Q(follow_up__isnull=True, follow_up_on__isnull=True)
                | Q(follow_up__isnull=False, follow_up_on__isnull=False, baseline__isnull=False),
                name="allocation_follow_up_has_date_and_baseline",
            ),
            empty_or_after(
                "follow_up_on",
                "baseline_on",
                name="allocation_follow_up_after_baseline",
                strictly=True,
            ),
        ]
        indexes = [
            models.Index(fields=["school", "pupil", "started_on"], name="allocation_by_pupil"),
            models.Index(fields=["school", "intervention"], name="allocation_by_intervention"),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} from {self.started_on}"

    @property
    def change(self) -> str:
        """The change from baseline to follow-up in words (needs ``measure`` loaded)."""
        pair = MeasurePair(
            None if self.baseline is None else float(self.baseline),
            None if self.follow_up is None else float(self.follow_up),
        )
        value = improvement(pair, higher_is_better=self.measure.higher_is_better)
        if value is None:
            return "Waiting for both scores" if self.baseline is None else "Waiting for follow-up"
        return describe_change(value)
