"""The Virtual School's side: officers of an authority, what each school shares, API tokens, and
the authority's own children: where they learn, their marks at schools not on Attune, and the
PEPs written with their partners.

A Virtual School officer belongs to a local authority, not to a school. What they may see of
a school's children is what the school has agreed to share (:class:`SharingAgreement`); every
figure shown outside the school is put through small-number suppression first.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.access.rules import Partner, PepSection
from attune.constraints import one_open
from attune.people.models import Cohort, LocalAuthority
from attune.pep.domain.cycle import PepTerm, Season
from attune.tenancy import AuthorityOwned, SchoolOwned

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


# --- The authority's own children, wherever they learn -------------------------------------
#
# Owned by the local authority, not a school (``AuthorityOwned``): every query is filtered to
# the authority whose scope is open, and raises with none (``attune/tenancy.py``). A child at
# a school on Attune is matched to that school's record by UPN and school; a child elsewhere
# has only what the authority holds here.


class LookedAfterChild(AuthorityOwned):
    """A child the authority looks after, from its own list (``attune import_vs_roster``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_id = models.CharField(
        "child's social care identifier", max_length=40, help_text="The authority's own id."
    )
    upn = models.CharField("UPN", max_length=13, blank=True)
    legal_forename = models.CharField(max_length=100)
    legal_surname = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    looked_after_from = models.DateField()
    looked_after_to = models.DateField(null=True, blank=True)
    legal_status = models.CharField(max_length=2, help_text="The SSDA903 legal status code.")
    social_worker_email = models.EmailField(blank=True)
    carer_email = models.EmailField(blank=True)
    designated_teacher_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "child_id"], name="looked_after_child_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(looked_after_to__isnull=True)
                | Q(looked_after_to__gte=F("looked_after_from")),
                name="looked_after_child_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["local_authority", "legal_surname", "legal_forename"],
                name="looked_after_child_name",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.legal_forename

    @property
    def display_name(self) -> str:
        return f"{self.known_as} {self.legal_surname}"

    def is_looked_after(self, on: date) -> bool:
        return self.looked_after_from <= on and (
            self.looked_after_to is None or self.looked_after_to >= on
        )


class Placement(AuthorityOwned):
    """Where a child learns: a school in England, on Attune or not. A change of school ends the
    old row and starts a new one, so the history stays."""

    child = models.ForeignKey(LookedAfterChild, on_delete=models.CASCADE, related_name="placements")
    school_urn = models.CharField("school URN", max_length=6)
    school_name = models.CharField(max_length=160)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="placement_one_open_per_child",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["local_authority", "school_urn"], name="placement_school"),
        ]

    def __str__(self) -> str:
        return f"{self.school_name} from {self.started_on}"


# --- Attendance from schools not on Attune ---------------------------------------------------


class AttendanceLink(AuthorityOwned):
    """An expiring link for one school not on Attune: its attendance officer enters or uploads
    the marks of the authority's children there, without an account. Only a hash of the secret
    is kept; the link is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school_urn = models.CharField("school URN", max_length=6)
    school_name = models.CharField(max_length=160)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["local_authority", "school_urn"], name="attendance_link_school")
        ]

    def __str__(self) -> str:
        return f"Register link for {self.school_name} ({self.prefix}…)"

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class SourceKind(models.TextChoices):
    LINK_ENTRY = "link_entry", "Entered through the school's link"
    LINK_UPLOAD = "link_upload", "Uploaded through the school's link"
    OFFICER_UPLOAD = "officer_upload", "Uploaded by the Virtual School"


class RegisterSource(AuthorityOwned):
    """One time marks were entered or uploaded for children at a school not on Attune: where
    replaced marks came from, and the counts."""

    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    school_urn = models.CharField(max_length=6)
    link = models.ForeignKey(
        AttendanceLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField()
    added = models.PositiveIntegerField(default=0)
    replaced = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.school_urn} at {self.at:%Y-%m-%d %H:%M}"


class OutsideMark(AuthorityOwned):
    """A register mark for one of the authority's children at a school not on Attune: the same
    codes, checked by the same reader, counted by the same rules as any school's."""

    child = models.ForeignKey(
        LookedAfterChild, on_delete=models.CASCADE, related_name="outside_marks"
    )
    school_urn = models.CharField(max_length=6)
    date = models.DateField()
    session = models.CharField(max_length=2)
    code = models.CharField(max_length=2)
    original_code = models.CharField(max_length=3)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.ForeignKey(
        RegisterSource, null=True, on_delete=models.SET_NULL, related_name="marks"
    )

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "date", "session"], name="outside_mark_one_per_session"
            ),
            models.CheckConstraint(
                condition=Q(session__in=["AM", "PM"]), name="outside_mark_session_am_pm"
            ),
        ]
        indexes = [models.Index(fields=["local_authority", "date"], name="outside_mark_day")]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.code}"


