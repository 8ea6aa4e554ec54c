"""Session marks from ``/attendance/session``, through Attune's own register codes.

Wonde's code (an id into ``/attendance-codes``, or the letter itself) is read through
``attendance.domain.codes`` exactly as a CSV's code is, by the rules in force on the mark's
date (``read_code``: an interview, ``J``, before 19 August 2024 counts as attended; after it,
as leave), with the code as written kept; and a code Attune does not know stops this
school's attendance sync with a message naming it, having changed nothing. A mark dated
outside 1990 to a year ahead (``attune.dates``) is a problem, left out, as in a file. The marks of a
run are held in memory (and written to the stage, ``StagedMark``, every so many) and applied
together at the end by the CSV import's own writer, so the register, its history of changed
marks, the weekly and yearly counts and the audit record come out exactly as a file
import's would.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection

from attune.attendance.domain.codes import UnknownCodeError, read_code
from attune.attendance.domain.marks_csv import LATE_CODES, MAX_MINUTES_LATE
from attune.attendance.imports import CSV_BATCH, Mark, MarksWriter
from attune.attendance.models import ImportKind
from attune.bulk import copy_lines, copy_text, insert_rows
from attune.dates import out_of_range
from attune.mis.domain.wonde import (
    Problem,
    SessionRow,
    Unreadable,
    read_attendance_code,
    read_session_row,
)
from attune.mis.models import StagedMark
from attune.mis.sync.context import RunContext, StopSync
from attune.mis.sync.links import children_by_student
from attune.mis.wonde import WondeClient
from attune.people.models import Pupil
from attune.tenancy import scopes_disabled

CODES_KEPT_FOR = timedelta(hours=24)
STAGED_COLUMNS = (
    "school_id",
    "pupil_id",
    "date",
    "session",
    "code",
    "original_code",
    "minutes_late",
)


def fetch_codes(ctx: RunContext, client: WondeClient, path: str, *, force: bool = False) -> None:
    """Wonde's attendance codes for the school (its own list covers custom codes [OFF]),
    kept for a day: a 15-minute register sync then needs one request, not two."""
    connection = ctx.connection
    fresh = connection.codes_fetched_at and ctx.now - connection.codes_fetched_at < CODES_KEPT_FOR
    if connection.attendance_codes and fresh and not force:
        return
    codes: dict[str, str] = {}
    for fetched in client.pages(path):
        for row in fetched.page.rows:
            try:
                code = read_attendance_code(row)
            except Unreadable as error:
                ctx.problem(Problem(error.code, error.message))
                continue
            codes[code.wonde_id] = code.code
            ctx.cache.setdefault("code_words", {})[code.wonde_id] = code.description
    connection.attendance_codes, connection.codes_fetched_at = codes, ctx.now
    connection.save(update_fields=["attendance_codes", "codes_fetched_at"])


def pupils_by_student(ctx: RunContext) -> dict[str, uuid.UUID]:
    """The school's children by Wonde student id, read once a run."""
    found: dict[str, uuid.UUID] | None = ctx.cache.get("pupils")
    if found is None:
        found = ctx.cache["pupils"] = children_by_student(ctx.school.pk)
    return found


def page_for(client: WondeClient, codes_path: str) -> Any:
    """The page handler: read each mark and map its code into the run's buffer (the runner
    writes the buffer to the stage now and then, and applies it all at the end)."""

    def apply_page(ctx: RunContext, rows: Sequence[Mapping[str, Any]]) -> bool:
        pupils = pupils_by_student(ctx)
        buffer: list[Staged] = ctx.cache.setdefault("buffer", [])
        doubtful = False
        read = 0
        for row in rows:
            try:
                mark = read_session_row(row)
            except Unreadable as error:
                ctx.problem(Problem(error.code, error.message))
                doubtful = True
                continue
            why = out_of_range(mark.date, ctx.today)
            if why:  # a typo in the register: never let it reach the sums (attune.dates)
                ctx.problem(Problem("mark.date_out_of_range", f"A session mark's date: {why}"))
                doubtful = True
                continue
            pupil_id = pupils.get(mark.student_id)
            if pupil_id is None:
                ctx.counts["marks_for_children_not_in_attune"] += 1
                continue
            code, original = _code(ctx, client, codes_path, mark)
            minutes = mark.minutes_late
            if minutes is not None:
                minutes = _minutes(ctx, code, minutes)
            buffer.append((pupil_id, mark.date, mark.session, code, original, minutes))
            read += 1
        ctx.counts["marks_read"] += read
        return doubtful

    return apply_page


