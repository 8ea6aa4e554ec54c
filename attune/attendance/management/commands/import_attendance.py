"""``attune import_attendance FILE.csv``: add and replace register marks from a CSV export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attune.attendance.imports import AttendanceImportRejected, attendance_csv_import
from attune.people.management.commands.import_pupils import error_line


def rejected_error(command: BaseCommand, rejected: AttendanceImportRejected) -> CommandError:
    """Print every problem to stderr; the returned error is the one-line reason."""
    for error in rejected.errors:
        command.stderr.write(error_line(error) if error.row else f"{error.field}: {error.message}")
    problems = "problem" if len(rejected.errors) == 1 else "problems"
    return CommandError(
        f"Nothing was imported. Please fix the {problems} above and run the import again."
    )


class Command(BaseCommand):
    help = (
        "Import session marks from a CSV file (format: docs/file-formats.md). The whole file is "
        "imported, or nothing is if any row has a problem. A mark that changes is replaced and "
        "the old one kept in the history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The session marks CSV file, saved as UTF-8.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open("rb") as stream:
                results = attendance_csv_import(
                    stream=stream, file_name=path.name, today=timezone.localdate()
                )
        except OSError as exc:
            raise CommandError(f"We couldn't open {path}: {exc.strerror}.") from exc
        except AttendanceImportRejected as rejected:
            raise rejected_error(self, rejected) from rejected
        for result in results:
            self.stdout.write(result.summary())
