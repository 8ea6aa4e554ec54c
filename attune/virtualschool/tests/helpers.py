"""Builders for the authority's own children: roster files and children on the list.

Used by this app's tests, the walks over every URL (read log, marker crawl) and the benchmark.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from attune.people.models import LocalAuthority
from attune.tenancy import authority_scope
from attune.virtualschool.domain.roster_csv import COLUMNS
from attune.virtualschool.models import LookedAfterChild, Placement
from attune.virtualschool.roster import RosterImport, roster_import

DEFAULTS: dict[str, str] = {
    "child_id": "LAC-1",
    "upn": "",
    "legal_forename": "Amelia",
    "legal_surname": "Thornbury",
    "preferred_name": "",
    "date_of_birth": "2016-10-04",
    "looked_after_from": "2023-05-12",
    "looked_after_to": "",
    "legal_status": "C2",
    "school_urn": "100001",
    "school_name": "Hollybrook Primary School",
    "social_worker_email": "",
    "carer_email": "",
    "designated_teacher_email": "",
}


def roster_csv(*rows: dict[str, Any], header: tuple[str, ...] = COLUMNS) -> io.BytesIO:
    lines = [",".join(header)]
    for row in rows:
        values = DEFAULTS | {k: str(v) for k, v in row.items()}
        lines.append(",".join(values.get(name, "") for name in header))
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def import_roster(la: LocalAuthority, *rows: dict[str, Any], today: date) -> RosterImport:
    return roster_import(authority=la, stream=roster_csv(*rows), today=today)


def looked_after(
    la: LocalAuthority,
    *,
    child_id: str,
    school_urn: str,
    school_name: str = "A school",
    upn: str = "",
    forename: str = "Kieran",
    surname: str = "Ashdown",
    since: date = date(2024, 9, 1),
    started_on: date = date(2024, 9, 1),
    **emails: str,
) -> LookedAfterChild:
    """A child on the authority's list, learning at ``school_urn`` (on Attune or not)."""
    with authority_scope(la):
        child = LookedAfterChild.objects.create(
            local_authority=la,
            child_id=child_id,
            upn=upn,
            legal_forename=forename,
            legal_surname=surname,
            date_of_birth=date(2014, 6, 21),
            looked_after_from=since,
            legal_status="C2",
            **emails,
        )
        Placement.objects.create(
            local_authority=la,
            child=child,
            school_urn=school_urn,
            school_name=school_name,
            started_on=started_on,
        )
    return child
