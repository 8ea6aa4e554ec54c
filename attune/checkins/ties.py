"""Where the adult who keeps in touch with an absent child is recorded, for the access rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from attune.access.rules import Tie
from attune.access.ties import provide
from attune.accounts.models import Membership
from attune.checkins.models import KeepInTouchRoutine


def keeps_in_touch_with(membership: Membership) -> QuerySet[Any] | None:
    if membership.staff_id is None:
        return None
    return KeepInTouchRoutine.objects.filter(staff_id=membership.staff_id).values("pupil_id")


def register() -> None:
    provide(Tie.KEEP_IN_TOUCH, keeps_in_touch_with)
