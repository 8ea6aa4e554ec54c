"""How the pupil list behaves in a 2,000-pupil school: queries per request and time per request.

Run it with ``.venv/bin/python -m benchmarks.pupil_list`` (SQLite in a throwaway folder), or
with ``DATABASE_URL=postgres://...`` to measure PostgreSQL. It builds the synthetic demo school
at 2,000 pupils, signs in as the strategic attachment lead, and requests the list the ways
people use it: the first page, a name search, a cohort filter, "needs a key adult", and the
HTMX partial the live search fetches. Figures go to stdout and benchmarks/results/.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PUPILS = 2_000
STAFF = 150
REPEATS = 15


@dataclass(frozen=True)
class Figure:
    case: str
    queries: int
    median_ms: float
    p90_ms: float
    rows_shown: int


def _setup_django() -> str:
    if "DATABASE_URL" not in os.environ:
        os.environ["ATTUNE_DATA_DIR"] = tempfile.mkdtemp(prefix="attune-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    os.environ["DEBUG"] = "false"  # debug mode keeps every query in memory and skews timings
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")  # static files are not served here

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    vendor: str = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return vendor


def _measure(client: object, url: str, case: str) -> Figure:
    from django.db import connection
    from django.test import Client

    assert isinstance(client, Client)
    headers = {"HX-Request": "true"} if case.endswith("(HTMX)") else {}
    client.get(url, headers=headers)  # warm caches and the session
    timings: list[float] = []
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return Figure(
        case=case,
        queries=len(executed),
        median_ms=round(statistics.median(timings), 1),
        p90_ms=round(timings[int(len(timings) * 0.9) - 1], 1),
        rows_shown=response.content.count(b"<tr>") - 1,
    )


def main() -> None:
    vendor = _setup_django()
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
    out = Path(__file__).parent / "results" / f"pupil_list-{vendor}.json"
    out.write_text(
        json.dumps(
            {
                "pupils": PUPILS,
                "staff": STAFF,
                "database": vendor,
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
