"""``attune rebuild_attendance_counts [--school URN]``: count every week again from the marks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from attune.attendance import week_counts
from attune.people.commands import add_school_option, schools_chosen


class Command(BaseCommand):
    help = (
        "Count each pupil's weekly attendance again from the register marks, for one school or "
        "all. The counts are kept as marks are imported; run this after changing marks by hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_school_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        schools = schools_chosen(options["school"])
        for school in schools:
            with transaction.atomic():
                weeks = week_counts.rebuild(school.pk)
            self.stdout.write(f"{school.name} ({school.urn}): {weeks} pupil-weeks counted.")
