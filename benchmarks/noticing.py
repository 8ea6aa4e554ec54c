"""Server time to save a positive note from Today, and for the worker to email it home.

Run it with ``.venv/bin/python -m benchmarks.noticing`` (SQLite in a throwaway folder), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. It builds the demo school with its check-ins and
noticing, signs in as the demo key adult and times the form post a tablet sends: save the two
positives, audit them and (by email) queue the message, then redirect back to Today. Then it
times the background worker sending those queued emails to a real SMTP server (aiosmtpd on
127.0.0.1). Figures go to stdout and benchmarks/results/.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from benchmarks.checkin_log import KEY_ADULT, demo_with_checkins
from benchmarks.common import Figure, measure, save_results, school_day, setup_django, signed_in

REPEATS = 40


def _time_posts(client: Any, url: str, data: dict[str, str], case: str) -> Figure:
    got = measure(lambda: client.post(url, data), repeats=REPEATS)
    assert got.result.status_code == 302, got.result.status_code
    return Figure.of(case, got)


def main() -> None:
    vendor = setup_django()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from attune.checkins.models import EmailHome, FamilySharing
    from attune.checkins.testing import Inbox, free_port, point_mail_at, run_worker
    from attune.relationships.models import KeyAdultRelationship
    from attune.tenancy import school_scope

    day = school_day(timezone.localdate())
    school, built, membership = demo_with_checkins(day)
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
    client = signed_in(KEY_ADULT)
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

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    point_mail_at(settings, controller.port)
    with school_scope(school):
        queued = EmailHome.objects.filter(status="queued").count()
    started = time.perf_counter()
    run_worker("benchmark")
    worker_ms = (time.perf_counter() - started) * 1000
    controller.stop()
    assert len(inbox.messages) == queued, (len(inbox.messages), queued)
    per_email = round(worker_ms / queued, 1)

    print(f"Saving positive noticing, demo school ({built.checkins} check-ins), on {vendor}")
    print(f"{'case':<24}{'queries':>8}{'median ms':>11}{'p90 ms':>9}")
    for f in figures:
        print(f"{f.case:<24}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}")
    print(f"worker: {queued} emails through SMTP in {worker_ms:.0f} ms ({per_email} ms each)")
    save_results(
        f"noticing-{vendor}",
        {"database": vendor, "checkins_in_school": built.checkins},
        figures,
        worker={"emails": queued, "ms_each": per_email},
    )


if __name__ == "__main__":
    main()
