"""``attune import_ctf FILE.xml``: pupils, cohort flags and marks from a Common Transfer File."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attune.attendance.domain.ctf import CtfError
from attune.attendance.imports import AttendanceImportRejected, attendance_ctf_import
from attune.attendance.management.commands.import_attendance import rejected_error


class Command(BaseCommand):
    help = (
        "Import a DfE Common Transfer File (CTF 24 or 25) sent by a school in Attune: its "
        "pupils, the cohort flags it carries (looked after, SEN, free school meals) and the "
        "school's own attendance marks. The whole file is imported, or nothing is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CTF XML file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"We couldn't open {path}: there is no such file.")
        try:
            result = attendance_ctf_import(path=path, today=timezone.localdate())
        except OSError as exc:
            raise CommandError(f"We couldn't open {path}: {exc.strerror}.") from exc
        except CtfError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        except AttendanceImportRejected as rejected:
            raise rejected_error(self, rejected) from rejected
        self.stdout.write(result.summary())
