"""Reads of the foundation data that many pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from attune.people.models import Staff


def active_staff() -> QuerySet[Staff]:
    """The school's staff who are still here, by name: the list a form offers to choose from."""
    return Staff.objects.filter(is_active=True).order_by("last_name", "first_name")
