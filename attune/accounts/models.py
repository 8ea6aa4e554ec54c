"""Users sign in with their email address and hold a role in each school they belong to."""

from __future__ import annotations

import secrets
import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.crypto import salted_hmac

from attune.accounts.roles import ROLE_LABELS, Permission, Role, role_can


def new_session_token() -> str:
    return secrets.token_hex(16)


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=160)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    # Part of every session's check value: replacing it signs the user out everywhere.
    session_token = models.CharField(max_length=32, default=new_session_token)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    objects = UserManager()

    def __str__(self) -> str:
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django checks this against the value stored at sign-in on every request, at no extra
        # query; covering the session token as well as the password lets us end all sessions.
        key_salt = "attune.accounts.User.session_auth_hash"
        value = f"{self.password}:{self.session_token}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Membership(models.Model):
    """A user's role in one school, optionally linked to their staff record there.

    Not a scoped model: it is what decides which scopes a user may open.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(
        "people.School", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=24, choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    staff = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    # The designated safeguarding lead (or a deputy): reads notes marked for the DSL only, and
    # may "break glass" to reach a child's record for a few hours. Not implied by any role.
    is_dsl = models.BooleanField("Designated safeguarding lead", default=False)

    class Meta:
        ordering = ["school__name"]
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.school}"

    def can(self, permission: Permission) -> bool:
        return role_can(self.role, permission)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class LinkAccess(models.Model):
    """What someone who signs in by an emailed link may reach: one thing, named by its purpose
    and id (a partner's invitation to a child's PEP; a parent's own child, later).

    The feature that owns the thing grants and revokes it (``attune.accounts.links``) and checks
    it on every page it serves; a session opened by a link reaches those pages and nothing else.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="link_accesses")
    purpose = models.CharField(max_length=60)
    target = models.CharField(max_length=64, help_text="The id of what it reaches.")
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose", "target"],
                condition=models.Q(revoked_at__isnull=True),
                name="link_access_one_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.target} for {self.user}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class SignInLink(models.Model):
    """A single-use, short-lived sign-in sent by email. Only a hash of its secret is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="sign_in_link_user_at")]

    def __str__(self) -> str:
        return f"Sign-in link for {self.user} ({self.created_at:%Y-%m-%d %H:%M})"


class SignInRequest(models.Model):
    """Someone asked for a sign-in link: kept to limit how often an address or an email may ask
    (whether or not the email is known). The email is kept only as a keyed digest."""

    address = models.GenericIPAddressField(null=True)
    email_digest = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["address", "at"], name="sign_in_request_address"),
            models.Index(fields=["email_digest", "at"], name="sign_in_request_email"),
        ]

    def __str__(self) -> str:
        return f"Asked for a sign-in link at {self.at:%Y-%m-%d %H:%M}"
