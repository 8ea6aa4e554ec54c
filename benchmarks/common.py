"""What the benchmarks share: Django on a throwaway database, a signed-in client, a request
measured the same way everywhere (queries counted once, then timed), and the figures written
to ``benchmarks/results/``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Self

RESULTS = Path(__file__).parent / "results"


def setup_django() -> str:
    """Set Django up (SQLite in a throwaway folder unless ``DATABASE_URL`` names a server),
    migrate, and return the database's vendor name."""
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


def school_day(today: date) -> date:
    """``today``, or the Friday before it at a weekend."""
    while today.weekday() >= 5:
        today -= timedelta(days=1)
    return today


def signed_in(email: str) -> Any:
    """A test client signed in fully (second factor included), as the test fixture does."""
    from django.test import Client

    from attune.accounts.models import User
    from attune.accounts.testing import sign_in_fully

    return sign_in_fully(Client(), User.objects.get(email=email))


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block, in a list that fills as they run."""
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield executed


@dataclass(frozen=True)
class Measured[T]:
    result: T  # what the counted run returned (a response, say), to check and to count rows in
    queries: int
    median_ms: float
    p90_ms: float
    cpu_median_ms: float  # this process's CPU time: steadier than wall time on a shared machine


def measure[T](
    run: Callable[[], T], *, repeats: int, before: Callable[[], object] = lambda: None
) -> Measured[T]:
    """Run once to warm up, once counting its queries, then ``repeats`` times on the clock.
    ``before`` runs ahead of each run, off the clock (to remove what the last run wrote)."""
    before()
    run()  # warm up
    before()
    with counting_queries() as executed:
        result = run()
    timings: list[float] = []
    cpu: list[float] = []
    for _ in range(repeats):
        before()
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    timings.sort()
    return Measured(
        result=result,
        queries=len(executed),
        median_ms=round(statistics.median(timings), 1),
        p90_ms=round(timings[int(len(timings) * 0.9) - 1], 1),
        cpu_median_ms=round(statistics.median(cpu), 1),
    )


@dataclass(frozen=True)
class Figure:
    """One case's figures as the results files keep them (a benchmark may add its own)."""

    case: str
    queries: int
    median_ms: float
    p90_ms: float

    @classmethod
    def of(cls, case: str, got: Measured[Any], **more: Any) -> Self:
        return cls(
            case=case, queries=got.queries, median_ms=got.median_ms, p90_ms=got.p90_ms, **more
        )


def machine_speed() -> float:
    """Seconds this process takes for a fixed piece of pure Python (five million additions),
    the median of five tries. On a shared virtual machine the same work can take half as long
    again from one hour to the next while the load average stays near 1, so each results file
    says how quick the machine was (0.20-0.37 s across the runs of the night of 6 to 7 December
    2026, 0.27-0.59 s on the slower machine of the next morning)."""
    tries = []
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for n in range(5_000_000):
            total += n
        tries.append(time.perf_counter() - started)
    return round(statistics.median(tries), 3)


def save_results(name: str, facts: Mapping[str, Any], figures: Sequence[Any], **after: Any) -> None:
    """Write ``results/<name>.json``: the run's facts, the Python and machine it ran on, the
    load average at the end of the run (1, 5 and 15 minutes, with the number of CPUs: a time
    cannot be compared with another without it) and how quick the machine was then
    (``machine_speed``), the figures (dataclasses or plain dicts), then anything ``after``
    them."""
    payload = {
        **facts,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "machine_speed_s": machine_speed(),
        "cpus": os.cpu_count(),
        "figures": [asdict(f) if is_dataclass(f) else f for f in figures],  # type: ignore[arg-type]
        **after,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
