"""A part-week range on the county, its odd days read two ways: the marks of the days inside
the range, or each odd stretch's week less the days outside it (``weeks_less_days``).

Run it on the county ``benchmarks.county --build`` made (PostgreSQL, ``DATABASE_URL``):
``python -m benchmarks.county_odd_days [FROM TO]`` (default: the Wednesday after the first
marks to the Wednesday before the last). Both ways run the same statement
(``county.county_statement``) four times each, twice over, alternately, and must give the same
figures. Results: ``benchmarks/results/county-odd-days-postgresql.json``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, timedelta
from typing import Any
from unittest import mock

from benchmarks.common import save_results, setup_django


def main() -> None:
    setup_django()
    from django.db import connection

    from attune.attendance import county, week_counts

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM people_school ORDER BY urn")
        schools = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT min(date), max(date) FROM attendance_sessionmark")
        first, last = cursor.fetchone()
    if len(sys.argv) == 3:
        date_from, date_to = date.fromisoformat(sys.argv[1]), date.fromisoformat(sys.argv[2])
    else:
        date_from = first + timedelta(days=(2 - first.weekday()) % 7)
        date_to = last - timedelta(days=(last.weekday() - 2) % 7 or 7)

    def run(way: str) -> tuple[dict[str, Any], list[Any]]:
        statement, params = county.county_statement(schools, date_from, date_to)
        times, rows = [], []
        for _ in range(4):
            started = time.perf_counter()
            rows = county._run(statement, params)
            times.append(time.perf_counter() - started)
        figure = {
            "way": way,
            "first_s": round(times[0], 3),
            "median_of_next_three_s": round(statistics.median(times[1:]), 3),
            "odd_days_added": _stretches(params, "edge"),
            "odd_days_taken_away": _stretches(params, "less_edge"),
            "load_average": [round(n, 2) for n in os.getloadavg()],
        }
        print(figure)
        return figure, sorted(rows)

    figures = []
    for _ in range(2):
        # The old way: the odd days' own marks, with no week read for them.
        with mock.patch.object(week_counts, "weeks_less_days", lambda split: split):
            old, old_rows = run("odd days from their marks")
        new, new_rows = run("weeks less the days outside")
        if old_rows != new_rows:
            raise SystemExit("the two ways gave different figures")
        figures += [old, new]
    save_results(
        "county-odd-days-postgresql",
        {"range": f"{date_from} to {date_to}", "schools": len(schools), "same_figures": True},
        figures,
    )


def _stretches(params: dict[str, Any], name: str) -> list[str]:
    return [
        f"{params[f'{name}{n}_from']} to {params[f'{name}{n}_to']}"
        for n in (1, 2)
        if params[f"{name}{n}_from"] is not None
    ]


if __name__ == "__main__":
    main()
