"""``attune two_factor_reset EMAIL``: for someone who has lost both their phone and codes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.accounts.models import User
from attune.accounts.two_factor import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a user's two-factor app and recovery codes and sign them out everywhere; "
        "check who is asking first. They set up a new app when they next sign in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(f"No account uses {options['email']}.")
        two_factor_reset(user=user)
        self.stdout.write(f"Two-factor sign-in removed for {user.email}; they are signed out.")
