"""Writes for incidents. One transaction each, audited inside it.

The audit record keeps who wrote an incident and which fields changed, not the words: the
incident itself is the sensitive record (``Incident.sensitive_fields``). Reads are logged by
the door (``attune.access.children``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import save_recorded
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
) -> Incident:
    _check(details, now)
    incident = Incident(
        school_id=pupil.school_id, pupil=pupil, recorded_by=actor, **_values(details)
    )
    return save_recorded(
        Action.INCIDENT_RECORDED,
        incident,
        actor=actor,
        changes={
            "occurred_at": details.occurred_at.isoformat(),
            "minutes_to_calm": details.minutes_to_calm,
        },
    )


def incident_update(
    *,
    actor: User,
    incident: Incident,
    details: IncidentDetails,
    now: datetime,
) -> Incident:
    """Add what was talked through, the repair and follow-up later, or correct the record."""
    _check(details, now)
    values = _values(details)
    changed = [k for k, v in values.items() if getattr(incident, k) != v]
    with transaction.atomic():
        for key in changed:
            setattr(incident, key, values[key])
        incident.save(update_fields=[*changed, "updated_at"])
        record(Action.INCIDENT_CHANGED, incident, actor=actor, changes={"fields": changed})
    return incident
