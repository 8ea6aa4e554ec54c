"""Write ``benchmarks/RESULTS.md`` from the daily pages' results files (``daily_pages.sh``).

Run ``python -m benchmarks.daily_pages_table`` after the benchmarks; the table quotes each
file's figures as they are, with the load average each run ended at.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS

OUT = Path(__file__).parent / "RESULTS.md"
SIZES = (500, 1000, 2000)
DATABASES = ("sqlite3", "postgresql")
PAGE_CASES = (
    "school page, whole year",
    "sorted by attendance",
    "autumn term range",
    "cohort figures",
    "who needs attention",
    "who needs attention, page 10",
)


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _speed_text(run: dict[str, Any]) -> str:
    speed = run.get("machine_speed_s")
    return "-" if speed is None else f"{speed:.2f}"


def _load_text(run: dict[str, Any]) -> str:
    load = run.get("load_average")
    if isinstance(load, list):
        return f"{load[0]:.1f}"
    return "-" if load is None else f"{load:.1f}"


def _school_rows() -> list[str]:
    head = ["database", "pupils", "load", "speed", *PAGE_CASES]
    head += ["attention, first opening ever (ms)", "attention, first opening of the day (ms)"]
    head += ["daily import (ms)", "attention, first read after the import (ms)"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for database in DATABASES:
        for size in SIZES:
            run = _load(f"attendance_school_page-{database}-{size}")
            if run is None:
                continue
            by_case = {f["case"]: f for f in run["figures"]}
            cells = [database, f"{size:,}", _load_text(run), _speed_text(run)]
            cells += [str(by_case[c]["median_ms"]) if c in by_case else "-" for c in PAGE_CASES]
            cells += [
                str(run.get("attention_first_opening_ever_ms", "-")),
                _first_opening(run),
                str(run["daily_import_ms"]),
                str(run["attention_first_read_after_import_ms"]),
            ]
            rows.append("| " + " | ".join(cells) + " |")
    return rows


def _first_opening(run: dict[str, Any]) -> str:
    """Runs from before the list was paged worked the whole school out on a day's first
    opening; later ones show the last list kept and queue today's."""
    figure = str(run["attention_first_opening_ms"])
    return figure if "attention_first_opening_ever_ms" in run else f"{figure} (worked out)"


# A column of a figures table: its heading, and its cell from a run and one of its figures.
Column = tuple[str, Callable[[dict[str, Any], dict[str, Any]], str]]


def _figure(key: str) -> Column:
    return key.replace("_", " "), lambda run, f: str(f[key])


def _figures_table(name: str, columns: list[Column]) -> list[str]:
    """A row per figure of ``results/<name>-<database>.json``, database by database."""
    header = ["database", *(heading for heading, _ in columns)]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for database in DATABASES:
        run = _load(f"{name}-{database}")
        if run is None:
            continue
        for f in run["figures"]:
            rows.append(
                "| " + " | ".join([database, *(cell(run, f) for _, cell in columns)]) + " |"
            )
    return rows


LOAD: Column = ("load", lambda run, f: _load_text(run))
SPEED: Column = ("speed", lambda run, f: _speed_text(run))
TIMES = [_figure("median_ms"), _figure("p90_ms")]


def _other_rows(name: str, *, entries: bool = False) -> list[str]:
    """A row per case, database by database; with ``entries``, the size of the history each
    figure was taken at (the chronology)."""
    size: Column = ("entries", lambda run, f: f"{f.get('entries', run.get('entries')):,}")
    case: Column = ("case", lambda run, f: f["case"])
    sized = [size] if entries else []
    return _figures_table(name, [*sized, LOAD, SPEED, case, _figure("queries"), *TIMES])


def _home_rows() -> list[str]:
    """Each sign-in's home and daily pages: the first request, then the warm runs."""
    page: Column = ("page", lambda run, f: f"`{f['case']}`")
    first, queries = _figure("first_ms"), _figure("queries")
    return _figures_table("home_pages", [LOAD, SPEED, _figure("who"), page, first, queries, *TIMES])


def main() -> None:
    lines = [
        "# The daily pages: latest figures",
        "",
        "Written by `python -m benchmarks.daily_pages_table` from `results/`; how to run them is",
        'in `README.md`. Medians in milliseconds of wall-clock time; "load" is the 1-minute',
        "load average when the run ended, on a 2-core machine shared with other work. At a",
        "load above 2 a figure is an upper bound on what the code costs, not what it does on a",
        "quiet machine; compare figures only at like loads (the aim is under 100 ms a page).",
        '"speed" is how many seconds the machine took, as the run ended, for a fixed piece of',
        "Python (`common.machine_speed`), which varies at the same load and from machine to",
        "machine: from 0.20 to 0.37 on the night of 6 to 7 December 2026, from 0.23 to 0.59 in",
        "the runs of these pages on the slower machine of 7 December's morning (their files",
        "are in this file's history), and from 0.17 to 0.21 on the machine of that afternoon,",
        "where every figure below was taken: SQLite 16:04 to 16:09 and PostgreSQL 16:10 to",
        "16:14 (`bash benchmarks/daily_pages.sh [postgres]`), on the code of commit 082fa5b.",
        "Compare figures taken at like speeds, or scale them by the ratio; even then, the same",
        "code's pages took up to a third longer in one run than in another half an hour apart",
        "at the same speed (the home pages at 14:45 and at 15:11, both 0.20:",
        "`docs/daily-jobs.md`).",
        "",
        "## School attendance page, cohort figures, who needs attention",
        "",
        *_school_rows(),
        "",
        "## Chronology (one child, 2,000 and 10,000 entries)",
        "",
        "A page of 200 should cost the same at either size; printing every entry grows.",
        "",
        *_other_rows("chronology", entries=True),
        "",
        "## Early years day (120 children)",
        "",
        *_other_rows("early_years_day"),
        "",
        "## Each person's home, and the pages it leads to (2,000 pupils)",
        "",
        "The demo at 2,000 pupils (the nursery at its own size), each demo sign-in's home and",
        "the daily pages it leads to (`benchmarks/home_pages.py`). The first request finds",
        "nothing kept from before, as after a restart (the lead's home, the first page asked",
        "for, also finds the templates and URLs not yet loaded). The head's home fetches its",
        "six charts once it is shown: each `children:home_chart` row is one of those requests.",
        "",
        *_home_rows(),
        "",
    ]
    OUT.write_text("\n".join(lines))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
