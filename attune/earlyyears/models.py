"""Early years: rooms, the daily register with amendments, care routines, settling in and the
shared development record. The key person is the key adult relationship (``relationships``);
a key person away for the day is a ``checkins.StaffAbsence``, shared with check-in cover.

Free text about a child here (care notes, settling-in notes, observations, why the register was
corrected) is read only by those who keep the register, so each model names it in
``sensitive_fields``: the audit record keeps a digest of it, never the text, and whoever reads
the trail (an administrator, say) learns nothing of the child from it.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from attune.constraints import empty_or_after, one_open
from attune.people.models import Pupil, Staff
from attune.tenancy import SchoolOwned


class Room(SchoolOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="ey_room_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class RoomPlacement(SchoolOwned):
    """The room a child usually belongs to; they are signed into it on arrival."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="ey_placement")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="placements")

    def __str__(self) -> str:
        return f"{self.pupil_id} in {self.room}"


class QualificationLevel(models.IntegerChoices):
    NONE = 0, "No approved qualification yet"
    LEVEL_2 = 2, "Level 2"
    LEVEL_3 = 3, "Level 3"
    LEVEL_6 = 6, "Level 6 (QTS, EYTS, EYPS or equivalent)"


class StaffQualification(SchoolOwned):
    """The approved early years qualification a member of staff counts at, for ratios."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="ey_qualification")
    level = models.PositiveSmallIntegerField(choices=QualificationLevel.choices)

    def __str__(self) -> str:
        return f"{self.staff_id}: {self.get_level_display()}"


class ChildVisit(SchoolOwned):
    """One stretch of a child's attendance on a day. Never overwritten after the day: later
    changes are ``VisitAmendment`` rows and the record shows both."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="ey_visits")
    room = models.ForeignKey(Room, null=True, on_delete=models.SET_NULL, related_name="visits")
    on = models.DateField()
    signed_in_at = models.TimeField("Signed in at")
    brought_by = models.CharField("Brought by", max_length=120, blank=True)
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_out_at = models.TimeField("Signed out at", null=True, blank=True)
    collected_by = models.CharField("Collected by", max_length=120, blank=True)
    signed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "signed_in_at"]
        constraints = [
            empty_or_after(
                "signed_out_at", "signed_in_at", name="ey_visit_out_after_in", strictly=True
            ),
            one_open(
                ["pupil", "on"], while_empty="signed_out_at", name="ey_visit_one_open_per_child_day"
            ),
        ]
        indexes = [models.Index(fields=["school", "on"], name="ey_visit_school_day")]

    def __str__(self) -> str:
        return f"{self.pupil_id} on {self.on} from {self.signed_in_at:%H:%M}"


