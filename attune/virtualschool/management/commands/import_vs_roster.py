"""``attune import_vs_roster FILE.csv --la NNN``: the authority's list of its looked-after
children (format: docs/file-formats.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attune.people.commands import problem_line
from attune.people.models import LocalAuthority
from attune.virtualschool.roster import RosterImportRejected, roster_import


def authority_of(code: int) -> LocalAuthority:
    authority = LocalAuthority.objects.filter(code=code).first()
    if authority is None:
        raise CommandError(
            f"We don't have a local authority with the number {code}. Add one of its schools "
            "first ('attune add_school ... --la NNN --la-name NAME'), or check the number."
        )
    return authority


class Command(BaseCommand):
    help = (
        "Import the children a local authority looks after, wherever they learn, from a CSV "
        "file (format: docs/file-formats.md). The whole file is imported, or nothing is if any "
        "row has a problem. Children already on the list are updated; a change of school keeps "
        "the old one in the child's history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The roster CSV file, saved as UTF-8.")
        parser.add_argument("--la", type=int, required=True, help="The DfE's LA number.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        authority = authority_of(options["la"])
        try:
            with path.open("rb") as stream:
                result = roster_import(
                    authority=authority, stream=stream, today=timezone.localdate()
                )
        except OSError as exc:
            raise CommandError(f"We couldn't open {path}: {exc.strerror}.") from exc
        except RosterImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(problem_line(error))
            problems = "problem" if len(rejected.errors) == 1 else "problems"
            raise CommandError(
                f"Nothing was imported. Please fix the {problems} above and run the import again."
            ) from rejected
        self.stdout.write(result.summary())
