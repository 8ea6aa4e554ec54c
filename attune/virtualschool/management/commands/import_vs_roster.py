"""``attune import_vs_roster FILE.csv --la NNN``: the authority's list of its looked-after
children (format: docs/file-formats.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from attune.people.commands import FileImportCommand
from attune.people.models import LocalAuthority
from attune.virtualschool.roster import RosterImport, roster_import


def authority_of(code: int) -> LocalAuthority:
    authority = LocalAuthority.objects.filter(code=code).first()
    if authority is None:
        raise CommandError(
            f"We don't have a local authority with the number {code}. Add one of its schools "
            "first ('attune add_school ... --la NNN --la-name NAME'), or check the number."
        )
    return authority


class Command(FileImportCommand):
    help = (
        "Import the children a local authority looks after, wherever they learn, from a CSV "
        "file (format: docs/file-formats.md). The whole file is imported, or nothing is if any "
        "row has a problem. Children already on the list are updated; a change of school keeps "
        "the old one in the child's history."
    )
    file_help = "The roster CSV file, saved as UTF-8."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--la", type=int, required=True, help="The DfE's LA number.")

    def import_file(
        self, path: Path, *, today: date, options: dict[str, Any]
    ) -> list[RosterImport]:
        authority = authority_of(options["la"])
        with path.open("rb") as stream:
            return [roster_import(authority=authority, stream=stream, today=today)]
