"""``attune import_pupils FILE.csv``: add and update pupils from a school's CSV export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attune.people.domain.pupil_csv import RowError
from attune.people.imports import PupilImportRejected, pupils_import


def error_line(error: RowError) -> str:
    where = f"Row {error.row}, {error.field}" if error.field else f"Row {error.row}"
    return f"{where}: {error.message}"


class Command(BaseCommand):
    help = (
        "Import pupils from a CSV file (format: docs/examples/pupils.csv). The whole file is "
        "imported, or nothing is if any row has a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The pupils CSV file, saved as UTF-8.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open("rb") as stream:
                results = pupils_import(stream=stream, today=timezone.localdate())
        except OSError as exc:
            raise CommandError(f"We couldn't open {path}: {exc.strerror}.") from exc
        except PupilImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(error_line(error))
            problems = "problem" if len(rejected.errors) == 1 else "problems"
            raise CommandError(
                f"Nothing was imported. Please fix the {problems} above and run the import again."
            ) from rejected
        for result in results:
            self.stdout.write(result.summary())
            for notice in result.notices:
                self.stderr.write(f"Warning: {notice}")
