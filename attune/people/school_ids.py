"""How other systems name a school: its Wonde id (the aggregator that reads its MIS for us).

Kept apart from ``services.py`` so that ``attune add_school --wonde-id`` and the "Connection to
your MIS" page share one checked, audited way to set it.
"""

from __future__ import annotations

import re

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.errors import AttuneError
from attune.people.models import School

_WONDE_ID = re.compile(r"^[A-Za-z0-9]{1,20}$")


def school_wonde_id_set(*, actor: User | None, school: School, wonde_id: str) -> School:
    """Set (or, with "", clear) the school's Wonde id; raises ``AttuneError`` if it is not
    one, or another school already has it."""
    wonde_id = wonde_id.strip()
    if wonde_id and not _WONDE_ID.match(wonde_id):
        raise AttuneError(
            "A Wonde school id is letters and digits only, for example A1930499544.",
            "school.wonde_id_invalid",
            "wonde_id",
        )
    with transaction.atomic():
        if wonde_id and School.objects.filter(wonde_id=wonde_id).exclude(pk=school.pk).exists():
            raise AttuneError(
                f"Another school in Attune already has the Wonde id {wonde_id}. Check the id "
                "in Wonde's school list.",
                "school.wonde_id_taken",
                "wonde_id",
            )
        if school.wonde_id == wonde_id:
            return school
        before, school.wonde_id = school.wonde_id, wonde_id
        school.save(update_fields=["wonde_id"])
        record(
            Action.MIS_CONNECTION_SET,
            school,
            actor=actor,
            changes={"wonde_id": [before or None, wonde_id or None]},
        )
    return school
