"""``attune import_ctf FILE.xml [--school URN]``: a Common Transfer File, into the school that
imports it (``attune.attendance.ctf_import`` has the rules)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from attune.attendance.ctf_import import attendance_ctf_import
from attune.attendance.domain.ctf import CtfError
from attune.attendance.imports import MarksImport
from attune.people.commands import FileImportCommand, add_school_option, school_by_urn


class Command(FileImportCommand):
    help = (
        "Import a DfE Common Transfer File (CTF 24 or 25): its pupils onto the importing "
        "school's roll, the groups it dates (free school meals, SEN) and looked after, the "
        "importing school's own marks, and every other school's marks as history that is shown "
        "but never counted. The importing school is --school, else the file's DestSchool if it "
        "is in Attune, else its SourceSchool. The whole file is imported, or nothing is."
    )
    file_help = "The CTF XML file."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_school_option(parser, help="The URN of the school importing the file.")

    def import_file(self, path: Path, *, today: date, options: dict[str, Any]) -> list[MarksImport]:
        if not path.is_file():
            raise CommandError(f"We couldn't open {path}: there is no such file.")
        school = school_by_urn(options["school"]) if options["school"] else None
        try:
            return [attendance_ctf_import(path=path, today=today, school=school)]
        except CtfError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
