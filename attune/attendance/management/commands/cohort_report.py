"""``attune cohort_report (--school URN | --la NNN) [--from D] [--to D] --format json|csv``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max, Min
from django.utils import timezone

from attune.attendance.cohort_report import cohort_records, render_csv, render_json
from attune.attendance.management.commands.attendance_report import iso_date
from attune.attendance.models import SessionMark
from attune.people.commands import school_by_urn
from attune.people.models import LocalAuthority
from attune.tenancy import scopes_disabled


class Command(BaseCommand):
    help = (
        "Print each cohort's attendance (all pupils, looked after, previously looked after, "
        "child in need, child protection plan, social worker in the last six years, kinship "
        "care, free school meals, EAL, SEN support, EHC plan) for one school or every school "
        "in a local authority: pupils, possible sessions, attendance %, and how many are "
        "persistently and severely absent. Not suppressed: it is for the authority's analyst."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--school", metavar="URN", help="One school's URN.")
        which.add_argument("--la", metavar="NNN", help="A local authority's three-digit number.")
        parser.add_argument("--from", dest="date_from", type=iso_date, help="First day, included.")
        parser.add_argument("--to", dest="date_to", type=iso_date, help="Last day, included.")
        parser.add_argument("--format", required=True, choices=("json", "csv"))

    def handle(self, *args: Any, **options: Any) -> None:
        school_ids = self._schools(options["school"], options["la"])
        date_from, date_to = self._range(school_ids, options["date_from"], options["date_to"])
        records = cohort_records(school_ids=school_ids, date_from=date_from, date_to=date_to)
        render = render_json if options["format"] == "json" else render_csv
        self.stdout.write(render(records), ending="")

    def _schools(self, urn: str | None, la: str | None) -> list[int]:
        if urn is not None:
            return [school_by_urn(urn).pk]
        text = (la or "").strip()
        authority = (
            LocalAuthority.objects.filter(code=int(text)).first() if text.isdigit() else None
        )
        if authority is None:
            raise CommandError(f"We don't have a local authority numbered {la}.")
        return list(authority.schools.values_list("pk", flat=True))

    def _range(
        self, school_ids: list[int], date_from: date | None, date_to: date | None
    ) -> tuple[date, date]:
        """The range asked for; an open end stops at the schools' first or last mark."""
        if date_from is None or date_to is None:
            with scopes_disabled():
                ends = SessionMark.objects.filter(school_id__in=school_ids).aggregate(
                    first=Min("date"), last=Max("date")
                )
            today = timezone.localdate()
            date_from = date_from or ends["first"] or today
            date_to = date_to or ends["last"] or today
        if date_from > date_to:
            raise CommandError(f"--from {date_from} is after --to {date_to}.")
        return date_from, date_to
