"""``attune import_pupils FILE.csv``: add and update pupils from a school's CSV export."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from attune.people.commands import FileImportCommand
from attune.people.imports import SchoolImport, pupils_import


class Command(FileImportCommand):
    help = (
        "Import pupils from a CSV file (format: docs/examples/pupils.csv). The whole file is "
        "imported, or nothing is if any row has a problem."
    )
    file_help = "The pupils CSV file, saved as UTF-8."

    def import_file(
        self, path: Path, *, today: date, options: dict[str, Any]
    ) -> list[SchoolImport]:
        with path.open("rb") as stream:
            return pupils_import(stream=stream, today=today)