class OutsideYearCounts(AuthorityOwned):
    """One child's sessions in one school year at schools not on Attune, counted the way
    ``summarise`` counts them: kept by ``registers.marks_save`` in the transaction that writes
    the marks (as a school's ``YearCounts`` are kept by its imports), so the list of the
    authority's children reads one row a child, not every mark."""

    child = models.ForeignKey(LookedAfterChild, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The year the school year starts in.")
    possible = models.PositiveSmallIntegerField(default=0)
    present = models.PositiveSmallIntegerField(default=0)
    approved_activity = models.PositiveSmallIntegerField(default=0)
    authorised_absence = models.PositiveSmallIntegerField(default=0)
    unauthorised_absence = models.PositiveSmallIntegerField(default=0)
    late_before_close = models.PositiveSmallIntegerField(default=0)
    late_after_close = models.PositiveSmallIntegerField(default=0)
    not_counted = models.PositiveSmallIntegerField(default=0)
    suspended = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "outside year counts"
        constraints = [
            models.UniqueConstraint(fields=["child", "year"], name="outside_counts_one_per_year"),
        ]
        indexes = [models.Index(fields=["local_authority", "year"], name="outside_counts_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.possible - self.present} of {self.possible} missed"


class OutsideMarkChange(AuthorityOwned):
    """A mark that was replaced: what it was, what it became, when and from which entry."""

    child = models.ForeignKey(LookedAfterChild, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    session = models.CharField(max_length=2)
    old_code = models.CharField(max_length=2)
    old_original_code = models.CharField(max_length=3)
    old_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    new_code = models.CharField(max_length=2)
    new_original_code = models.CharField(max_length=3)
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField()
    source = models.ForeignKey(
        RegisterSource, null=True, on_delete=models.SET_NULL, related_name="changes"
    )

    class Meta:
        ordering = ["date", "session", "changed_at"]

    def __str__(self) -> str:
        return f"{self.date} {self.session}: {self.old_code} -> {self.new_code}"


# --- PEPs written with partners --------------------------------------------------------------


class PepPartner(AuthorityOwned):
    """Someone invited to write a child's PEPs with the Virtual School: the designated teacher at
    any school, the social worker, the carer or the child. They sign in by an emailed link
    (``attune.accounts.links``) that reaches this child's PEPs and nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(LookedAfterChild, on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(max_length=24, choices=[(p.value, p.label) for p in Partner])
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pep_partners"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="pep_partner_one_live_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{Partner(self.kind).label} for {self.child}"

    @property
    def partner(self) -> Partner:
        return Partner(self.kind)


class PepState(models.TextChoices):
    WRITING = "writing", "Being written"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Quality assured"


class Quality(models.TextChoices):
    GOOD = "good", "Good"
    IMPROVE = "improve", "Needs improving"
    INADEQUATE = "inadequate", "Not yet good enough"


class PartnerPep(AuthorityOwned):
    """One term's PEP for one of the authority's children, written with the partners; the
    officer rates its quality and may return it for changes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(LookedAfterChild, on_delete=models.CASCADE, related_name="peps")
    school_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=8)
    school_urn = models.CharField(max_length=6)
    school_name = models.CharField(max_length=160)
    meeting_on = models.DateField(null=True, blank=True, help_text="When the PEP meeting was held.")
    state = models.CharField(max_length=10, choices=PepState.choices, default=PepState.WRITING)
    quality = models.CharField(max_length=12, choices=Quality.choices, blank=True)
    quality_note = models.TextField(blank=True)
    returned_note = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("quality_note", "returned_note")

    class Meta:
        ordering = ["-school_year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "school_year", "term"], name="partner_pep_one_per_term"
            ),
            models.CheckConstraint(
                condition=~Q(state="approved") | ~Q(quality=""),
                name="partner_pep_approved_is_rated",
            ),
        ]

    def __str__(self) -> str:
        return f"PEP for {self.child}, {self.pep_term.label}"

    @property
    def pep_term(self) -> PepTerm:
        return PepTerm(self.school_year, Season(self.term))


class PartnerPepSection(AuthorityOwned):
    """One partner's part of a PEP, in their own words (the child's in theirs)."""

    pep = models.ForeignKey(PartnerPep, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=8, choices=[(s.value, s.value) for s in PepSection])
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_as = models.CharField(max_length=24, help_text="Which partner wrote it.")
    written_at = models.DateTimeField()

    sensitive_fields: ClassVar[tuple[str, ...]] = ("text",)

    class Meta:
        ordering = ["section"]
        constraints = [
            models.UniqueConstraint(fields=["pep", "section"], name="partner_pep_section_once"),
        ]

    def __str__(self) -> str:
        return f"{self.section} section of {self.pep_id}"


class PartnerPepTarget(AuthorityOwned):
    """A target the PEP sets, written by the designated teacher with the others."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pep = models.ForeignKey(PartnerPep, on_delete=models.CASCADE, related_name="targets")
    description = models.TextField()
    who = models.CharField(max_length=160)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("description",)

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return self.description


class FundingState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Not approved"


class PupilPremiumPlus(AuthorityOwned):
    """Pupil Premium Plus for one child for one term: how much, what for (tied to the PEP's
    targets), who asked and when, whether the Virtual School approved it, and its impact."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(
        LookedAfterChild, on_delete=models.CASCADE, related_name="pupil_premium"
    )
    pep = models.ForeignKey(PartnerPep, on_delete=models.CASCADE, related_name="funding")
    school_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=8)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    purpose = models.TextField()
    targets = models.ManyToManyField(PartnerPepTarget, related_name="funding")
    state = models.CharField(
        max_length=10, choices=FundingState.choices, default=FundingState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    impact = models.TextField(blank=True)
    impact_recorded_at = models.DateTimeField(null=True, blank=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("purpose", "impact")

    class Meta:
        ordering = ["-school_year", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "school_year", "term"], name="pupil_premium_plus_one_per_term"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="pupil_premium_plus_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Pupil Premium Plus £{self.amount} for {self.child}"
