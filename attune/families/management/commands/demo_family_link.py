"""``attune demo_family_link``: a sign-in link for the demo's first family, printed (the demo
sends no email). Refused in production and where there is no demo, like ``attune demo_code``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.accounts.links import LinkError, sign_in_link_make
from attune.families.demo import FIRST_FAMILY_EMAIL, first_family


class Command(BaseCommand):
    help = "Print a current sign-in link for the demo's first family (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url", default="http://localhost:8000/", help="Where Attune is served."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("There are no demo families in production.")
        family = first_family()
        if family is None:
            raise CommandError("There is no demo family here: run `attune demo` first.")
        try:
            url = sign_in_link_make(user=family, base_url=options["base_url"])
        except LinkError as error:
            raise CommandError(error.message) from error
        self.stdout.write(url)
        self.stdout.write(f"(signs in {FIRST_FAMILY_EMAIL} once, within 30 minutes)")
