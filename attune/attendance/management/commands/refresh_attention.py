"""``attune refresh_attention [--school URN]``: work out today's early warnings ahead of time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attune.attendance import warnings
from attune.people.models import School
from attune.tenancy import school_scope


class Command(BaseCommand):
    help = (
        "Work out today's early warnings for every school (or one) and keep them, so the "
        "'who needs attention' list opens at once. Run it each night (cron or a timer); "
        "imports also do it in the background."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="URN", help="Only this school (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        schools = School.objects.order_by("urn")
        if options["school"]:
            schools = schools.filter(urn=options["school"])
            if not schools.exists():
                raise CommandError(f"We don't have a school with URN {options['school']}.")
        today = timezone.localdate()
        for school in schools:
            with school_scope(school):
                listed = len(warnings.refresh(today))
            self.stdout.write(f"{school.name} ({school.urn}): {listed} children with a warning.")
