"""A typed request for pages that need only a signed-in user."""

from __future__ import annotations

from django.http import HttpRequest

from attune.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
