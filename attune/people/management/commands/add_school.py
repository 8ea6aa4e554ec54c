"""``attune add_school URN "NAME" --phase PHASE [--la NNN --la-name NAME --estab NNNN]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.errors import AttuneError
from attune.people.models import Phase
from attune.people.school_ids import school_wonde_id_set
from attune.people.services import school_add_or_update


class Command(BaseCommand):
    help = "Add a school or setting, or update the one with this URN."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("urn", help="The school's unique reference number (six digits).")
        parser.add_argument("name", help='The school\'s name, in quotes: "Hollybrook Primary".')
        parser.add_argument("--phase", required=True, help="One of: " + ", ".join(Phase.values))
        parser.add_argument("--la", type=int, help="The DfE's three-digit local authority number.")
        parser.add_argument("--la-name", help="The local authority's name, e.g. Kent.")
        parser.add_argument(
            "--estab",
            help="The DfE's four-digit establishment number (with --la, how CTFs name the school).",
        )
        parser.add_argument(
            "--wonde-id", help="The school's id in Wonde, to sync with its MIS (docs/mis-sync.md)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["la_name"] and options["la"] is None:
            raise CommandError("--la-name needs --la, the local authority's number, too.")
        try:
            school, created = school_add_or_update(
                urn=options["urn"].strip(),
                name=options["name"].strip(),
                phase=options["phase"].strip().lower(),
                la_code=options["la"],
                la_name=options["la_name"],
                estab=options["estab"].strip() if options["estab"] else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["wonde_id"] is not None:
            try:
                school_wonde_id_set(actor=None, school=school, wonde_id=options["wonde_id"])
            except AttuneError as error:
                raise CommandError(error.message) from error
        verb = "Added" if created else "Updated"
        self.stdout.write(f"{verb} {school.name} (URN {school.urn}).")
