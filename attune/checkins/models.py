"""Check-in plans agreed with the child, logged check-ins, absences, closures and attunement.

Everything hangs off a key adult relationship, so a new key adult starts a new plan and a
new attunement history. Later features (positive noticing, keeping in touch) attach to the
same relationship, or to a logged :class:`Checkin` by its id.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from attune.checkins.domain.attunement import Principle
from attune.constraints import empty_or_after
from attune.people.models import Pupil, Staff
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import SchoolOwned

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CheckinForm(models.TextChoices):
    TALK = "talk", "A talk"
    WALK = "walk", "A walk and talk"
    DRAWING = "drawing", "Drawing together"
    SYMBOL_CARD = "symbol_card", "Symbol or feelings card (no words needed)"
    PLAY = "play", "A game or activity"
    OTHER = "other", "Something else"


class CheckinPlan(SchoolOwned):
    """When, where and how a child and their key adult check in, as agreed with the child."""

    # Read by the child's key adults and the leads only: the audit record keeps digests.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("place", "what_helps", "child_words")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.ForeignKey(
        KeyAdultRelationship, on_delete=models.CASCADE, related_name="checkin_plans"
    )
    at_start_of_day = models.BooleanField("At the start of the day", default=True)
    at_end_of_day = models.BooleanField("At the end of the day", default=True)
    at_time = models.TimeField("At another time", null=True, blank=True)
    weekdays = models.CharField(
        max_length=7, default="01234", help_text="Digits of the weekdays, Monday = 0."
    )
    duration_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    place = models.CharField(max_length=200)
    form = models.CharField(max_length=16, choices=CheckinForm.choices, default=CheckinForm.TALK)
    what_helps = models.TextField(blank=True)
    child_words = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship"], name="checkin_plan_one_per_relationship"
            ),
            empty_or_after("ends_on", "starts_on", name="checkin_plan_ends_after_start"),
            models.CheckConstraint(
                condition=Q(review_on__gte=F("starts_on")), name="checkin_plan_review_after_start"
            ),
            models.CheckConstraint(
                condition=Q(at_start_of_day=True)
                | Q(at_end_of_day=True)
                | Q(at_time__isnull=False),
                name="checkin_plan_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=240),
                name="checkin_plan_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in plan for {self.relationship_id}"

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted(int(d) for d in self.weekdays)

    @property
    def weekday_text(self) -> str:
        days = self.weekday_numbers
        if days == [0, 1, 2, 3, 4]:
            return "Every school day"
        return ", ".join(WEEKDAY_NAMES[d] for d in days)


class Outcome(models.TextChoices):
    HAPPENED = "happened", "Happened"
    MISSED = "missed", "Missed"
    DECLINED = "declined", "Child declined"
    COVERED = "covered", "Covered by co-worker"


class Mood(models.IntegerChoices):
    """How the child seemed, on a simple scale a tablet can show as five buttons."""

    VERY_UNSETTLED = 1, "Very unsettled"
    UNSETTLED = 2, "Unsettled"
    OKAY = 3, "Okay"
    SETTLED = 4, "Settled"
    BRIGHT = 5, "Bright and settled"


class Checkin(SchoolOwned):
    """One check-in slot on one day, as it went. Corrected in place, never duplicated."""

    # The note is read on the key adult's Today only: the audit record keeps a digest.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("note",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.ForeignKey(
        KeyAdultRelationship, on_delete=models.PROTECT, related_name="checkins"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="checkins")
    on = models.DateField()
    slot = models.CharField(max_length=8, help_text='"start", "end" or a time such as "12:30".')
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    mood = models.PositiveSmallIntegerField(choices=Mood.choices, null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    needed_to_decompress = models.BooleanField(default=False)
    done_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="checkins_done"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["on", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "on", "slot"], name="checkin_one_per_slot_per_day"
            ),
            models.CheckConstraint(
                condition=Q(mood__isnull=True) | (Q(mood__gte=1) & Q(mood__lte=5)),
                name="checkin_mood_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "on"], name="checkin_school_day"),
            models.Index(fields=["pupil", "on"], name="checkin_pupil_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.on} ({self.slot})"


class StaffAbsence(SchoolOwned):
    """A member of staff is away for a day; their key children go to their co-workers."""

    # Why an adult is away can be about their health: only those who plan cover read it.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("reason",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="absences")
    on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "staff__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "on"], name="staff_absence_once_a_day")
        ]
        indexes = [models.Index(fields=["school", "on"], name="staff_absence_school_day")]

    def __str__(self) -> str:
        return f"{self.staff} away on {self.on}"


class SchoolClosure(SchoolOwned):
    """A day the school is closed (INSET, bank holiday, snow): no check-ins are due."""

    on = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "on"], name="school_closure_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Closed on {self.on}: {self.reason}"


class AttunementRecord(SchoolOwned):
    """The level a relationship has reached on the principles of attuned interaction."""

    # Read on the attunement page only (the leads, the key adult and co-worker).
    sensitive_fields: ClassVar[tuple[str, ...]] = ("evidence",)

    relationship = models.ForeignKey(
        KeyAdultRelationship, on_delete=models.CASCADE, related_name="attunement_records"
    )
    on = models.DateField()
    level = models.PositiveSmallIntegerField(choices=[(p.value, p.label) for p in Principle])
    evidence = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="attunement_level_range"
            )
        ]

    def __str__(self) -> str:
        return f"{Principle(self.level).label} on {self.on}"

    @property
    def principle(self) -> Principle:
        return Principle(self.level)


class RelationshipTarget(SchoolOwned):
    """Something the adult is working on with the child, tied to one principle."""

    # Read on the attunement page only (the leads, the key adult and co-worker).
    sensitive_fields: ClassVar[tuple[str, ...]] = ("text",)

    relationship = models.ForeignKey(
        KeyAdultRelationship, on_delete=models.CASCADE, related_name="targets"
    )
    principle = models.PositiveSmallIntegerField(choices=[(p.value, p.label) for p in Principle])
    text = models.CharField(max_length=500)
    set_on = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["set_on", "id"]

    def __str__(self) -> str:
        return self.text


# ---------------------------------------------------------------------------------------------
# Positive noticing and how it goes home


class ShareChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "A phone call"
    CHILD_TELLS = "child_tells", "The child tells them"


class EmailFrom(models.TextChoices):
    MIS = "mis", "The parent or carer the school's MIS lists first"
    TYPED = "typed", "An address the family gave us"


class FamilySharing(SchoolOwned):
    """How good news goes home for one child, as the child and family agreed.

    By email, it goes to the school's MIS contact (``people.contacts.home_email_contact``)
    unless the family asked for another address, which is then typed in ``email``.
    """

    # Shown only with the child's sensitive record: the audit record keeps digests.
    sensitive_fields: ClassVar[tuple[str, ...]] = (
        "home_name",
        "email",
        "phone",
        "consent_given_by",
        "child_view",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="family_sharing")
    channel = models.CharField(max_length=12, choices=ShareChannel.choices)
    home_name = models.CharField("Who at home", max_length=120, blank=True)
    email_from = models.CharField(
        "Which email address", max_length=5, choices=EmailFrom.choices, default=EmailFrom.TYPED
    )
    email = models.EmailField("Email address to use", blank=True)
    phone = models.CharField("Phone number to use", max_length=40, blank=True)
    consent_given_by = models.CharField(max_length=120, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    child_view = models.TextField("What the child said", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="email")
                | ((~Q(email="") | Q(email_from="mis")) & Q(consent_given_on__isnull=False)),
                name="family_sharing_email_needs_address_and_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} for {self.pupil_id}"

    @property
    def has_consent(self) -> bool:
        return self.consent_given_on is not None


class PhoneOutcome(models.TextChoices):
    SPOKE = "spoke", "Spoke to them"
    NO_ANSWER = "no_answer", "No answer"
    MESSAGE_LEFT = "message_left", "Left a message"


class Noticing(SchoolOwned):
    """Two positives for a child at the end of a day or session, and how they went home.

    On a day the child is not in school, the positives are the effort noticed (an email sent
    in, a call taken, getting up and dressed).
    """

    # Read by the child's key adults (and, by email, the family the child chose): digests only.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("proud_of", "noticed", "share_note")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.ForeignKey(
        KeyAdultRelationship, on_delete=models.PROTECT, related_name="noticings"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="noticings")
    on = models.DateField()
    child_in_school = models.BooleanField(default=True)
    proud_of = models.CharField(max_length=500)
    noticed = models.CharField(max_length=500)
    shared_by = models.CharField(max_length=12, choices=ShareChannel.choices, blank=True)
    phone_outcome = models.CharField(max_length=12, choices=PhoneOutcome.choices, blank=True)
    share_note = models.CharField(max_length=500, blank=True)
    recorded_by_staff = models.ForeignKey(
        Staff, null=True, on_delete=models.SET_NULL, related_name="noticings"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(shared_by="phone") | ~Q(phone_outcome=""),
                name="noticing_phone_has_outcome",
            )
        ]
        indexes = [models.Index(fields=["pupil", "on"], name="noticing_pupil_day")]

    def __str__(self) -> str:
        return f"Noticing on {self.on}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to send"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class EmailHome(SchoolOwned):
    """One email to a family, sent by the background worker. Every attempt is counted here,
    so a message that could not be sent is shown to the lead rather than lost."""

    # The family's address and the good news itself stay out of the audit record.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("to", "subject", "body")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    noticing = models.OneToOneField(Noticing, on_delete=models.CASCADE, related_name="email")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="emails_home")
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "status"], name="email_home_school_status")]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.subject}"


# ---------------------------------------------------------------------------------------------
# Keeping in touch with a child who is not in school


class ContactBy(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    VIDEO = "video", "Video call"
    VISIT = "visit", "Home visit"


class ContactOutcome(models.TextChoices):
    SPOKE_TO_CHILD = "spoke_child", "Spoke to the child"
    SPOKE_TO_PARENT = "spoke_parent", "Spoke to a parent or carer"
    NO_ANSWER = "no_answer", "No answer"
    MESSAGE_LEFT = "message_left", "Left a message"


class KeepInTouchRoutine(SchoolOwned):
    """Who gets in touch with a child on the days they are not in school, how and when."""

    # Read by the adults who keep in touch and the leads only: the audit record keeps digests.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("with_whom", "notes")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.OneToOneField(
        Pupil, on_delete=models.CASCADE, related_name="keep_in_touch_routine"
    )
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="keep_in_touch")
    at = models.TimeField()
    by = models.CharField(max_length=8, choices=ContactBy.choices, default=ContactBy.PHONE)
    with_whom = models.CharField(max_length=120, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.at:%H:%M} by {self.get_by_display().lower()}"


class KeepInTouchContact(SchoolOwned):
    """One contact made with an absent child or their family, and what was agreed."""

    # Read by the adults who keep in touch and the leads only: the audit record keeps a digest.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("agreed",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="keep_in_touch")
    on = models.DateField()
    by = models.CharField(max_length=8, choices=ContactBy.choices)
    outcome = models.CharField(max_length=12, choices=ContactOutcome.choices)
    agreed = models.CharField(max_length=500, blank=True)
    staff = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "recorded_at"]
        indexes = [models.Index(fields=["school", "on"], name="keep_in_touch_school_day")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.on}"
