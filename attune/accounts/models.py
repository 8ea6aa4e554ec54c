"""Users sign in with their email address and hold a role in each school they belong to."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models

from attune.accounts.roles import ROLE_LABELS, Permission, Role, role_can


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

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    objects = UserManager()

    def __str__(self) -> str:
        return self.full_name or self.email


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
