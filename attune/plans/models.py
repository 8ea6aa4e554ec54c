"""Plans with the child's voice: versions, next steps and targets with owners, and reviews.

A plan's words live in versions. A review never edits the past: it records progress against
each target of the version it reviewed and creates the next version, carrying the next steps
and targets forward (a target keeps its ``key`` across versions, so its progress can be traced).

Everything here is read by the child's team (meetings and contacts by their own level), so each
model names its free text in ``sensitive_fields``: the audit record keeps a digest of those
fields, never the words.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from attune.access.levels import sensitivity_field
from attune.constraints import empty_or_after
from attune.people.models import Pupil, Staff
from attune.tenancy import SchoolOwned


class PlanKind(models.TextChoices):
    INDIVIDUAL_DEVELOPMENT = "individual_development", "Individual development plan"
    PERSONALISED = "personalised", "Personalised plan"
    PASTORAL_SUPPORT = "pastoral_support", "Pastoral support plan"
    ATTENDANCE_SUPPORT = "attendance_support", "Attendance support plan"
    RETURN_FROM_SUSPENSION = "return_from_suspension", "Return-from-suspension plan"


class OwnerKind(models.TextChoices):
    STAFF = "staff", "Someone in school"
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "The child"
    PROFESSIONAL = "professional", "Another professional"


class Plan(SchoolOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(max_length=32, choices=PlanKind.choices)
    owner = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        related_name="plans_owned",
        help_text="The adult in school who keeps the plan moving and calls its reviews.",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True, help_text="Why the plan was closed.")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("end_reason",)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            empty_or_after("ended_on", "started_on", name="plan_ends_after_start"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="plan_closed_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["school", "pupil", "started_on"], name="plan_by_pupil")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.pupil}"


class PlanVersion(SchoolOwned):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    child_goals = models.TextField(help_text="The child's own goals, in their words.")
    strengths = models.TextField(blank=True)
    what_helps = models.TextField(blank=True)
    review_due_on = models.DateField()
    what_changed = models.TextField(blank=True)
    created_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    sensitive_fields: ClassVar[tuple[str, ...]] = (
        "child_goals",
        "strengths",
        "what_helps",
        "what_changed",
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}, version {self.number}"


class OwnedBy(SchoolOwned):
    """Someone named as responsible: an adult in school, a parent or carer, the child, or
    another professional."""

    owner_kind = models.CharField(max_length=16, choices=OwnerKind.choices)
    owner_staff = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=160, blank=True)

    class Meta:
        abstract = True

    @property
    def owner_label(self) -> str:
        if self.owner_kind == OwnerKind.STAFF and self.owner_staff is not None:
            return self.owner_staff.full_name
        if self.owner_kind == OwnerKind.CHILD:
            return self.owner_name or "The child"
        return f"{self.owner_name} ({self.get_owner_kind_display()})"


class Commitment(OwnedBy):
    """Something someone has agreed to do or reach, and how everyone will know it worked."""

    description = models.TextField()
    success_criteria = models.TextField()

    sensitive_fields: ClassVar[tuple[str, ...]] = ("description", "success_criteria", "owner_name")

    class Meta:
        abstract = True


def _owner_constraints(prefix: str, *, criteria: bool = True) -> list[models.BaseConstraint]:
    constraints: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=~Q(owner_kind=OwnerKind.STAFF) | Q(owner_staff__isnull=False),
            name=f"{prefix}_staff_owner_named",
        ),
        models.CheckConstraint(
            condition=Q(owner_kind__in=[OwnerKind.STAFF, OwnerKind.CHILD]) | ~Q(owner_name=""),
            name=f"{prefix}_other_owner_named",
        ),
    ]
    if criteria:
        constraints.append(
            models.CheckConstraint(condition=~Q(success_criteria=""), name=f"{prefix}_has_criteria")
        )
    return constraints


class NextStep(Commitment):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="next_steps")
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = _owner_constraints("next_step")

    def __str__(self) -> str:
        return self.description


class Target(Commitment):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="targets")
    key = models.UUIDField(default=uuid.uuid4, help_text="The same target across versions.")
    baseline = models.DecimalField(max_digits=9, decimal_places=2)
    target_value = models.DecimalField(max_digits=9, decimal_places=2)
    unit = models.CharField(max_length=40, help_text="For example: % attendance, days a week.")
    by_date = models.DateField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            *_owner_constraints("target"),
            models.UniqueConstraint(fields=["version", "key"], name="target_once_per_version"),
        ]

    def __str__(self) -> str:
        return self.description


class PlanReview(SchoolOwned):
    # The (plan, held_on) index serves the plan alone too.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews", db_index=False)
    held_on = models.DateField()
    reviewed_version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="reviews"
    )
    new_version = models.OneToOneField(
        PlanVersion, on_delete=models.PROTECT, related_name="made_by_review"
    )
    child_view = models.TextField(blank=True, help_text="How the child thinks it is going.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    sensitive_fields: ClassVar[tuple[str, ...]] = ("child_view",)

    class Meta:
        ordering = ["-held_on", "-pk"]
        # A child's chronology reads each plan's reviews by date. With only single-column
        # indexes PostgreSQL matched each plan's reviews against every review in the school
        # (a bitmap AND), 0.2 ms a plan: 12 ms of the page for a child with 60 plans.
        indexes = [models.Index(fields=["plan", "held_on"], name="plan_review_by_day")]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.held_on}"


class TargetProgress(SchoolOwned):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="progress")
    value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("note",)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "target"], name="target_progress_once"),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.value}"


class MeetingKind(models.TextChoices):
    TEAM_AROUND_THE_CHILD = "tac", "Team around the child meeting"
    BREAKTHROUGH = "breakthrough", "Breakthrough meeting"
    RETURN_FROM_SUSPENSION = "return_from_suspension", "Return-from-suspension meeting"
    SEN_REVIEW = "sen_review", "SEN review"


class Meeting(SchoolOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=32, choices=MeetingKind.choices)
    held_on = models.DateField()
    attendees = models.TextField(help_text="Who came, one a line, with their role.")
    child_voice = models.TextField(
        help_text="The child's words, or how their views were gathered if they were not there."
    )
    decisions = models.TextField(blank=True)
    sensitivity = sensitivity_field()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("attendees", "child_voice", "decisions")

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["school", "pupil", "held_on"], name="meeting_by_pupil")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.pupil} on {self.held_on}"

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class MeetingAction(OwnedBy):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    # An action carries its meeting's level: a DSL-only meeting's actions say as much.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("description", "owner_name")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = _owner_constraints("meeting_action", criteria=False)
        indexes = [
            models.Index(fields=["school", "owner_staff", "done_on"], name="meeting_action_owner")
        ]

    def __str__(self) -> str:
        return self.description


class ContactWith(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent or carer"
    CHILD = "child", "The child"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER_PROFESSIONAL = "other_professional", "Another professional"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    HOME_VISIT = "home_visit", "Home visit"
    VIDEO = "video", "Video call"
    LETTER = "letter", "Letter"


class ContactLogEntry(SchoolOwned):
    """One contact with the family, the child or a professional: who, how, when, what agreed."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField()
    with_kind = models.CharField(max_length=24, choices=ContactWith.choices)
    with_name = models.CharField(max_length=160)
    method = models.CharField(max_length=16, choices=ContactMethod.choices)
    summary = models.TextField()
    agreed = models.TextField(blank=True)
    about_absence = models.BooleanField(
        default=False, help_text="Keeping in touch while the child is absent."
    )
    sensitivity = sensitivity_field()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("with_name", "summary", "agreed")

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name_plural = "contact log entries"
        indexes = [
            models.Index(fields=["school", "pupil", "contacted_on"], name="contact_by_pupil")
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} with {self.with_name} on {self.contacted_on}"


