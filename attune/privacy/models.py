"""Retention rules a school has chosen, legal holds, and requests to correct or erase data."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from attune.privacy.domain.retention import BASIS_LABELS, Basis
from attune.tenancy import SchoolOwned


class RetentionRule(SchoolOwned):
    """A school's own period for one kind of record, replacing the default for that kind."""

    kind = models.CharField(max_length=100)  # "app_label.model", e.g. "checkins.checkin"
    basis = models.CharField(max_length=24, choices=[(b.value, BASIS_LABELS[b]) for b in Basis])
    years = models.PositiveSmallIntegerField(default=0)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "kind"], name="one_retention_rule_per_kind"),
            models.CheckConstraint(
                condition=models.Q(basis="keep") | models.Q(years__gte=1, years__lte=150),
                name="retention_years_sensible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.basis} {self.years}"


class LegalHold(SchoolOwned):
    """Stops retention and erasure removing a child's records, or every record of one kind.

    The child is held by id, not by a foreign key, so the hold outlives nothing it protects and
    is never itself a record "about" the child that retention would count.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil_id = models.UUIDField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=100, blank=True)
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_by_label = models.CharField(max_length=200)
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    # Why records are held (a claim, a police request) is for those who handle data requests:
    # the audit trail keeps a digest of it (``attune.auditlog.record``).
    sensitive_fields: ClassVar[tuple[str, ...]] = ("reason",)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pupil_id__isnull=False) | ~models.Q(kind=""),
                name="legal_hold_has_a_target",
            )
        ]

    def __str__(self) -> str:
        return f"Hold on {self.pupil_id or self.kind}"


class RequestKind(models.TextChoices):
    CORRECT = "correct", "Correct a value"
    ERASE_RECORD = "erase_record", "Erase one record"
    ERASE_CHILD = "erase_child", "Erase everything about the child"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPLIED = "applied", "Approved and done"
    REFUSED = "refused", "Refused"


class DataRequest(SchoolOwned):
    """A request to correct or erase data, raised by one person and decided by another."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil_id = models.UUIDField(db_index=True)
    pupil_label = models.CharField(max_length=220)  # the child's name, blanked after erasure
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    record_kind = models.CharField(max_length=100, blank=True)  # "app_label.model"
    record_id = models.CharField(max_length=64, blank=True)
    field_name = models.CharField(max_length=100, blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    status = models.CharField(
        max_length=8, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    # Free text about the child: the trail keeps digests, never the words.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("reason", "new_value", "decision_note")

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("raised_by")),
                name="data_request_decided_by_someone_else",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.pupil_label}"


class BreakGlassGrant(SchoolOwned):
    """A designated safeguarding lead's time-limited access to one child's record, with why.

    Like legal holds and requests, it names the child by id (not a foreign key) so the record
    of who broke the glass outlives the child's erasure. Every read under it is in the audit
    trail as ``Action.BREAK_GLASS_READ``, with this grant's id.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil_id = models.UUIDField(db_index=True)
    pupil_label = models.CharField(max_length=220)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField(max_length=200)
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    # The reason often says what happened to the child: the report shows it to the headteacher
    # and the attachment lead; the audit trail keeps only a digest.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("reason",)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="break_glass_expires_after_grant",
            )
        ]
        indexes = [models.Index(fields=["school", "user", "pupil_id"], name="break_glass_lookup")]

    def __str__(self) -> str:
        return f"Break glass by {self.user_label} for {self.pupil_label}"
