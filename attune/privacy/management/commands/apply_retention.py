"""``attune apply_retention [--dry-run] [--school URN] [--today YYYY-MM-DD]``.

Removes every record past its date under each school's retention rules, except what a legal
hold keeps, and prints (and records in the school's audit trail) how many of each kind went.
Run it nightly from cron; ``--dry-run`` shows what would go and changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from attune.people.commands import add_school_option, schools_chosen
from attune.privacy.services import retention_apply


class Command(BaseCommand):
    help = "Remove records past their retention date (legal holds respected)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Show, change nothing.")
        add_school_option(parser, help="Only this school.")
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Apply the rules as on this date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schools = schools_chosen(options["school"])
        today = options["today"] or timezone.localdate()
        for school in schools:
            report = retention_apply(school=school, today=today, dry_run=options["dry_run"])
            for line in report.lines():
                self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was removed.")
