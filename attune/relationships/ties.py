"""Where key adults, co-workers and the close team are recorded, for the access rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from attune.access.rules import Tie
from attune.access.ties import provide
from attune.accounts.models import Membership
from attune.relationships.models import CloseTeamMember, KeyAdultRelationship


def key_adult_of(membership: Membership) -> QuerySet[Any] | None:
    if membership.staff_id is None:
        return None
    return KeyAdultRelationship.objects.filter(
        key_adult_id=membership.staff_id, ended_on__isnull=True
    ).values("pupil_id")


def co_worker_of(membership: Membership) -> QuerySet[Any] | None:
    if membership.staff_id is None:
        return None
    return KeyAdultRelationship.objects.filter(
        co_worker_id=membership.staff_id, ended_on__isnull=True
    ).values("pupil_id")


def in_close_team_of(membership: Membership) -> QuerySet[Any] | None:
    if membership.staff_id is None:
        return None
    return CloseTeamMember.objects.filter(
        staff_id=membership.staff_id, left_on__isnull=True
    ).values("pupil_id")


def register() -> None:
    provide(Tie.KEY_ADULT, key_adult_of)
    provide(Tie.CO_WORKER, co_worker_of)
    provide(Tie.CLOSE_TEAM, in_close_team_of)
