"""The Relational Approaches Audit: runs, a rating per item, notes per section, actions.

Every model is named ``RelationalAudit...``: "audit" alone in Attune means the audit record of
who read or changed what (``attune.auditlog``), which this is not.

The template (areas, sections, items) is data, not tables: a run stores the template's id and
version, and ratings key on the template's item ids. A school may load its own template file;
it is kept here so old runs can always be read against the version they used.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.people.models import Staff
from attune.tenancy import SchoolOwned


class RelationalAuditTemplateFile(SchoolOwned):
    """A school's own Relational Approaches Audit template, validated on load; the newest is the
    one in use."""

    template_id = models.CharField(max_length=80)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    content = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "template_id", "version"],
                name="relational_audit_template_file_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class RelationalAuditStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"


class RelationalAuditRun(SchoolOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template_id = models.CharField(max_length=80)
    template_version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=RelationalAuditStatus.choices, default=RelationalAuditStatus.DRAFT
    )
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="draft", completed_on__isnull=True)
                    | Q(status="completed", completed_on__gte=F("started_on"))
                ),
                name="relational_audit_run_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Relational Approaches Audit started {self.started_on}"

    @property
    def is_draft(self) -> bool:
        return self.status == RelationalAuditStatus.DRAFT


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class RelationalAuditRating(SchoolOwned):
    """One item's answer in one run; a blank rating means not rated yet."""

    run = models.ForeignKey(RelationalAuditRun, on_delete=models.CASCADE, related_name="ratings")
    item_id = models.CharField(max_length=80)
    rating = models.CharField(max_length=8, choices=Rag.choices, blank=True)
    evidence = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "item_id"], name="relational_audit_rating_one_per_item"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=["", "red", "amber", "green"]),
                name="relational_audit_rating_rag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.rating or 'not rated'}"


class RelationalAuditSectionNote(SchoolOwned):
    run = models.ForeignKey(
        RelationalAuditRun, on_delete=models.CASCADE, related_name="section_notes"
    )
    section_key = models.CharField(max_length=120)  # "area.section", e.g. "safe.ethos"
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "section_key"], name="relational_audit_section_note_one_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"Notes on {self.section_key}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class RelationalAuditAction(SchoolOwned):
    """A step the school will take on one audit item, with who and by when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(RelationalAuditRun, on_delete=models.CASCADE, related_name="actions")
    item_id = models.CharField(max_length=80)
    action = models.TextField()
    owner = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=""), name="relational_audit_action_has_text"
            ),
        ]

    def __str__(self) -> str:
        return self.action[:60]
