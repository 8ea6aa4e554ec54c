"""How the pupil list behaves in a 2,000-pupil school: queries per request and time per request.

Run it with ``.venv/bin/python -m benchmarks.pupil_list`` (SQLite in a throwaway folder), or
with ``DATABASE_URL=postgres://...`` to measure PostgreSQL. It builds the synthetic demo school
at 2,000 pupils, signs in as the strategic attachment lead, and requests the list the ways
people use it: the first page, a name search, a cohort filter, "needs a key adult", and the
HTMX partial the live search fetches. Figures go to stdout and benchmarks/results/.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchmarks import common
from benchmarks.common import measure, save_results, setup_django

PUPILS = 2_000
STAFF = 150
REPEATS = 15


@dataclass(frozen=True)
class Figure(common.Figure):
    rows_shown: int


def _measure(client: object, url: str, case: str) -> Figure:
    from django.test import Client

    assert isinstance(client, Client)
    headers = {"HX-Request": "true"} if case.endswith("(HTMX)") else {}
    got = measure(lambda: client.get(url, headers=headers), repeats=REPEATS)
    assert got.result.status_code == 200, (url, got.result.status_code)
    return Figure.of(case, got, rows_shown=got.result.content.count(b"<tr>") - 1)


def main() -> None:
    vendor = setup_django()
    from django.test import Client
    from django.urls import reverse

    from attune.accounts.models import Membership
    from attune.accounts.roles import Role
    from attune.accounts.testing import sign_in_fully
    from attune.demo.generator import build_demo

    started = time.perf_counter()
    build_demo(pupils=PUPILS, staff=STAFF, seed=7)
    built_s = time.perf_counter() - started
    lead = Membership.objects.filter(school__urn="100001", role=Role.ATTACHMENT_LEAD).first()
    assert lead is not None, "the demo should have a strategic attachment lead"
    client = Client()
    sign_in_fully(client, lead.user)  # with two-factor passed, as the lead would be
    base = reverse("children:pupils", kwargs={"urn": "100001"})
    cases = {
        "first page": base,
        "name search": f"{base}?q=ja",
        "looked-after filter": f"{base}?cohort=looked_after",
        "needs a key adult": f"{base}?key_adult=needs",
        "year 6, page 2": f"{base}?year_group=6&page=2",
        "name search (HTMX)": f"{base}?q=ja",
    }
    figures = [_measure(client, url, case) for case, url in cases.items()]

    print(f"Pupil list, {PUPILS} pupils, {STAFF} staff, on {vendor}", end="")
    print(f" (demo built in {built_s:.1f} s)")
    print(f"{'case':<24}{'queries':>8}{'median ms':>11}{'p90 ms':>9}{'rows':>6}")
    for f in figures:
        print(f"{f.case:<24}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}{f.rows_shown:>6}")
    save_results(
        f"pupil_list-{vendor}", {"pupils": PUPILS, "staff": STAFF, "database": vendor}, figures
    )


if __name__ == "__main__":
    main()
