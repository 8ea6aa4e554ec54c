"""``attune import_attendance FILE.csv``: add and replace register marks from a CSV export."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from attune.attendance.imports import MarksImport, attendance_csv_import
from attune.people.commands import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import session marks from a CSV file (format: docs/file-formats.md). The whole file is "
        "imported, or nothing is if any row has a problem. A mark that changes is replaced and "
        "the old one kept in the history."
    )
    file_help = "The session marks CSV file, saved as UTF-8."

    def import_file(self, path: Path, *, today: date, options: dict[str, Any]) -> list[MarksImport]:
        with path.open("rb") as stream:
            return attendance_csv_import(stream=stream, file_name=path.name, today=today)
