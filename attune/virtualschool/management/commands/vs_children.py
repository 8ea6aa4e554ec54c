"""``attune vs_children --la NNN --format json``: every child the authority looks after today,
one object each, for the authority's own systems. Named and unsuppressed, like the Virtual
School's children page: keep the output as safely as the page."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from attune.tenancy import authority_scope
from attune.virtualschool.management.commands.import_vs_roster import authority_of
from attune.virtualschool.our_children import OurChild, our_children


def as_json(row: OurChild) -> dict[str, Any]:
    pct = row.attendance_pct
    return {
        "child_id": row.child.child_id,
        "upn": row.child.upn or None,
        "name": row.child.display_name,
        "school_urn": row.placement.school_urn if row.placement else None,
        "on_attune": row.on_attune,
        "attendance_pct": round(pct, 1) if pct is not None else None,
        "pep_status": row.pep.value,
        "key_adult": row.key_adult,
    }


class Command(BaseCommand):
    help = (
        "Print every child a local authority looks after today, with where they learn, "
        "attendance this school year, where their PEP stands and their key adult."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--la", type=int, required=True, help="The DfE's LA number.")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        authority = authority_of(options["la"])
        with authority_scope(authority):
            rows = our_children(timezone.localdate())
        self.stdout.write(json.dumps([as_json(row) for row in rows], indent=2))
