"""``attune mis_sync --school URN [--only KIND[,KIND]] [--since ISO] [--dry-run] [--base-url URL]``.

Reads the school's MIS through Wonde now, in this process (the background worker does the same
on a schedule: ``attune mis_schedule``). ``--dry-run`` prints what would change and keeps
nothing, so a school can try its first sync safely.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attune.mis.domain.wonde import KINDS
from attune.mis.sync.run import SyncRefused, school_sync
from attune.people.models import School

PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = "Sync one school's pupils, staff, contacts, groups and registers from its MIS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, metavar="URN")
        parser.add_argument(
            "--only",
            metavar="KIND",
            help=f"Only these kinds of data, comma-separated: {', '.join(KINDS)}.",
        )
        parser.add_argument(
            "--since",
            metavar="ISO",
            help="Read what changed since this date or time (2026-09-01 or "
            "2026-09-01T08:00) instead of since the last sync; without a time zone, UK time.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; change nothing."
        )
        parser.add_argument(
            "--base-url",
            metavar="URL",
            help="Send every request here instead of the school's Wonde address (testing).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(urn=options["school"].strip()).first()
        if school is None:
            raise CommandError(f"We don't have a school with URN {options['school']}.")
        kinds = _kinds(options["only"])
        since = _since(options["since"]) if options["since"] else None
        try:
            results = school_sync(
                school=school,
                kinds=kinds,
                since=since,
                dry_run=options["dry_run"],
                base_url=options["base_url"],
            )
        except SyncRefused as refused:
            raise CommandError(refused.message) from refused
        for result in results:
            self.stdout.write(result.summary() + ".")
            for problem in result.problems[:PROBLEMS_SHOWN]:
                self.stdout.write(f"  - {problem.message}")
            if result.problem_count > PROBLEMS_SHOWN:
                self.stdout.write(f"  ... and {result.problem_count - PROBLEMS_SHOWN} more.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
        failed = [result for result in results if result.error is not None]
        if failed:
            names = ", ".join(result.label.lower() for result in failed)
            raise CommandError(f"The sync of {names} stopped: {failed[0].error.message}")  # type: ignore[union-attr]


def _kinds(only: str | None) -> list[str]:
    if not only:
        return list(KINDS)
    wanted = [kind.strip().lower() for kind in only.split(",") if kind.strip()]
    unknown = [kind for kind in wanted if kind not in KINDS]
    if unknown:
        raise CommandError(f"--only takes {', '.join(KINDS)}; not {', '.join(unknown)}.")
    return [kind for kind in KINDS if kind in wanted]


def _since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value.strip()), datetime.min.time())
        except ValueError as error:
            message = f"--since {value!r} is not a date or time like 2026-09-01."
            raise CommandError(message) from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
