"""Where a child's designated teacher is named (on their PEPs), for the access rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from attune.access.rules import Tie
from attune.access.ties import provide
from attune.accounts.models import Membership
from attune.pep.models import Pep


def designated_teacher_for(membership: Membership) -> QuerySet[Any] | None:
    if membership.staff_id is None:
        return None
    return Pep.objects.filter(designated_teacher_id=membership.staff_id).values("pupil_id")


def register() -> None:
    provide(Tie.DESIGNATED_TEACHER, designated_teacher_for)
