"""``attune import_ctf FILE.xml [--school URN]``: a Common Transfer File, into the school that
imports it (``attune.attendance.ctf_import`` has the rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attune.attendance.ctf_import import attendance_ctf_import
from attune.attendance.domain.ctf import CtfError
from attune.attendance.imports import AttendanceImportRejected
from attune.attendance.management.commands.import_attendance import rejected_error
from attune.people.models import School


class Command(BaseCommand):
    help = (
        "Import a DfE Common Transfer File (CTF 24 or 25): its pupils onto the importing "
        "school's roll, the groups it dates (free school meals, SEN) and looked after, the "
        "importing school's own marks, and every other school's marks as history that is shown "
        "but never counted. The importing school is --school, else the file's DestSchool if it "
        "is in Attune, else its SourceSchool. The whole file is imported, or nothing is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CTF XML file.")
        parser.add_argument(
            "--school", metavar="URN", help="The URN of the school importing the file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"We couldn't open {path}: there is no such file.")
        school = None
        if options["school"]:
            school = School.objects.filter(urn=options["school"].strip()).first()
            if school is None:
                raise CommandError(f"We don't have a school with URN {options['school']}.")
        try:
            result = attendance_ctf_import(path=path, today=timezone.localdate(), school=school)
        except OSError as exc:
            raise CommandError(f"We couldn't open {path}: {exc.strerror}.") from exc
        except CtfError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        except AttendanceImportRejected as rejected:
            raise rejected_error(self, rejected) from rejected
        self.stdout.write(result.summary())
        for notice in result.notices:
            self.stderr.write(f"Warning: {notice}")
