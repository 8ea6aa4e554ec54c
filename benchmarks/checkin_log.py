"""Server time to log a check-in from Today on the demo school (the aim is under 100 ms).

Run it with ``.venv/bin/python -m benchmarks.checkin_log`` (SQLite in a throwaway folder), or
with ``DATABASE_URL=postgres://...`` to measure PostgreSQL. It builds the demo school (600
pupils, 60 staff) with its check-in plans and weeks of check-ins, signs in as the demo key
adult, and sends the request a tap on Today sends: one HTMX POST that saves the check-in,
writes the audit event and returns the child's row. Each timed request is a first log (the
row is removed between requests, outside the timing); corrections are timed separately.
Figures go to stdout and benchmarks/results/.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.pupil_list import _setup_django

REPEATS = 40


@dataclass(frozen=True)
class Figure:
    case: str
    queries: int
    median_ms: float
    p90_ms: float


def _school_day(today: date) -> date:
    while today.weekday() >= 5:
        today -= timedelta(days=1)
    return today


def _signed_in(email: str) -> Any:
    """A test client signed in fully (second factor included), as the test fixture does."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from attune.accounts.models import User
    from attune.accounts.services import SESSION_SEEN, SESSION_STARTED
    from attune.accounts.testing import enrol_two_factor, now_seconds
    from attune.accounts.two_factor import needs_two_factor

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_STARTED] = session[SESSION_SEEN] = now_seconds()
    if needs_two_factor(user):
        session[DEVICE_ID_SESSION_KEY] = enrol_two_factor(user).persistent_id
    session.save()
    return client


def _measure(client: Any, url: str, data: dict[str, str], case: str, reset: Any) -> Figure:
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    headers = {"HX-Request": "true"}
    reset()
    client.post(url, data, headers=headers)  # warm up
    reset()
    with connection.execute_wrapper(count):
        response = client.post(url, data, headers=headers)
    assert response.status_code == 200, response.status_code
    assert b"checkin-child" in response.content
    timings: list[float] = []
    for _ in range(REPEATS):
        reset()
        started = time.perf_counter()
        client.post(url, data, headers=headers)
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
    from django.urls import reverse
    from django.utils import timezone

    from attune.accounts.models import Membership
    from attune.checkins.demo import build_checkins
    from attune.checkins.models import Checkin
    from attune.checkins.selectors import slots_due_for
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
        mine = KeyAdultRelationship.objects.filter(
            key_adult=membership.staff, ended_on__isnull=True, checkin_plans__isnull=False
        )
        relationship = next(r for r in mine if slots_due_for(r, day))
        slot = slots_due_for(relationship, day)[0].key

    def remove() -> None:
        with school_scope(school):
            Checkin.objects.filter(relationship=relationship, on=day, slot=slot).delete()

    client = _signed_in("keyadult@demo.attune.test")
    url = reverse("checkins:log", kwargs={"urn": school.urn, "relationship_id": relationship.pk})
    data = {
        "on": day.isoformat(),
        "slot": slot,
        "outcome": "happened",
        "mood": "4",
        "note": "Talked about the weekend.",
    }
    figures = [
        _measure(client, url, data, "first log (HTMX)", remove),
        _measure(client, url, data | {"outcome": "declined"}, "correction (HTMX)", lambda: None),
    ]
    print(f"Logging a check-in, demo school ({built.checkins} check-ins), on {vendor}")
    print(f"{'case':<22}{'queries':>8}{'median ms':>11}{'p90 ms':>9}")
    for f in figures:
        print(f"{f.case:<22}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}")
    out = Path(__file__).parent / "results" / f"checkin_log-{vendor}.json"
    out.write_text(
        json.dumps(
            {
                "database": vendor,
                "checkins_in_school": built.checkins,
                "python": sys.version.split()[0],
                "machine": platform.machine(),
                "figures": [asdict(f) for f in figures],
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
