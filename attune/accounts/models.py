"""Users sign in with their email address and hold a role in each school they belong to."""

from __future__ import annotations

import secrets
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
