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

from datetime import date
from typing import Any

from benchmarks.common import Figure, measure, save_results, school_day, setup_django, signed_in

REPEATS = 40
KEY_ADULT = "keyadult@demo.attune.test"


def _measure(client: Any, url: str, data: dict[str, str], case: str, reset: Any) -> Figure:
    headers = {"HX-Request": "true"}
    got = measure(lambda: client.post(url, data, headers=headers), repeats=REPEATS, before=reset)
    assert got.result.status_code == 200, got.result.status_code
    assert b"checkin-child" in got.result.content
    return Figure.of(case, got)


def demo_with_checkins(day: date) -> tuple[Any, Any, Any]:
    """The demo school with weeks of check-ins up to ``day``, what was built, and the demo key
    adult's membership."""
    from attune.accounts.models import Membership
    from attune.checkins.demo import build_checkins
    from attune.demo.generator import build_demo

    school = build_demo(today=day).schools[0]
    built = build_checkins(school, today=day)
    membership = Membership.objects.select_related("staff").get(user__email=KEY_ADULT)
    return school, built, membership


def main() -> None:
    vendor = setup_django()
    from django.urls import reverse
    from django.utils import timezone

    from attune.checkins.models import Checkin
    from attune.checkins.selectors import slots_due_for
    from attune.relationships.models import KeyAdultRelationship
    from attune.tenancy import school_scope

    day = school_day(timezone.localdate())
    school, built, membership = demo_with_checkins(day)
    with school_scope(school):
        mine = KeyAdultRelationship.objects.filter(
            key_adult=membership.staff, ended_on__isnull=True, checkin_plans__isnull=False
        )
        relationship = next(r for r in mine if slots_due_for(r, day))
        slot = slots_due_for(relationship, day)[0].key

    def remove() -> None:
        with school_scope(school):
            Checkin.objects.filter(relationship=relationship, on=day, slot=slot).delete()

    client = signed_in(KEY_ADULT)
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
    save_results(
        f"checkin_log-{vendor}",
        {"database": vendor, "checkins_in_school": built.checkins},
        figures,
    )


if __name__ == "__main__":
    main()
