"""``attune demo_code``: the two-factor code the demo sign-ins accept right now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from attune.accounts.demo import demo_code_now, demo_totp_secret


class Command(BaseCommand):
    help = "Print the current two-factor code for the demo sign-ins (never in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("There are no demo sign-ins in production.")
        self.stdout.write(demo_code_now())
        self.stdout.write(f"(demo app key {demo_totp_secret()}; codes change every 30 seconds)")
