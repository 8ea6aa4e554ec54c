"""Typed requests: views under ``/s/<urn>/`` always have a school and a membership."""

from __future__ import annotations

from attune.accounts.http import AuthenticatedRequest
from attune.accounts.models import Membership
from attune.people.models import School

__all__ = ["AuthenticatedRequest", "SchoolRequest"]


class SchoolRequest(AuthenticatedRequest):
    school: School
    membership: Membership
