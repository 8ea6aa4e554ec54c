"""The Virtual School's side: officers of an authority, what each school shares, API tokens.

A Virtual School officer belongs to a local authority, not to a school. What they may see of
a school's children is what the school has agreed to share (:class:`SharingAgreement`); every
figure shown outside the school is put through small-number suppression first.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from attune.constraints import one_open
from attune.people.models import Cohort, LocalAuthority
from attune.tenancy import SchoolOwned

# The cohorts a Virtual School follows, in the order the pages list them (kept here, beside
# the sharing agreement that names them).
VIRTUAL_SCHOOL_COHORT_CHOICES = [
    (c.value, c.label)
    for c in (
        Cohort.LOOKED_AFTER,
        Cohort.PREVIOUSLY_LOOKED_AFTER,
        Cohort.CHILD_IN_NEED,
        Cohort.CHILD_PROTECTION_PLAN,
        Cohort.SOCIAL_WORKER_EVER6,
        Cohort.KINSHIP_CARE,
    )
]


class AuthorityRole(models.TextChoices):
    OFFICER = "officer", "Virtual School officer"
    HEAD = "head", "Head of the Virtual School"


class AuthorityMembership(models.Model):
    """A user's role in one local authority's Virtual School. Not school-owned."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authority_memberships"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=AuthorityRole.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["local_authority__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "local_authority"], name="authority_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} for {self.local_authority}"

    @property
    def is_head(self) -> bool:
        return self.role == AuthorityRole.HEAD


class SharingAgreement(SchoolOwned):
    """Which Virtual School cohorts the school shares child-level detail for (one per school).

    Without an agreement, or with an empty one, the Virtual School sees only suppressed
    figures for the school and no child.
    """

    cohorts = models.JSONField(default=list, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school"], name="sharing_one_per_school")]

    def __str__(self) -> str:
        return f"Sharing with the Virtual School: {', '.join(self.cohorts) or 'nothing'}"


class ApiToken(models.Model):
    """A bearer token for one authority's own systems. Only a hash of the secret is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="Which system uses it, in a few words.")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to recognise it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_open(
                ["local_authority", "name"],
                while_empty="revoked_at",
                name="api_token_name_unique_while_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