class VisitAmendment(SchoolOwned):
    """A correction to a visit, kept beside the original: the latest one is what stands."""

    sensitive_fields: ClassVar[tuple[str, ...]] = ("reason",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(ChildVisit, on_delete=models.CASCADE, related_name="amendments")
    signed_in_at = models.TimeField("Signed in at")
    signed_out_at = models.TimeField("Signed out at", null=True, blank=True)
    collected_by = models.CharField("Collected by", max_length=120, blank=True)
    reason = models.TextField("Why it is being amended")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    amended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["amended_at"]
        constraints = [
            empty_or_after(
                "signed_out_at", "signed_in_at", name="ey_amendment_out_after_in", strictly=True
            ),
        ]

    def __str__(self) -> str:
        return f"Amendment to {self.visit_id}"


class StaffVisit(SchoolOwned):
    """A member of staff working directly with the children in a room."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="ey_room_visits")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="staff_visits")
    on = models.DateField()
    signed_in_at = models.TimeField()
    signed_out_at = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["on", "signed_in_at"]
        constraints = [
            empty_or_after(
                "signed_out_at", "signed_in_at", name="ey_staff_visit_out_after_in", strictly=True
            ),
            one_open(["staff", "on"], while_empty="signed_out_at", name="ey_staff_visit_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} in {self.room_id} on {self.on}"


class CareKind(models.TextChoices):
    NAPPY = "nappy", "Nappy change"
    TOILET = "toilet", "Toileting"
    SLEEP = "sleep", "Sleep"
    MEAL = "meal", "Meal or snack"
    DRINK = "drink", "Drink"


class CareEntry(SchoolOwned):
    sensitive_fields: ClassVar[tuple[str, ...]] = ("detail",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="ey_care")
    on = models.DateField()
    kind = models.CharField(max_length=8, choices=CareKind.choices)
    at = models.TimeField("Time")
    woke_at = models.TimeField("Woke at", null=True, blank=True)
    detail = models.CharField(
        max_length=200, blank=True, help_text="For example: wet, ate most of it, 150 ml water."
    )
    done_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "at"]
        constraints = [
            empty_or_after("woke_at", "at", name="ey_care_woke_after_down", strictly=True),
            models.CheckConstraint(
                condition=Q(woke_at__isnull=True) | Q(kind="sleep"),
                name="ey_care_woke_only_for_sleep",
            ),
        ]
        indexes = [models.Index(fields=["pupil", "on"], name="ey_care_child_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%H:%M}"


class SleepCheck(SchoolOwned):
    sensitive_fields: ClassVar[tuple[str, ...]] = ("note",)

    entry = models.ForeignKey(CareEntry, on_delete=models.CASCADE, related_name="checks")
    at = models.TimeField("Checked at")
    note = models.CharField(max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"Checked at {self.at:%H:%M}"


class SharedHow(models.TextChoices):
    IN_PERSON = "in_person", "Told at collection"
    PRINTED = "printed", "Printed sheet"
    EMAIL = "email", "Email"
    PHONE = "phone", "A phone call"


class DaySummaryShare(SchoolOwned):
    """A record that a child's day summary went home, and how."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="ey_day_shares")
    on = models.DateField()
    how = models.CharField("How it was shared", max_length=12, choices=SharedHow.choices)
    shared_with = models.CharField("Shared with", max_length=120)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shared_at"]

    def __str__(self) -> str:
        return f"Day {self.on} shared with {self.shared_with}"


class SettlingInPlan(SchoolOwned):
    sensitive_fields: ClassVar[tuple[str, ...]] = (
        "family_told_us",
        "comfort_objects",
        "home_routines",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="ey_settling")
    starts_on = models.DateField("First visit")
    family_told_us = models.TextField("What the family told us about the child", blank=True)
    comfort_objects = models.TextField("Comfort objects", blank=True)
    home_routines = models.TextField("Routines from home", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Settling in for {self.pupil_id}"


class SettlingEntryKind(models.TextChoices):
    VISIT = "visit", "Visit"
    NOTE = "note", "Note"


class SettlingInEntry(SchoolOwned):
    sensitive_fields: ClassVar[tuple[str, ...]] = ("text",)

    plan = models.ForeignKey(SettlingInPlan, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=SettlingEntryKind.choices)
    on = models.DateField("Date")
    text = models.TextField("What happened")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "written_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class LearningArea(models.TextChoices):
    """The seven areas of learning and development in the EYFS."""

    COMMUNICATION = "communication", "Communication and language"
    PSED = "psed", "Personal, social and emotional development"
    PHYSICAL = "physical", "Physical development"
    LITERACY = "literacy", "Literacy"
    MATHEMATICS = "mathematics", "Mathematics"
    WORLD = "world", "Understanding the world"
    EXPRESSIVE = "expressive", "Expressive arts and design"


class DevelopmentEntryKind(models.TextChoices):
    OBSERVATION = "observation", "Observation in the setting"
    FROM_HOME = "from_home", "From home"


class DevelopmentEntry(SchoolOwned):
    """The shared development record: short observations by staff, and notes from home that
    staff enter on the family's behalf (``said_by`` names who said it)."""

    sensitive_fields: ClassVar[tuple[str, ...]] = ("text",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="ey_development")
    kind = models.CharField(max_length=12, choices=DevelopmentEntryKind.choices)
    on = models.DateField("Date")
    area = models.CharField("Area of learning", max_length=16, choices=LearningArea.choices)
    text = models.TextField("What we saw")
    said_by = models.CharField("Who said it", max_length=120, blank=True)
    shared_with_family = models.BooleanField("Shared with the family", default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-written_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="observation") | ~Q(said_by=""),
                name="ey_development_home_note_says_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"
