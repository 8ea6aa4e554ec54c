"""Key adult relationships: who a child has, their co-worker, and the whole history."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.constraints import empty_or_after, one_open
from attune.people.models import Pupil, Staff
from attune.tenancy import SchoolOwned


class KeyAdultRelationship(SchoolOwned):
    """A period in which one adult is a child's key adult (key person in early years)."""

    # Why the adult was chosen, and why it ended, are read only with the child's sensitive
    # record (the key adult history); the audit record keeps a digest, not the words.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("reason", "end_reason")

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
            empty_or_after("ended_on", "started_on", name="key_adult_ends_after_start"),
            one_open(["pupil"], while_empty="ended_on", name="key_adult_one_current_per_pupil"),
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


class TeamRole(models.TextChoices):
    """The people around a child beyond school staff."""

    SOCIAL_WORKER = "social_worker", "Social worker"
    EARLY_HELP = "early_help", "Early help worker"
    CAMHS = "camhs", "CAMHS practitioner"
    SEND_OFFICER = "send_officer", "SEND officer"
    VIRTUAL_SCHOOL = "virtual_school", "Virtual School"
    PARENT_CARER = "parent_carer", "Parent or carer"
    YOUTH_WORKER = "youth_worker", "Youth worker"
    FAITH_COMMUNITY = "faith_community", "Faith or community contact"
    OTHER = "other", "Other"


class CloseTeamMember(SchoolOwned):
    """An adult in school the child has chosen for their close team (beside the key adult)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="close_team")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="close_teams")
    child_words = models.TextField(help_text="Why the child chose them, in the child's words.")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["joined_on", "pk"]
        constraints = [
            empty_or_after("left_on", "joined_on", name="close_team_leaves_after_joining"),
            one_open(
                ["pupil", "staff"], while_empty="left_on", name="close_team_one_current_per_adult"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} in {self.pupil}'s close team"


class WiderTeamMember(SchoolOwned):
    """A professional or family member working with the child, with what may be shared."""

    # Someone who has not agreed to share is shown only with the child's sensitive record, so
    # the audit record never keeps who they are or how to reach them.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("name", "organisation", "email", "phone")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="wider_team")
    role = models.CharField(max_length=24, choices=TeamRole.choices)
    name = models.CharField(max_length=160)
    organisation = models.CharField(max_length=160, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    consent_to_share = models.BooleanField(
        default=False,
        help_text="They (or the family) agreed that staff working with the child may see this.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "started_on", "pk"]
        constraints = [
            empty_or_after("ended_on", "started_on", name="wider_team_ends_after_start"),
        ]
        indexes = [models.Index(fields=["school", "pupil", "role"], name="wider_team_by_role")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}) for {self.pupil}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
