"""Writes for incidents, and the logged reads. One transaction each, audited inside it.

The audit log records who wrote or read an incident and which fields changed, not the words:
the incident itself is the sensitive record.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest

from attune.accounts.models import User
from attune.auditlog.services import audit_log
from attune.errors import AttuneError
from attune.incidents.models import LONGEST_MINUTES, Incident
from attune.people.models import Pupil, Staff


class IncidentError(AttuneError):
    pass


@dataclass(frozen=True, slots=True)
class IncidentDetails:
    occurred_at: datetime
    place: str
    before: str
    regulated_by: Staff | None
    how_regulated: str
    minutes_to_calm: int | None
    talked_through: str
    repair: str
    follow_up: str


def _check(details: IncidentDetails, now: datetime) -> None:
    if details.occurred_at > now:
        raise IncidentError(
            "The time of the incident cannot be in the future.", "incident.future", "occurred_on"
        )
    minutes = details.minutes_to_calm
    if minutes is not None and minutes < 0:
        raise IncidentError(
            "The time until the child was calm cannot be negative. Leave it empty if nobody "
            "noted it.",
            "incident.minutes_negative",
            "minutes_to_calm",
        )
    if minutes is not None and minutes > LONGEST_MINUTES:
        raise IncidentError(
            "That is more than a day. Please check the number of minutes.",
            "incident.minutes_too_long",
            "minutes_to_calm",
        )


def _values(details: IncidentDetails) -> dict[str, object]:
    values = {f.name: getattr(details, f.name) for f in fields(details)}
    for key in ("place", "before", "how_regulated", "talked_through", "repair", "follow_up"):
        values[key] = str(values[key]).strip()
    return values


def incident_record(
    *,
    actor: User,
    pupil: Pupil,
    details: IncidentDetails,
    now: datetime,
    request: HttpRequest | None = None,
) -> Incident:
    _check(details, now)
    with transaction.atomic():
        incident = Incident.objects.create(
            school_id=pupil.school_id, pupil=pupil, recorded_by=actor, **_values(details)
        )
        audit_log(
            actor=actor,
            action="incidents.incident.recorded",
            obj=incident,
            school=pupil.school,
            pupil=pupil,
            changes={
                "occurred_at": details.occurred_at.isoformat(),
                "minutes_to_calm": details.minutes_to_calm,
            },
            request=request,
        )
    return incident


def incident_update(
    *,
    actor: User,
    incident: Incident,
    details: IncidentDetails,
    now: datetime,
    request: HttpRequest | None = None,
) -> Incident:
    """Add what was talked through, the repair and follow-up later, or correct the record."""
    _check(details, now)
    values = _values(details)
    changed = [k for k, v in values.items() if getattr(incident, k) != v]
    with transaction.atomic():
        for key in changed:
            setattr(incident, key, values[key])
        incident.save(update_fields=[*changed, "updated_at"])
        audit_log(
            actor=actor,
            action="incidents.incident.changed",
            obj=incident,
            school=incident.pupil.school,
            pupil=incident.pupil,
            changes={"fields": changed},
            request=request,
        )
    return incident


def incidents_viewed(
    *, actor: User, pupil: Pupil, request: HttpRequest, incident: Incident | None = None
) -> None:
    """Every read of a child's incidents is logged, like any read of a child's record."""
    audit_log(
        actor=actor,
        action="incidents.incident.viewed" if incident else "incidents.pupil.viewed",
        obj=incident or pupil,
        school=pupil.school,
        pupil=pupil,
        request=request,
    )
