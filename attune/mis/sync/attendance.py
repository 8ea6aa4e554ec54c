"""Session marks from ``/attendance/session``, through Attune's own register codes.

Wonde's code (an id into ``/attendance-codes``, or the letter itself) is read through
``attendance.domain.codes`` exactly as a CSV's code is: retired codes are mapped and kept, and
a code Attune does not know stops this school's attendance sync with a message naming it,
having changed nothing. The marks of a run are staged page by page and applied together at
the end by the CSV import's own writer, so the register, its history of changed marks, the
weekly and yearly counts and the audit record come out exactly as a file import's would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from attune.attendance.domain.codes import UnknownCodeError, parse_code
from attune.attendance.domain.marks_csv import LATE_CODES, MAX_MINUTES_LATE
from attune.attendance.imports import CSV_BATCH, MarksImport, _MarksWriter
from attune.attendance.models import ImportKind
from attune.bulk import insert_rows
from attune.mis.domain.wonde import (
    Problem,
    SessionRow,
    Unreadable,
    read_attendance_code,
    read_session_row,
)
from attune.mis.models import LinkKind, MisLink, StagedMark
from attune.mis.sync.context import RunContext, StopSync
from attune.mis.wonde import WondeClient

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


def pupils_by_student(ctx: RunContext) -> dict[str, Any]:
    found: dict[str, Any] = ctx.cache.get("pupils") or dict(
        MisLink.objects.filter(kind=LinkKind.STUDENT).values_list("wonde_id", "local_id")
    )
    ctx.cache["pupils"] = found
    return found


def page_for(client: WondeClient, codes_path: str) -> Any:
    """The page handler: read each mark, map its code, stage it."""

    def apply_page(ctx: RunContext, rows: Sequence[Mapping[str, Any]]) -> bool:
        pupils = pupils_by_student(ctx)
        staged: list[tuple[Any, ...]] = []
        doubtful = False
        for row in rows:
            try:
                mark = read_session_row(row)
            except Unreadable as error:
                ctx.problem(Problem(error.code, error.message))
                doubtful = True
                continue
            pupil_id = pupils.get(mark.student_id)
            if pupil_id is None:
                ctx.counts["marks_for_children_not_in_attune"] += 1
                continue
            letter, original = _code(ctx, client, codes_path, mark)
            staged.append(
                (
                    ctx.school.pk,
                    pupil_id,
                    mark.date,
                    mark.session,
                    letter,
                    original,
                    _minutes(ctx, letter, mark.minutes_late),
                )
            )
        insert_rows(StagedMark, STAGED_COLUMNS, staged)
        ctx.counts["marks_read"] += len(staged)
        return doubtful

    return apply_page


def _code(ctx: RunContext, client: WondeClient, path: str, mark: SessionRow) -> tuple[str, str]:
    """The code in force and the code as written, or stop the sync naming an unknown one."""
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
        parsed = parse_code(letter or "")
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


def _minutes(ctx: RunContext, code: str, minutes: int | None) -> int | None:
    """Minutes late go only with L and U, as in a CSV; elsewhere they are left out (and
    counted), and a number no session could hold is left out too."""
    if minutes is None:
        return None
    if code not in LATE_CODES or not 0 <= minutes <= MAX_MINUTES_LATE:
        if minutes:
            ctx.counts["minutes_late_left_out"] += 1
        return None
    return minutes


def clear_staged(ctx: RunContext) -> None:
    StagedMark.objects.filter(school=ctx.school).delete()


def apply_staged(ctx: RunContext, started: datetime) -> MarksImport | None:
    """Write every staged mark through the CSV import's writer, then clear the stage. Call
    inside the transaction that finishes the run."""
    rows = _staged(ctx)
    first = next(rows, None)
    if first is None:
        return None
    name = f"Wonde sync started {started:%Y-%m-%d %H:%M:%S} (run {ctx.run.pk})"
    writer = _MarksWriter(ImportKind.MIS, name, ctx.actor, [ctx.school])
    batch: dict[Any, list[Any]] = defaultdict(list)
    size = 0
    for pupil_id, mark in _chain(first, rows):
        if size >= CSV_BATCH and pupil_id not in batch:
            writer.write({ctx.school.pk: dict(batch)})
            batch, size = defaultdict(list), 0
        batch[pupil_id].append(mark)
        size += 1
    writer.write({ctx.school.pk: dict(batch)})
    [result] = writer.finish()
    clear_staged(ctx)
    ctx.counts["marks_added"] += result.added
    ctx.counts["marks_replaced"] += result.replaced
    ctx.counts["marks_unchanged"] += result.unchanged
    return result


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _staged(ctx: RunContext) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Each (pupil, date, session) once, the last staged winning (a mark changed while the
    run was reading appears twice), grouped by pupil."""
    rows = (
        StagedMark.objects.filter(school=ctx.school)
        .order_by("pupil_id", "date", "session", "id")
        .values_list("pupil_id", "date", "session", "code", "original_code", "minutes_late")
        .iterator(chunk_size=20_000)
    )
    held: tuple[Any, ...] | None = None
    for row in rows:
        if held is not None and held[:3] != row[:3]:
            yield held[0], held[1:]
        held = row
    if held is not None:
        yield held[0], held[1:]