# (pupil id, date, session, code, original code, minutes late): one mark read from Wonde.
Staged = tuple[Any, date, str, str, str, int | None]


def _code(ctx: RunContext, client: WondeClient, path: str, mark: SessionRow) -> tuple[str, str]:
    """The code the mark is stored and counted as on its date, and the code as written (each
    distinct code and day worked out once a run), or stop the sync naming a code Attune does
    not know."""
    known: dict[tuple[str | None, str | None, date], tuple[str, str]] = ctx.cache.setdefault(
        "codes", {}
    )
    key = (mark.code_id, mark.code, mark.date)
    if key not in known:
        known[key] = _work_out_code(ctx, client, path, mark)
    return known[key]


def _work_out_code(
    ctx: RunContext, client: WondeClient, path: str, mark: SessionRow
) -> tuple[str, str]:
    letter = mark.code
    if letter is None and mark.code_id is not None:
        codes = ctx.connection.attendance_codes
        if mark.code_id not in codes and not ctx.cache.get("codes_refetched"):
            ctx.cache["codes_refetched"] = True
            fetch_codes(ctx, client, path, force=True)
        letter = ctx.connection.attendance_codes.get(mark.code_id)
        if letter is None:
            raise StopSync(
                f"A mark for {mark.date} {mark.session} uses attendance code id "
                f"{mark.code_id}, which is not in the school's list of codes in Wonde. Nothing "
                "more of the registers was brought in; the next sync will try again.",
                "attendance.unknown_code_id",
            )
    try:
        parsed = read_code(letter or "", mark.date)
    except UnknownCodeError as error:
        words = ctx.cache.get("code_words", {}).get(mark.code_id or "", "")
        described = f" ({words})" if words else ""
        raise StopSync(
            f"The MIS uses the attendance code '{letter}'{described}, which is not a register "
            f"code Attune knows ({error}). The registers were not brought in, so no figure is "
            "counted from a code we would have to guess. Ask the school which DfE code it "
            "stands for; the next sync will try again.",
            "attendance.unknown_code",
        ) from error
    return parsed.code, parsed.original


def _minutes(ctx: RunContext, code: str, minutes: int) -> int | None:
    """Minutes late go only with L and U, as in a CSV; elsewhere they are left out (and
    counted), and a number no session could hold is left out too."""
    if code not in LATE_CODES or not 0 <= minutes <= MAX_MINUTES_LATE:
        if minutes:
            ctx.counts["minutes_late_left_out"] += 1
        return None
    return minutes


# --- the stage -------------------------------------------------------------------------------


def stage(ctx: RunContext, marks: list[Staged]) -> None:
    """Write buffered marks to the stage (call inside the transaction that moves the run's
    place on)."""
    if not marks:
        return
    if connection.vendor == "postgresql":
        copy_lines(StagedMark._meta.db_table, STAGED_COLUMNS, _copy_lines(ctx.school.pk, marks))
    else:
        school = ctx.school.pk
        insert_rows(StagedMark, STAGED_COLUMNS, ((school, *mark) for mark in marks))
    ctx.cache["staged"] = True


def _copy_lines(school_id: int, marks: list[Staged]) -> Iterator[str]:
    """COPY text, each distinct pupil and date formatted once (a year repeats 1,500 pupils
    and 190 days over half a million marks)."""
    text: dict[Any, str] = {}
    for pupil_id, day, session, code, original, minutes in marks:
        try:
            values = (text[pupil_id], text[day], text[code], text[original])
        except KeyError:  # a value not seen yet (a code can hold a backslash: "\\")
            for value in (pupil_id, day, code, original):
                text.setdefault(value, copy_text(value))
            values = (text[pupil_id], text[day], text[code], text[original])
        pupil, when, code_text, original_text = values
        late = "\\N" if minutes is None else str(minutes)
        yield f"{school_id}\t{pupil}\t{when}\t{session}\t{code_text}\t{original_text}\t{late}\n"


def has_staged(ctx: RunContext) -> bool:
    return StagedMark.objects.filter(school=ctx.school).exists()


def clear_staged(ctx: RunContext) -> None:
    StagedMark.objects.filter(school=ctx.school).delete()


# --- applying a run's marks ------------------------------------------------------------------


