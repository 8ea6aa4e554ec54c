"""The school belonging survey: rounds a school runs, and the answers children give in them.

The statements are data (``survey_templates/``): a round keeps the template's id and version,
and a response keys its answers on statement ids. An anonymous response keeps only the child's
year group, the cohort flags the results are grouped by and the day it was given, never the
child; a named response also keeps the child, so a child answers only once in a round.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.people.models import Pupil
from attune.tenancy import SchoolOwned


class SurveyMode(models.TextChoices):
    ANONYMOUS = "anonymous", "Anonymous: answers are kept without the child's name"
    NAMED = "named", "Named: answers are kept with the child's name"


class SurveyRound(SchoolOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=120)
    template_id = models.CharField(max_length=80)
    template_version = models.PositiveIntegerField()
    opens_on = models.DateField()
    closes_on = models.DateField()
    mode = models.CharField(max_length=12, choices=SurveyMode.choices)
    year_groups = models.JSONField(help_text="The year groups invited, as numbers (0 = Reception).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="survey_round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["anonymous", "named"]), name="survey_round_mode"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_named(self) -> bool:
        return self.mode == SurveyMode.NAMED

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on


class SurveyResponse(SchoolOwned):
    """One child's answers. No time finer than the day, and no child unless the round is named."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    year_group = models.SmallIntegerField()
    looked_after = models.BooleanField(default=False)
    social_worker = models.BooleanField(default=False)
    send = models.BooleanField("SEND", default=False)
    fsm = models.BooleanField("Free school meals", default=False)
    answered_on = models.DateField()
    answers = models.JSONField(help_text="Statement id -> scale value; skipped ones are absent.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "pupil"],
                condition=Q(pupil__isnull=False),
                name="survey_response_once_per_child",
            ),
        ]

    def __str__(self) -> str:
        return f"Answers in {self.round_id}"
