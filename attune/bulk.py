"""Writing many rows fast (register marks, audit events): PostgreSQL's COPY, or batched inserts
on SQLite.

A school's year is about half a million marks. ``bulk_create`` builds a model instance and an
SQL parameter list for each one; COPY streams plain tuples and is several times faster (see
``docs/attendance-storage.md``). Callers pass plain values in column order; this module adapts
dates and UUIDs for SQLite, which stores them as text.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.db import connection, models
from psycopg.copy import QueuedLibpqWriter

from attune.sqlite_stats import known_rows

BATCH = 5_000


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: Any) -> str:
    """One value in COPY's text format: ``\\N`` for null, backslashes and breaks escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):  # as Django writes it: in UTC, a space before the time
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def copy_lines(table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """PostgreSQL only: COPY lines already in COPY's text format (see ``copy_text``).

    psycopg sends them from a thread of its own, so lines made as they are taken (an import's
    audit events, hashed one by one) are made while the server stores the ones before.
    """
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    iterator = iter(lines)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({names}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
            while batch := "".join(islice(iterator, BATCH)):
                copy.write(batch)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL only: COPY ``rows`` into ``table`` (a trusted name, not user input)."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    iterator = iter(rows)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        while batch := list(islice(iterator, BATCH)):
            copy.write("".join("\t".join(map(copy_text, row)) + "\n" for row in batch))
            count += len(batch)
    return count


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in ``columns`` order) into ``model``'s table; return the count.

    Call inside ``transaction.atomic()``: the rows are not checked by the ORM, only by the
    database's constraints, so the caller validates first.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        return copy_rows(table, columns, rows)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    values = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({values})"  # noqa: S608
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := [tuple(map(_sqlite_value, row)) for row in islice(iterator, BATCH)]:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def delete_ids(model: type[models.Model], ids: Sequence[int]) -> None:
    """Delete rows by primary key in batches (the ids come from a scoped read)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({placeholders})", chunk)  # noqa: S608


def analyse_if_mostly_new(table: str, added: int, touched: int) -> None:
    """Refresh the planner's statistics on ``table`` when this transaction's rows are a large
    share of it (or it has never had any), on PostgreSQL and on SQLite.

    Without statistics (a new database's first school, say) PostgreSQL guessed that the
    (school, day) index finds one pupil's week as well as the (pupil, day, session) one does,
    and recounting a year read a whole school's day for each pupil: a first year's import took
    two minutes instead of seconds. ANALYZE sees this transaction's own rows and samples a
    fixed number of pages, so it costs well under a second even on a county's marks; a
    county's daily import, a small share of its marks, never runs it. ``touched`` is how many
    rows the caller is about to look up again: below a thousand any plan is quick.

    SQLite keeps no statistics until asked, and without them it chose the (school, day) index
    for one key adult's seven children's year of marks: 135 ms against 1 ms, at 2,000 pupils.
    Its ``ANALYZE`` of that school's 500,000 marks took 75 ms (``attune/sqlite_stats.py``).
    """
    if touched < 1_000:
        return
    if connection.vendor == "sqlite":
        _analyse_sqlite(table, added)
        return
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        (known,) = cursor.fetchone()
        if known < 0 or added > known / 10:  # never analysed (-1), or mostly new
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _analyse_sqlite(table: str, added: int) -> None:
    with connection.cursor() as cursor:
        known = known_rows(cursor).get(table)
        if known is None or added > known / 10:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def update_rows(
    model: type[models.Model],
    key: str,
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    casts: Mapping[str, str] | None = None,
    batch: int = 200,
) -> None:
    """Set ``fields`` on many rows, each given as (key, *fields) in ``rows``, with one
    ``UPDATE … FROM (VALUES …)`` a ``batch``. ``bulk_update`` builds a ``CASE`` per field per
    row in Python: for an import's 600 schools (its audit heads, its figures) that took a
    third of a second of CPU with the database idle. ``casts`` names a column's SQL type where
    the first row's values would not say it (a bigint id). PostgreSQL, and SQLite 3.33 or
    later."""
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), [key, *fields]
    row = ", ".join(f"CAST(%s AS {casts[c]})" if casts and c in casts else "%s" for c in columns)
    names = ", ".join(quote(c) for c in columns)
    sets = ", ".join(f"{quote(f)} = changed.{quote(f)}" for f in fields)
    match = f"{table}.{quote(key)} = changed.{quote(key)}"
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        values = ", ".join([f"({row})"] * len(chunk))
        # Names are our own models'; every value is a parameter.
        sql = f"WITH changed ({names}) AS (VALUES {values}) UPDATE {table} SET {sets} FROM changed WHERE {match}"  # noqa: E501, S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for one in chunk for value in one])
