"""Staff training (courses and who attended) and supervision of key adults."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.accounts.roles import ROLE_LABELS, Role
from attune.constraints import empty_or_after
from attune.people.models import JobRole, Staff
from attune.tenancy import SchoolOwned
from attune.training.domain.audience import Audience
from attune.training.domain.renewal import renewal_label
from attune.training.domain.supervision import DEFAULT_FORMAL_EVERY_WEEKS

GROUP_NAMES = {"key_adult": "Key adults", "attachment_lead": "Strategic attachment leads"}


def group_label(kind: str, value: str) -> str:
    """A coverage group in words: "All staff", "Key adults", "Teaching assistant"."""
    if kind == "everyone":
        return "All staff"
    if kind == "job":
        return str(JobRole(value).label)
    return GROUP_NAMES.get(value, ROLE_LABELS[Role(value)])


class Course(SchoolOwned):
    """A course in the school's catalogue: who it is for and how often it must be renewed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    renew_every_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty for a course taken once."
    )
    for_everyone = models.BooleanField(default=False)
    job_roles = models.JSONField(default=list, blank=True)  # JobRole values
    attune_roles = models.JSONField(default=list, blank=True)  # Role values
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="course_name_unique"),
            models.CheckConstraint(
                condition=Q(renew_every_months__isnull=True) | Q(renew_every_months__gte=1),
                name="course_renewal_at_least_a_month",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audience(self) -> Audience:
        return Audience(self.for_everyone, frozenset(self.job_roles), frozenset(self.attune_roles))

    @property
    def audience_label(self) -> str:
        return ", ".join(group_label(kind, value) for kind, value in self.audience.groups())

    @property
    def renewal_label(self) -> str:
        return renewal_label(self.renew_every_months)


class Attendance(SchoolOwned):
    """One person attending one course on one day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attendances")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="training")
    attended_on = models.DateField()
    provider = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attended_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "staff", "attended_on"], name="attendance_once_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "staff", "course"], name="training_staff_course"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} at {self.course} on {self.attended_on}"


class SupervisionKind(models.TextChoices):
    FORMAL = "formal", "Formal"
    PEER = "peer", "Peer"
    INFORMAL = "informal", "Informal"


class Theme(models.TextChoices):
    CHILD_DISTRESS = "child_distress", "A child's distress or behaviour"
    RELATIONSHIP = "relationship", "The relationship with a key child"
    FAMILY = "family", "Working with a family"
    SAFEGUARDING = "safeguarding", "A safeguarding worry"
    WORKLOAD = "workload", "Caseload and time"
    WELLBEING = "wellbeing", "The adult's own wellbeing"
    ENDINGS = "endings", "Boundaries, changes and endings"
    COLLEAGUES = "colleagues", "Working with colleagues"
    SKILLS = "skills", "Skills and training"


class Supervision(SchoolOwned):
    """A supervision conversation with a key adult. Its notes are read by few people, so the
    audit record keeps only a digest of them, never their text."""

    sensitive_fields: ClassVar[tuple[str, ...]] = (
        "other_themes",
        "notes",
        "agreed_support",
        "follow_ups",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=SupervisionKind.choices)
    held_on = models.DateField()
    supervisor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    supervisee = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="supervisions")
    themes = models.JSONField(default=list, blank=True)  # Theme values
    other_themes = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    agreed_support = models.TextField(blank=True)
    follow_ups = models.TextField(blank=True)
    follow_up_by = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=F("supervisee")), name="supervision_two_people"
            ),
            empty_or_after("follow_up_by", "held_on", name="supervision_follow_up_after"),
        ]
        indexes = [
            models.Index(fields=["school", "supervisee", "held_on"], name="supervision_supervisee"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} supervision of {self.supervisee} on {self.held_on}"

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        shown = [str(labels[t]) for t in self.themes if t in labels]
        return shown + ([self.other_themes] if self.other_themes else [])


class SupervisionSettings(SchoolOwned):
    """How often a school wants each key adult to have formal supervision."""

    formal_every_weeks = models.PositiveSmallIntegerField(default=DEFAULT_FORMAL_EVERY_WEEKS)

    class Meta:
        verbose_name_plural = "supervision settings"
        constraints = [
            models.UniqueConstraint(fields=["school"], name="supervision_settings_one_per_school"),
            models.CheckConstraint(
                condition=Q(formal_every_weeks__gte=1) & Q(formal_every_weeks__lte=52),
                name="supervision_interval_sensible",
            ),
        ]

    def __str__(self) -> str:
        return f"Formal supervision every {self.formal_every_weeks} weeks"
