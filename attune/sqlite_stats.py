"""SQLite keeps the query planner's statistics up to date, as PostgreSQL's autovacuum does.

SQLite gathers no statistics until asked (``ANALYZE``), and without them it guesses which
index serves a query: at 2,000 pupils it read a school's whole year of marks through the
(school, day) index for one key adult's seven children (135 ms, against 1 ms through the
pupil's own index), and the Virtual School's home took 0.6 s rather than 16 ms.

So after a request is answered (nobody waits for it), at most every ten minutes in each
process, every table with rows but no statistics is analysed (a whole 2,000-pupil school's
database took 90 ms, once), and then ``PRAGMA optimize``, SQLite's own advice for long-running
applications, analyses again any table the request used that has grown 25-fold since. Not on
every request: ``PRAGMA optimize`` counts the marks as never analysed (their partial index of
suspended marks is empty and so has no statistics) and analysed them each time, 75 ms. A
sampled ``ANALYZE`` (``analysis_limit``) is quicker, but reads only the first rows of each
index, all one school's and one week's, and its figures sent that key adult's query back to
the (school, day) index.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import DatabaseError, connection

EVERY_SECONDS = 600.0
next_run = 0.0  # time.monotonic() at which this process may run it again


def keep_statistics(**_: Any) -> None:
    """``request_finished``: analyse what has no statistics, or has outgrown them."""
    global next_run
    if connection.vendor != "sqlite" or connection.connection is None:
        return
    if time.monotonic() < next_run:
        return
    next_run = time.monotonic() + EVERY_SECONDS
    try:
        with connection.cursor() as cursor:
            for table in _unanalysed(cursor):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA optimize")
    except DatabaseError:  # another writer holds the database: the next request will do it
        return


def known_rows(cursor: Any) -> dict[str, int]:
    """Each analysed table's rows, as its statistics last counted them (the most any of its
    indexes holds: a partial index holds fewer)."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if cursor.fetchone() is None:  # nothing analysed yet, ever
        return {}
    cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
    rows: dict[str, int] = {}
    for table, stat in cursor.fetchall():
        rows[table] = max(rows.get(table, 0), int(stat.split()[0]))
    return rows


def _unanalysed(cursor: Any) -> list[str]:
    """The tables with rows and no statistics (an empty table never has any)."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    tables = [row[0] for row in cursor.fetchall()]
    analysed = known_rows(cursor)
    found = []
    for table in tables:
        if table not in analysed:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")  # noqa: S608
            if cursor.fetchone()[0]:
                found.append(table)
    return found
