"""Builders for tests: an incident recorded through the service, as a member of staff would."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from attune.accounts.models import User
from attune.incidents.models import Incident
from attune.incidents.services import IncidentDetails, incident_record
from attune.people.models import Pupil
from attune.tenancy import school_scope

if TYPE_CHECKING:
    from attune.testing import SchoolWorld


def record_incident(
    world: SchoolWorld, *, by: User | None = None, child: Pupil | None = None, **details: Any
) -> Incident:
    """An incident about Maya (or ``child``) recorded by the lead (or ``by``): yesterday in
    the classroom unless ``details`` say otherwise, with nothing yet talked through."""
    values: dict[str, Any] = {
        "occurred_at": timezone.now() - timedelta(days=1),
        "place": "the classroom",
        "before": "A change of teacher.",
        "regulated_by": None,
        "how_regulated": "Quiet corner and a drink of water.",
        "minutes_to_calm": 10,
        "talked_through": "",
        "repair": "",
        "follow_up": "",
    }
    with school_scope(world.school):
        return incident_record(
            actor=by or world.lead,
            pupil=child or world.child,
            details=IncidentDetails(**(values | details)),
            now=timezone.now(),
        )
