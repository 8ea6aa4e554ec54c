"""``attune import_ctf FILE.xml``: pupils, cohort flags and marks from a Common Transfer File."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from attune.attendance.domain.ctf import CtfError
from attune.attendance.imports import attendance_ctf_import
from attune.people.commands import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import a DfE Common Transfer File (CTF 24 or 25) sent by a school in Attune: its "
        "pupils, the cohort flags it carries (looked after, SEN, free school meals) and the "
        "school's own attendance marks. The whole file is imported, or nothing is."
    )
    file_help = "The CTF XML file."

    def import_file(self, path: Path, *, today: date) -> list[str]:
        if not path.is_file():
            raise CommandError(f"We couldn't open {path}: there is no such file.")
        try:
            result = attendance_ctf_import(path=path, today=today)
        except CtfError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        return [result.summary()]
