"""What management commands share: the ``--school URN`` option and finding the school (or
schools) it names, with the same message for a URN we don't have; and importing one file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils import timezone

from attune.people.domain.pupil_csv import RowError
from attune.people.imports import ImportRejected
from attune.people.models import School

ALL_OR_ONE = "Only this school (default: all)."


def add_school_option(parser: CommandParser, help: str = ALL_OR_ONE) -> None:
    parser.add_argument("--school", metavar="URN", help=help)


def school_by_urn(urn: str) -> School:
    school = School.objects.filter(urn=urn.strip()).first()
    if school is None:
        raise CommandError(f"We don't have a school with URN {urn}.")
    return school


def schools_chosen(urn: str | None) -> QuerySet[School]:
    """Every school in URN order, or only the one ``urn`` names (``--school``)."""
    schools = School.objects.order_by("urn")
    return schools.filter(pk=school_by_urn(urn).pk) if urn else schools


class Imported(Protocol):
    """What an import did to one school: a summary line, and notices worth a warning."""

    @property
    def notices(self) -> Sequence[str]: ...

    def summary(self) -> str: ...


class FileImportCommand(BaseCommand):
    """``attune import_... FILE``: one file, imported whole or not at all.

    A subclass says what the file is (``file_help``) and imports it (``import_file``, given
    the command's options and giving what it did to each school): each school's summary goes
    to stdout and each of its notices to stderr as a warning. A file that cannot be opened, or
    that is rejected, ends the command with one line saying why, after each of a rejected
    file's problems on stderr.
    """

    file_help = "The file to import."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=self.file_help)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            results = self.import_file(path, today=timezone.localdate(), options=options)
        except OSError as exc:
            raise CommandError(f"We couldn't open {path}: {exc.strerror}.") from exc
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(problem_line(error))
            problems = "problem" if len(rejected.errors) == 1 else "problems"
            raise CommandError(
                f"Nothing was imported. Please fix the {problems} above and run the import again."
            ) from rejected
        for result in results:
            self.stdout.write(result.summary())
            for notice in result.notices:
                self.stderr.write(f"Warning: {notice}")

    def import_file(
        self, path: Path, *, today: date, options: dict[str, Any]
    ) -> Sequence[Imported]:
        raise NotImplementedError


def problem_line(error: RowError) -> str:
    """One problem in a file, for the terminal: its row and column, where it has them."""
    if not error.row:
        return f"{error.field}: {error.message}"
    where = f"Row {error.row}, {error.field}" if error.field else f"Row {error.row}"
    return f"{where}: {error.message}"
