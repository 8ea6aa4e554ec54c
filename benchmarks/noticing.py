"""Server time to save a positive note from Today, and for the worker to email it home.

Run it with ``.venv/bin/python -m benchmarks.noticing`` (SQLite in a throwaway folder), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. It builds the demo school with its check-ins and
noticing, signs in as the demo key adult and times the form post a tablet sends: save the two
positives, audit them and (by email) queue the message, then redirect back to Today. Then it
times the background worker sending those queued emails to a real SMTP server (aiosmtpd on
127.0.0.1). Figures go to stdout and benchmarks/results/.
"""

from __future__ import annotations

import json
import platform
import socket
import statistics
import sys
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.checkin_log import Figure, _school_day, _signed_in
from benchmarks.pupil_list import _setup_django

REPEATS = 40


class _Inbox:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _time_posts(client: Any, url: str, data: dict[str, str], case: str) -> Figure:
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    client.post(url, data)  # warm up
    with connection.execute_wrapper(count):
        response = client.post(url, data)
    assert response.status_code == 302, response.status_code
    timings: list[float] = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.post(url, data)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return Figure(
        case=case,
        queries=len(executed),
        median_ms=round(statistics.median(timings), 1),
        p90_ms=round(timings[int(len(timings) * 0.9) - 1], 1),
    )


def main() -> None:
    vendor = _setup_django()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone
    from django_tasks_db.management.commands.db_worker import Worker

    from attune.accounts.models import Membership
    from attune.checkins.demo import build_checkins
    from attune.checkins.models import EmailHome, FamilySharing
    from attune.demo.generator import build_demo
    from attune.relationships.models import KeyAdultRelationship
    from attune.tenancy import school_scope

    day = _school_day(timezone.localdate())
    summary = build_demo(today=day)
    school = summary.schools[0]
    built = build_checkins(school, today=day)
    membership = Membership.objects.select_related("staff").get(
        user__email="keyadult@demo.attune.test"
    )
    with school_scope(school):
        relationship = KeyAdultRelationship.objects.filter(
            key_adult=membership.staff, ended_on__isnull=True
        ).first()
        assert relationship is not None
        FamilySharing.objects.update_or_create(
            pupil=relationship.pupil,
            defaults={
                "school": school,
                "channel": "email",
                "email": "family@example.invalid",
                "consent_given_by": "Parent",
                "consent_given_on": day - timedelta(days=30),
            },
        )
    client = _signed_in("keyadult@demo.attune.test")
    url = reverse("checkins:noticing", kwargs={"urn": school.urn})
    data = {
        "pupil": str(relationship.pupil_id),
        "on": day.isoformat(),
        "child_in_school": "yes",
        "proud_of": "Reading to the class.",
        "noticed": "Kept going with a hard piece of writing.",
        "shared_by": "child_tells",
    }
    figures = [
        _time_posts(client, url, data, "noticing, child tells"),
        _time_posts(client, url, data | {"shared_by": "email"}, "noticing, by email"),
    ]

    inbox = _Inbox()
    with socket.socket() as probe:  # a free local port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    with school_scope(school):
        queued = EmailHome.objects.filter(status="queued").count()
    started = time.perf_counter()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="benchmark",
        excluded_queue_names=[],
    ).run()
    worker_ms = (time.perf_counter() - started) * 1000
    controller.stop()
    assert inbox.count == queued, (inbox.count, queued)
    per_email = round(worker_ms / queued, 1)

    print(f"Saving positive noticing, demo school ({built.checkins} check-ins), on {vendor}")
    print(f"{'case':<24}{'queries':>8}{'median ms':>11}{'p90 ms':>9}")
    for f in figures:
        print(f"{f.case:<24}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}")
    print(f"worker: {queued} emails through SMTP in {worker_ms:.0f} ms ({per_email} ms each)")
    out = Path(__file__).parent / "results" / f"noticing-{vendor}.json"
    out.write_text(
        json.dumps(
            {
                "database": vendor,
                "checkins_in_school": built.checkins,
                "python": sys.version.split()[0],
                "machine": platform.machine(),
                "figures": [asdict(f) for f in figures],
                "worker": {"emails": queued, "ms_each": per_email},
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
