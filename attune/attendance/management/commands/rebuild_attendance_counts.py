"""``attune rebuild_attendance_counts [--school URN]``: count every week again from the marks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from attune.attendance import week_counts
from attune.people.models import School


class Command(BaseCommand):
    help = (
        "Count each pupil's weekly attendance again from the register marks, for one school or "
        "all. The counts are kept as marks are imported; run this after changing marks by hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="URN", help="Only this school (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        schools = School.objects.order_by("urn")
        if options["school"]:
            schools = schools.filter(urn=options["school"])
            if not schools.exists():
                raise CommandError(f"We don't have a school with URN {options['school']}.")
        for school in schools:
            with transaction.atomic():
                weeks = week_counts.rebuild(school.pk)
            self.stdout.write(f"{school.name} ({school.urn}): {weeks} pupil-weeks counted.")
