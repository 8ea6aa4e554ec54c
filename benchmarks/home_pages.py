"""Each person's home page, and the pages they open from it every day, in a 2,000-pupil school.

Run it with ``.venv/bin/python -m benchmarks.home_pages`` (SQLite in a throwaway folder), or
with ``DATABASE_URL=postgres://...`` to measure PostgreSQL. It builds the synthetic demo at
2,000 pupils (the school; the nursery keeps its own size), signs in as each demo sign-in and
requests their home page, then the daily pages it leads to: the key adult's Today, check-ins
across the school, reviews due, incidents and the pupil list. The head's home fetches its six
charts once it is shown (``children/head_charts.py``): each is timed as the home asks for it,
an HTMX request of its own (``children:home_chart <key>``). For each it prints the first
request (whatever the page keeps for later is not there yet), then the queries, median and
90th percentile of the warm runs (``common.measure``). Aim: under 100 ms a page. Figures go to
stdout and ``benchmarks/results/home_pages-<database>.json``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

from benchmarks import common
from benchmarks.common import measure, save_results, setup_django

PUPILS = 2_000
STAFF = 150
REPEATS = 15
SCHOOL, NURSERY = "100001", "100002"

# (who signs in, the school, the page's URL name): each sign-in's home first, then its day.
PAGES = [
    ("lead", SCHOOL, "children:school_home"),
    ("keyadult", SCHOOL, "children:school_home"),
    ("teacher", SCHOOL, "children:school_home"),
    ("office", SCHOOL, "children:school_home"),
    ("head", SCHOOL, "children:school_home"),
    ("virtualschool", SCHOOL, "children:school_home"),
    ("nurserylead", NURSERY, "children:school_home"),
    ("keyperson", NURSERY, "children:school_home"),
    ("keyadult", SCHOOL, "checkins:today"),
    ("keyperson", NURSERY, "checkins:today"),
    ("lead", SCHOOL, "checkins:across_school"),
    ("lead", SCHOOL, "plans:reviews_due"),
    ("lead", SCHOOL, "incidents:school"),
    ("lead", SCHOOL, "children:pupils"),
]
CHARTS = [  # the head's home asks for these once it is on the screen
    "chart-attendance-weeks",
    "chart-absence",
    "chart-coverage",
    "chart-completion",
    "chart-incidents",
    "chart-audit",
]


@dataclass(frozen=True)
class Figure(common.Figure):
    who: str
    first_ms: float


def main() -> None:
    vendor = setup_django()
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from attune.demo.generator import build_demo

    started = time.perf_counter()
    build_demo(pupils=PUPILS, staff=STAFF, seed=7)
    built_s = time.perf_counter() - started
    cache.clear()  # the first request of each page finds nothing kept, as after a restart

    figures: list[Figure] = []
    clients: dict[str, Client] = {}
    charts = [("head", SCHOOL, "children:home_chart", key) for key in CHARTS]
    for who, urn, name, *key in [*PAGES, *charts]:
        if who not in clients:
            clients[who] = common.signed_in(f"{who}@demo.attune.test")
        arguments = {"urn": urn, **({"key": key[0]} if key else {})}
        headers = {"HX-Request": "true"} if key else {}
        get = partial(clients[who].get, reverse(name, kwargs=arguments), headers=headers)
        began = time.perf_counter()
        first = get()
        first_ms = round((time.perf_counter() - began) * 1000, 1)
        assert first.status_code == 200, (who, name, first.status_code)
        case = f"{name} {key[0]}" if key else name
        figures.append(Figure.of(case, measure(get, repeats=REPEATS), who=who, first_ms=first_ms))

    print(f"Home and daily pages, {PUPILS} pupils, {STAFF} staff, on {vendor}", end="")
    print(f" (demo built in {built_s:.0f} s)")
    print(f"{'who':<15}{'page':<48}{'first ms':>9}{'queries':>8}{'median ms':>11}{'p90 ms':>9}")
    for f in figures:
        print(f"{f.who:<15}{f.case:<48}{f.first_ms:>9}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}")
    save_results(
        f"home_pages-{vendor}", {"pupils": PUPILS, "staff": STAFF, "database": vendor}, figures
    )


if __name__ == "__main__":
    main()
