"""``attune demo``: migrate, create the synthetic demo school and nursery, print sign-ins, serve."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.accounts.demo import demo_totp_secret, demo_two_factor_enrol
from attune.demo.generator import DEMO_PASSWORD, build_demo, demo_day


class Command(BaseCommand):
    help = "Create a synthetic demo school and nursery (never real children) and start Attune."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Create the data, then stop.")
        parser.add_argument("--port", default="8000", help="Port to serve on (default 8000).")
        parser.add_argument("--pupils", type=int, default=600, help="Pupils in the demo school.")
        parser.add_argument("--staff", type=int, default=60, help="Staff in the demo school.")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("The demo is not for production: it prints a shared password.")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        day = demo_day()
        summary = build_demo(pupils=options["pupils"], staff=options["staff"], today=day)
        self.stdout.write(self.style.SUCCESS("Attune demo is ready (synthetic data only)."))
        for school in summary.schools:
            self.stdout.write(f"  {school.name} (URN {school.urn})")
        self.stdout.write(
            f"  {summary.pupils} children, {summary.staff} staff, "
            f"{summary.relationships} key adults\n"
        )
        enrolled = demo_two_factor_enrol([s.email for s in summary.sign_ins])
        self.stdout.write(f"Sign in with any of these; the password for all is: {DEMO_PASSWORD}")
        for s in summary.sign_ins:
            mark = " (two-factor)" if s.email in enrolled else ""
            self.stdout.write(f"  {s.email:34} {s.role} — {s.school}{mark}")
        self.stdout.write(
            "\nSign-ins marked (two-factor) also ask for a code. Add this key to an authenticator "
            f"app: {demo_totp_secret()}\nor run `.venv/bin/attune demo_code` for the current code."
        )
        if not options["no_serve"]:
            settings.DEMO_DAY = day  # Today and the register open on it (attune/clock.py)
            if day < date.today():  # noqa: DTZ011 - the demo's own reference day
                self.stdout.write(
                    f"\nSchool is closed today, so the demo is set on {day:%A %-d %B}."
                )
            self.stdout.write(
                f"\nOpen http://127.0.0.1:{options['port']}/ in your browser. "
                "Ctrl+C stops Attune.\n"
            )
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)
