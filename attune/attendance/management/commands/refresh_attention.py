"""``attune refresh_attention [--school URN]``: work out today's early warnings ahead of time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from attune.attendance import warnings
from attune.people.commands import add_school_option, schools_chosen
from attune.tenancy import school_scope


class Command(BaseCommand):
    help = (
        "Work out today's early warnings for every school (or one) and keep them, so the "
        "'who needs attention' list opens at once. Run it each night (cron or a timer); "
        "each import then works out again only the children whose marks it changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_school_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        schools = schools_chosen(options["school"])
        today = timezone.localdate()
        for school in schools:
            with school_scope(school):
                listed = len(warnings.refresh(today))
            self.stdout.write(f"{school.name} ({school.urn}): {listed} children with a warning.")
