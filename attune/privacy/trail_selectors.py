"""Reading the audit trail. ``AuditEvent`` is not tenancy-scoped: every read filters by school."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from attune.auditlog.models import AuditEvent
from attune.people.models import Pupil, School


@dataclass(frozen=True, slots=True)
class AuditFilters:
    child: str = ""  # part of a child's name, or their UPN
    pupil_id: uuid.UUID | None = None  # one child exactly (the link from a child's page)
    person: str = ""  # part of a person's name or email
    action: str = ""  # an action, or the start of one ("relationships.")
    date_from: date | None = None
    date_to: date | None = None  # inclusive


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def matching_pupil_ids(text: str) -> list[uuid.UUID]:
    """Children of the open school whose name or UPN contains ``text``."""
    found = Pupil.objects.filter(
        Q(legal_forename__icontains=text)
        | Q(legal_surname__icontains=text)
        | Q(preferred_name__icontains=text)
        | Q(upn__iexact=text)
    )
    return list(found.values_list("pk", flat=True)[:500])


def audit_events(school: School, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The school's events matching ``filters``, newest first, with each actor joined."""
    events = AuditEvent.objects.filter(school=school).select_related("actor")
    if filters.pupil_id:
        events = events.filter(pupil_id=filters.pupil_id)
    if filters.child:
        events = events.filter(pupil_id__in=matching_pupil_ids(filters.child))
    if filters.person:
        events = events.filter(
            Q(actor_label__icontains=filters.person) | Q(actor__email__icontains=filters.person)
        )
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events.order_by("-at", "-id")


def pupil_names(ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Display names of the open school's children with these ids (one query)."""
    pupils = Pupil.objects.filter(pk__in=ids).only(
        "legal_forename", "legal_surname", "preferred_name"
    )
    return {p.pk: p.display_name for p in pupils}
