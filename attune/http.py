"""Typed requests: views under ``/s/<urn>/`` always have a school and a membership."""

from __future__ import annotations

from django.http import HttpRequest

from attune.accounts.models import Membership, User
from attune.people.models import School


class AuthenticatedRequest(HttpRequest):
    user: User


class SchoolRequest(AuthenticatedRequest):
    school: School
    membership: Membership
