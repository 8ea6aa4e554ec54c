"""The connection to a school's MIS through Wonde: where each kind of data stands, what each
run did, the pages we could not read, and which Wonde record is which Attune record.

The Wonde school id itself is on ``people.School`` (``wonde_id``), beside the URN and the
establishment number; the token never touches the database (``ATTUNE_WONDE_TOKEN``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.people.models import Pupil
from attune.tenancy import SchoolOwned


class Kind(models.TextChoices):
    PUPILS = "pupils", "Pupils"
    STAFF = "staff", "Staff"
    CONTACTS = "contacts", "Parents and carers"
    GROUPS = "groups", "Groups"
    ATTENDANCE = "attendance", "Registers"


class MisConnection(SchoolOwned):
    """What Wonde told us about the school, and the attendance codes it uses."""

    region_domain = models.CharField(max_length=100, blank=True)
    mis_name = models.CharField("MIS", max_length=60, blank=True)
    wonde_name = models.CharField("name in Wonde", max_length=160, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_wonde_id = models.CharField(max_length=20, blank=True)  # the id ``checked_at`` checked
    # Wonde's attendance code ids to the letters they stand for, as Wonde last listed them.
    attendance_codes = models.JSONField(default=dict, blank=True)
    codes_fetched_at = models.DateTimeField(null=True, blank=True)
    sync_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school"], name="mis_connection_one")]

    def __str__(self) -> str:
        return f"MIS connection for school {self.school_id}"


class SyncState(SchoolOwned):
    """One kind of data for one school: how far it has been read, and how it last went.

    ``watermark`` is the start of the last run that finished: the next run asks Wonde for what
    changed after it (less an overlap). A run that stops keeps ``resume_step`` and
    ``resume_url`` (the next page it had not applied yet), written in the same transaction as
    the page before it, so the next run carries on from there.
    """

    kind = models.CharField(max_length=12, choices=Kind.choices)
    watermark = models.DateTimeField(null=True, blank=True)
    run_started_at = models.DateTimeField(null=True, blank=True)
    run_since = models.DateTimeField(null=True, blank=True)  # the run's ``updated_after``
    resume_step = models.PositiveSmallIntegerField(default=0)
    resume_url = models.TextField(blank=True)
    running_since = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_code = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["school", "kind"], name="mis_sync_state_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for school {self.school_id}"


class Outcome(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Stopped by a problem"


class SyncRun(SchoolOwned):
    """One run of one kind: when, what it changed (``counts``), and what it could not do."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.RUNNING)
    pages = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)  # [{"code": ..., "message": ...}]
    problem_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    error_code = models.CharField(max_length=60, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["school", "kind", "started_at"], name="mis_run_recent")]

    def __str__(self) -> str:
        return f"{self.kind} sync {self.started_at:%Y-%m-%d %H:%M} ({self.outcome})"


class RawPage(SchoolOwned):
    """A response we could not fully read, kept as it came so its real shape can be seen.

    It may hold children's details, so it is kept for ``ATTUNE_MIS_KEEP_RAW_DAYS`` only
    (each run removes older ones) and shown to no one in Attune: read it in the database.
    """

    run = models.ForeignKey(SyncRun, null=True, on_delete=models.SET_NULL, related_name="+")
    url = models.TextField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    body = models.TextField(blank=True)
    kept_at = models.DateTimeField()

    class Meta:
        ordering = ["-kept_at"]

    def __str__(self) -> str:
        return f"Raw page {self.kept_at:%Y-%m-%d %H:%M}"


class LinkKind(models.TextChoices):
    STUDENT = "student", "Pupil"
    CONTACT = "contact", "Contact"
    EMPLOYEE = "employee", "Member of staff"


class MisLink(SchoolOwned):
    """Which Attune record a Wonde record is: ``local_id`` is the pupil's, contact's or staff
    member's id. ``upi`` survives a pupil leaving and coming back (a new Wonde id) [DOC²].
    ``ended_on`` is set when Wonde lists the record as deleted (and cleared if restored)."""

    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    wonde_id = models.CharField(max_length=40)
    upi = models.CharField(max_length=64, blank=True)
    mis_id = models.CharField(max_length=40, blank=True)
    local_id = models.UUIDField()
    ended_on = models.DateField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)  # what the MIS last said, where kept

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "wonde_id"], name="mis_link_one_per_wonde_id"
            )
        ]
        indexes = [
            models.Index(fields=["school", "kind", "local_id"], name="mis_link_local"),
            models.Index(fields=["school", "kind", "upi"], name="mis_link_upi"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.wonde_id}"


class MisGroup(SchoolOwned):
    """A group from the MIS (registration group, year, house...), as Wonde names it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wonde_id = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    type = models.CharField(max_length=30, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["type", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "wonde_id"], name="mis_group_one_per_id")
        ]

    def __str__(self) -> str:
        return self.name


class MisGroupMembership(SchoolOwned):
    """A child's time in an MIS group: ended, never erased, when they leave it."""

    group = models.ForeignKey(MisGroup, on_delete=models.CASCADE, related_name="memberships")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="mis_groups")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="mis_group_membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["group", "pupil"],
                condition=Q(ended_on__isnull=True),
                name="mis_group_membership_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} in {self.group_id}"


class StagedMark(SchoolOwned):
    """A session mark read from Wonde, waiting for the run to finish.

    A run's marks are applied together, once every page has been read, exactly as one CSV
    file would be (``attendance.imports``): the same counts, history and one audit event per
    child. Each page is staged in its own transaction, so a run that stops part-way keeps what
    it read and the next run carries on; nothing reaches the register until the end.
    """

    pupil_id = models.UUIDField()
    date = models.DateField()
    session = models.CharField(max_length=2)
    code = models.CharField(max_length=2)
    original_code = models.CharField(max_length=3)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["school", "pupil_id"], name="mis_staged_mark_pupil")]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.code}"
