"""Where break-glass grants are recorded, for the access rules: a grant counts from its start
until it expires, and only for the user it was given to."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from attune.access.rules import Tie
from attune.access.ties import provide
from attune.accounts.models import Membership
from attune.privacy.models import BreakGlassGrant


def open_grants_of(membership: Membership) -> QuerySet[Any] | None:
    if not (membership.is_dsl and membership.is_active):
        return None
    now = timezone.now()
    return BreakGlassGrant.objects.filter(
        user_id=membership.user_id, granted_at__lte=now, expires_at__gt=now
    ).values("pupil_id")


def register() -> None:
    provide(Tie.BREAK_GLASS, open_grants_of)
