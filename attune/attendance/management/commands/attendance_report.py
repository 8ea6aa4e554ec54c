"""``attune attendance_report --school URN [--from] [--to] --format json|csv``."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attune.attendance.report import render_csv, render_json
from attune.attendance.selectors import school_attendance
from attune.dates import out_of_range
from attune.people.commands import school_by_urn
from attune.tenancy import school_scope


def iso_date(text: str) -> date:
    """A ``YYYY-MM-DD`` argument from 1990 to a year from today (``attune.dates``)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' isn't a YYYY-MM-DD date.") from None
    why = out_of_range(day, timezone.localdate())
    if why:
        raise argparse.ArgumentTypeError(why)
    return day


class Command(BaseCommand):
    help = (
        "Print each pupil's attendance for one school: possible sessions, present, authorised "
        "and unauthorised absence, attendance %, persistent and severe absence."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's URN.")
        parser.add_argument("--from", dest="date_from", type=iso_date, help="First day, included.")
        parser.add_argument("--to", dest="date_to", type=iso_date, help="Last day, included.")
        parser.add_argument("--format", required=True, choices=("json", "csv"))

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = options["date_from"], options["date_to"]
        if date_from and date_to and date_from > date_to:
            raise CommandError(f"--from {date_from} is after --to {date_to}.")
        school = school_by_urn(options["school"])
        with school_scope(school):
            rows = school_attendance(date_from=date_from, date_to=date_to)
        render = render_json if options["format"] == "json" else render_csv
        self.stdout.write(render(rows), ending="")
