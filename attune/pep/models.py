"""Personal Education Plans for looked-after children: one a term, with targets reviewed at
the next meeting. A PEP links to the child's current plan, and a target to one of its goals.

What a PEP says is read by those who may read the child's PEPs (``Right.READ_PEPS``), so its
free text is named in ``sensitive_fields``: the audit record keeps digests, never the words.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from attune.people.models import Pupil, Staff
from attune.pep.domain.cycle import PepTerm, Season
from attune.plans.models import OwnedBy, OwnerKind, Plan, Target
from attune.relationships.models import WiderTeamMember
from attune.tenancy import SchoolOwned


class Term(models.TextChoices):
    AUTUMN = Season.AUTUMN.value, "Autumn"
    SPRING = Season.SPRING.value, "Spring"
    SUMMER = Season.SUMMER.value, "Summer"


class PepStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    SIGNED_OFF = "signed_off", "Signed off"


class Pep(SchoolOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="peps")
    school_year = models.PositiveSmallIntegerField(
        help_text="The year the school year starts in: 2026 for 2026 to 2027."
    )
    term = models.CharField(max_length=8, choices=Term.choices)
    meeting_on = models.DateField()
    status = models.CharField(max_length=12, choices=PepStatus.choices, default=PepStatus.PLANNED)
    designated_teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="peps")
    social_worker = models.ForeignKey(
        WiderTeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="peps"
    )
    social_worker_name = models.CharField(max_length=160, blank=True)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="peps"
    )
    attendees = models.TextField(blank=True, help_text="Who came, one a line, with their role.")
    child_views = models.TextField(blank=True)
    carer_views = models.TextField(blank=True)
    attendance_summary = models.TextField(blank=True)
    progress_summary = models.TextField(blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = (
        "social_worker_name",
        "attendees",
        "child_views",
        "carer_views",
        "attendance_summary",
        "progress_summary",
    )

    class Meta:
        ordering = ["-school_year", "-meeting_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "school_year", "term"], name="pep_one_per_child_per_term"
            ),
            models.CheckConstraint(
                condition=(Q(status="signed_off") & Q(signed_off_on__isnull=False))
                | (~Q(status="signed_off") & Q(signed_off_on__isnull=True)),
                name="pep_signed_off_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "school_year", "term"], name="pep_by_term"),
        ]

    def __str__(self) -> str:
        return f"PEP for {self.pupil}, {self.pep_term.label}"

    @property
    def pep_term(self) -> PepTerm:
        return PepTerm(self.school_year, Season(self.term))

    @property
    def social_worker_label(self) -> str:
        if self.social_worker is not None:
            return self.social_worker.name
        return self.social_worker_name

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]

    @property
    def is_signed_off(self) -> bool:
        return self.status == PepStatus.SIGNED_OFF


class Outcome(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"
    CARRIED_FORWARD = "carried_forward", "Carried forward to next term"


class PepTarget(OwnedBy):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="targets")
    description = models.TextField()
    due_on = models.DateField()
    funding = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Pupil Premium Plus in pounds, if any is spent on this target.",
    )
    plan_target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.SET_NULL, related_name="pep_targets"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("description", "outcome_note", "owner_name")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_kind=OwnerKind.STAFF) | Q(owner_staff__isnull=False),
                name="pep_target_staff_owner_named",
            ),
            models.CheckConstraint(
                condition=Q(owner_kind__in=[OwnerKind.STAFF, OwnerKind.CHILD]) | ~Q(owner_name=""),
                name="pep_target_other_owner_named",
            ),
            models.CheckConstraint(
                condition=Q(funding__isnull=True) | Q(funding__gte=0),
                name="pep_target_funding_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(reviewed_on__isnull=True))
                | (~Q(outcome="") & Q(reviewed_on__isnull=False)),
                name="pep_target_reviewed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description
