"""SQLite keeps the query planner's statistics up to date, as PostgreSQL's autovacuum does.

SQLite gathers no statistics until asked (``ANALYZE``), and without them it guesses which
index serves a query: at 2,000 pupils it read a school's whole year of marks through the
(school, day) index for one key adult's seven children (135 ms, against 1 ms through the
pupil's own index), and the Virtual School's home took 0.6 s rather than 16 ms. SQLite's
advice for long-running applications is ``PRAGMA optimize`` as a connection finishes: it
analyses the tables this connection's queries used whose statistics are missing, or stale
after the table grew 25-fold. It runs after a request is answered, so nobody waits for it,
and at most every ten minutes in each process: the marks' partial index of suspended marks
is empty, so SQLite never counts the marks as analysed and analysed them again each time
(75 ms at 2,000 pupils; the whole school's database took 90 ms). A sampled ``ANALYZE``
(``analysis_limit``) is quicker, but reads only the first rows of each index, all one
school's and one week's, and its figures sent that key adult's query back to the (school,
day) index.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import DatabaseError, connection

EVERY_SECONDS = 600.0
next_run = 0.0  # time.monotonic() at which this process may run it again


def keep_statistics(**_: Any) -> None:
    """``request_finished``: refresh what the request's queries showed was missing."""
    global next_run
    if connection.vendor != "sqlite" or connection.connection is None:
        return
    if time.monotonic() < next_run:
        return
    next_run = time.monotonic() + EVERY_SECONDS
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    except DatabaseError:  # another writer holds the database: the next request will do it
        return