def apply_runs(contexts: Sequence[RunContext], started: datetime) -> None:
    """Write every mark these runs read through the CSV import's writer, one writer for all
    their schools (a county's 15-minute sync is one comparison, as its daily file is): from
    memory when a run never needed the stage, else from the stage, which is then cleared.
    Call inside the transaction that finishes the runs."""
    with_marks = [ctx for ctx in contexts if ctx.cache.get("buffer") or ctx.cache.get("staged")]
    if not with_marks:
        return
    name = f"Wonde sync started {started:%Y-%m-%d %H:%M:%S}"
    if len(with_marks) == 1:
        name += f" (run {with_marks[0].run.pk})"
    actor = with_marks[0].actor if len(with_marks) == 1 else None  # many: the schedule's
    writer = MarksWriter(ImportKind.MIS, name, actor, [ctx.school for ctx in with_marks])
    # Children erased in Attune while the run was reading get no marks (the register has no
    # foreign key to stop them); looked up in this transaction, as the CSV import does.
    with scopes_disabled():
        alive = set(
            Pupil.objects.filter(school__in=[ctx.school for ctx in with_marks]).values_list(
                "id", flat=True
            )
        )
    pending: dict[int, dict[Any, list[Mark]]] = defaultdict(lambda: defaultdict(list))
    size = 0
    for ctx in with_marks:
        school = ctx.school.pk
        for pupil_id, mark in _marks_of(ctx):
            if pupil_id not in alive:
                ctx.counts["marks_for_children_not_in_attune"] += 1
                continue
            # Batches hold whole pupils (and many schools: one comparison for them all).
            if size >= CSV_BATCH and pupil_id not in pending[school]:
                writer.write({k: dict(v) for k, v in pending.items()})
                pending, size = defaultdict(lambda: defaultdict(list)), 0
            pending[school][pupil_id].append(mark)
            size += 1
    writer.write({k: dict(v) for k, v in pending.items()})
    results = {result.school.pk: result for result in writer.finish()}
    for ctx in with_marks:
        if ctx.cache.get("staged"):
            clear_staged(ctx)
        result = results.get(ctx.school.pk)
        if result is not None:
            ctx.counts["marks_added"] += result.added
            ctx.counts["marks_replaced"] += result.replaced
            ctx.counts["marks_unchanged"] += result.unchanged


def _marks_of(ctx: RunContext) -> Iterator[tuple[Any, Mark]]:
    buffer: list[Staged] = ctx.cache.pop("buffer", [])
    if ctx.cache.get("staged"):
        stage(ctx, buffer)
        return _from_stage(ctx)
    return _from_memory(buffer)


def _from_memory(buffer: list[Staged]) -> Iterator[tuple[Any, Mark]]:
    """Each (pupil, date, session) once, the last read winning, grouped by pupil."""
    latest = {(m[0], m[1], m[2]): m for m in buffer}
    for mark in sorted(latest.values(), key=lambda m: (str(m[0]), m[1], m[2])):
        yield mark[0], mark[1:]


def _from_stage(ctx: RunContext) -> Iterator[tuple[Any, Mark]]:
    """The stage in pupil order, each (pupil, date, session) once, the last staged winning
    (a mark changed while a run was reading appears twice). Read with a plain cursor: half a
    million rows through the ORM's converters took seconds of building the same few dozen
    dates and ids again and again."""
    table = connection.ops.quote_name(StagedMark._meta.db_table)
    sql = (
        f"SELECT pupil_id, date, session, code, original_code, minutes_late FROM {table} "  # noqa: S608
        "WHERE school_id = %s ORDER BY pupil_id, date, session, id"
    )
    ids: dict[Any, uuid.UUID] = {}
    days: dict[Any, date] = {}
    held: tuple[Any, ...] | None = None
    with connection.cursor() as cursor:
        cursor.execute(sql, [ctx.school.pk])
        while rows := cursor.fetchmany(10_000):
            for pupil, day, session, code, original, minutes in rows:
                if held is not None and (held[0], held[1], held[2]) != (pupil, day, session):
                    yield _converted(held, ids, days)
                held = (pupil, day, session, code, original, minutes)
    if held is not None:
        yield _converted(held, ids, days)


def _converted(
    row: tuple[Any, ...], ids: dict[Any, uuid.UUID], days: dict[Any, date]
) -> tuple[uuid.UUID, Mark]:
    pupil, day, session, code, original, minutes = row
    if pupil not in ids:
        ids[pupil] = pupil if isinstance(pupil, uuid.UUID) else uuid.UUID(str(pupil))
    if day not in days:
        days[day] = day if isinstance(day, date) else date.fromisoformat(str(day))
    return ids[pupil], (days[day], session, code, original, minutes)