class RaisedBy(models.TextChoices):
    CHILD = "child", "A child"
    FAMILY = "family", "A family member"
    STAFF = "staff", "A member of staff"


class YouSaidKind(models.TextChoices):
    CONCERN = "concern", "A concern"
    IDEA = "idea", "An idea"


class YouSaidStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_HAND = "in_hand", "In hand"
    DONE = "done", "Done"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"


FINISHED = (YouSaidStatus.DONE, YouSaidStatus.NOT_TAKEN_FORWARD)


class YouSaid(SchoolOwned):
    """ "You said, we did": a concern or idea someone raised, what was done about it, by whom
    and when, and a senior leader's sign-off. About one child, or (no pupil) the whole school."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="you_said"
    )
    kind = models.CharField(max_length=8, choices=YouSaidKind.choices)
    raised_by = models.CharField(max_length=8, choices=RaisedBy.choices)
    raised_by_name = models.CharField(max_length=160, blank=True)
    their_words = models.TextField()
    raised_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=YouSaidStatus.choices, default=YouSaidStatus.OPEN
    )
    what_we_did = models.TextField(blank=True)
    done_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)
    not_forward_reason = models.TextField(blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # An item about a child is read by the child's team; whole-school ones keep the same care.
    sensitive_fields: ClassVar[tuple[str, ...]] = (
        "raised_by_name",
        "their_words",
        "what_we_did",
        "not_forward_reason",
    )

    class Meta:
        ordering = ["raised_on", "pk"]
        verbose_name = "you said, we did item"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=YouSaidStatus.DONE)
                | (~Q(what_we_did="") & Q(done_on__isnull=False) & Q(done_by__isnull=False)),
                name="you_said_done_says_what_who_when",
            ),
            models.CheckConstraint(
                condition=~Q(status=YouSaidStatus.NOT_TAKEN_FORWARD) | ~Q(not_forward_reason=""),
                name="you_said_not_forward_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_on__isnull=True) | Q(status__in=FINISHED),
                name="you_said_signed_off_when_finished",
            ),
            empty_or_after("done_on", "raised_on", name="you_said_done_after_raised"),
        ]
        indexes = [
            models.Index(fields=["school", "pupil", "raised_on"], name="you_said_by_pupil"),
            models.Index(fields=["school", "signed_off_on", "raised_on"], name="you_said_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} raised on {self.raised_on}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def raised_by_label(self) -> str:
        who = self.get_raised_by_display()
        return f"{self.raised_by_name} ({who.lower()})" if self.raised_by_name else who
