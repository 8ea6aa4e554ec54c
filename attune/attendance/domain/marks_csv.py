"""Read the session-marks CSV (``attune import_attendance FILE.csv``) without a database.

Format: a header row, UTF-8 (a byte-order mark is fine), then one register mark a row::

    school_urn,upn,date,session,code,minutes_late

- ``date`` is ISO ``YYYY-MM-DD`` and not after ``today`` (passed in).
- ``session`` is ``AM`` or ``PM`` (any case).
- ``code`` is a register code, read with the meaning it had on the row's date by the codes
  module (``read_code``: a ``J`` before 19 August 2024 is an attended interview, after it
  ``J1``); each ``MarkRow`` keeps both ``code`` (as stored and counted) and ``original_code``
  (as written). An unknown code is an error naming the row, never a guess.
- ``minutes_late`` is optional: a whole number of minutes from 0 to ``MAX_MINUTES_LATE``, and
  only allowed with ``L`` (late before the register closed) or ``U`` (late after it closed),
  the only two marks where lateness means anything. Anywhere else it is reported, because it
  usually means the code column is wrong.
- One mark per pupil, date and session: a repeat within the file is reported naming both rows.

``iter_marks`` streams: it yields each good ``MarkRow`` and each ``RowError`` in file order and
keeps only what duplicate detection needs (per pupil, the sessions already seen), so a file of
hundreds of thousands of rows does not have to fit in memory. ``parse_marks`` collects it all.
"""

from __future__ import annotations

import csv
import importlib
import io
import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, NamedTuple, cast

from attune.attendance.domain.codes import CHANGE_DAY
from attune.dates import EARLIEST, out_of_range
from attune.people.domain.pupil_csv import (
    ParseResult,
    RowChecker,
    RowError,
    UpnValidator,
    checked_records,
    checked_upn,
    csv_records,
    default_upn_validator,
    parse_iso_date,
    split_records,
)

CodeMapper = Callable[[str, date], str]
"""Takes a code as written and its date; returns the code it is stored and counted as, or
raises ``ValueError``."""

REQUIRED_COLUMNS: tuple[str, ...] = ("school_urn", "upn", "date", "session", "code")
OPTIONAL_COLUMNS: tuple[str, ...] = ("minutes_late",)
SESSIONS: tuple[str, ...] = ("AM", "PM")
LATE_CODES: frozenset[str] = frozenset({"L", "U"})
MAX_MINUTES_LATE = 300  # longer than any school session; beyond it the number is a typo


class CodeError(ValueError):
    def __init__(self, message: str, code: str = "code.unknown") -> None:
        super().__init__(message)
        self.code = code


class MarkRow(NamedTuple):
    """One good mark. A named tuple: a year's file makes half a million of them."""

    row: int
    school_urn: str
    upn: str
    date: date
    session: str
    code: str
    original_code: str
    minutes_late: int | None


def default_code_mapper() -> CodeMapper:
    """Adapt ``attune.attendance.domain.codes`` (loaded late so this module stands alone)."""
    codes = importlib.import_module("attune.attendance.domain.codes")
    unknown: type[Exception] = getattr(codes, "UnknownCodeError", ValueError)

    def effective(raw: str, on: date) -> str:
        try:
            result = codes.read_code(raw, on)
        except unknown as exc:
            raise CodeError(str(exc), getattr(exc, "code", "code.unknown")) from exc
        # Accept a plain string, a StrEnum, or an object naming its effective code.
        for attribute in ("effective", "code"):
            inner = getattr(result, attribute, None)
            if inner is not None and not isinstance(result, str):
                return str(getattr(inner, "value", inner))
        return str(getattr(result, "value", result))

    return effective


class _UpnCache:
    """Validates each distinct UPN once: a pupil has hundreds of marks in one file."""

    def __init__(self, validate: UpnValidator) -> None:
        self._validate = validate
        self._seen: dict[str, str | ValueError] = {}

    def __call__(self, raw: str) -> str:
        if raw not in self._seen:
            try:
                self._seen[raw] = self._validate(raw)
            except ValueError as exc:
                self._seen[raw] = exc
        result = self._seen[raw]
        if isinstance(result, ValueError):
            raise result
        return result


def _date(check: RowChecker, today: date) -> date | None:
    when = check.iso_date("date")
    if when is not None and when > today:
        check.fail("date", f"{when.isoformat()} is in the future.", "date.future")
        return None
    if when is not None and when < EARLIEST:
        check.fail("date", out_of_range(when, today) or "", "date.out_of_range")
        return None
    return when


def _session(check: RowChecker) -> str:
    value = check.required("session").upper()
    if value and value not in SESSIONS:
        check.fail("session", f"'{value}' isn't a session: use AM or PM.", "session.invalid")
    return value


def _code(check: RowChecker, mapper: CodeMapper, when: date) -> tuple[str, str]:
    raw = check.required("code")
    if not raw:
        return "", ""
    try:
        return mapper(raw, when), raw
    except ValueError as exc:
        check.fail("code", str(exc), str(getattr(exc, "code", "code.unknown")))
        return "", raw


def _minutes_late(check: RowChecker, code: str) -> int | None:
    raw = check.text("minutes_late")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_MINUTES_LATE:
        check.fail(
            "minutes_late",
            f"'{raw}' should be a whole number of minutes from 0 to {MAX_MINUTES_LATE}.",
            "minutes_late.invalid",
        )
        return None
    if code and code not in LATE_CODES:
        check.fail(
            "minutes_late",
            f"Minutes late only go with the codes L and U, not {code}.",
            "minutes_late.not_late",
        )
        return None
    return int(raw)


def _mark(
    check: RowChecker, today: date, validate: UpnValidator, mapper: CodeMapper
) -> MarkRow | None:
    check.no_nul_bytes()
    urn = check.required("school_urn")
    if urn and not (len(urn) == 6 and urn.isascii() and urn.isdigit()):
        check.fail("school_urn", f"'{urn}' isn't a school URN (six digits).", "urn.invalid")
    upn = checked_upn(check, validate)
    when = _date(check, today)
    session = _session(check)
    code, original = _code(check, mapper, when or today)
    minutes = _minutes_late(check, code)
    if check.errors or when is None:
        return None
    return MarkRow(check.number, urn, upn, when, session, code, original, minutes)


class _SeenSessions:
    """Which (pupil, date, session) marks the file has had, and on which row."""

    def __init__(self) -> None:
        self._by_upn: dict[str, dict[tuple[date, str], int]] = {}

    def first_row(self, mark: MarkRow) -> int | None:
        sessions = self._by_upn.get(mark.upn)
        if sessions is None:
            sessions = self._by_upn[mark.upn] = {}
        first = sessions.setdefault((mark.date, mark.session), mark.row)
        return None if first == mark.row else first


def _fast_records(stream: IO[bytes] | IO[str]) -> Iterator[tuple[int, list[str]] | RowError]:
    """``csv_records``, decoding in C for a seekable byte stream (a file or an upload).

    Decoding in large chunks cannot say on which row a bad byte sits, so on a decoding error
    the file is read again from the start the slow way, which names the row; the rows already
    given out are skipped.
    """
    if not (isinstance(stream.read(0), bytes) and stream.seekable()):
        yield from csv_records(stream)
        return
    start = stream.tell()
    text = io.TextIOWrapper(cast(IO[bytes], stream), encoding="utf-8-sig", newline="")
    number = given = 0
    try:
        for cells in csv.reader(text, strict=True):
            number += 1
            if "".join(cells).strip():
                given += 1
                yield number, cells
    except UnicodeDecodeError:
        pass
    except csv.Error:
        # Same error, same row as the slow reader: let it word the message.
        pass
    else:
        return
    finally:
        text.detach()  # leave the caller's stream open
    stream.seek(start)
    yield from itertools.islice(csv_records(stream), given, None)


def _rows(
    stream: IO[bytes] | IO[str],
) -> Iterator[tuple[int, list[str], list[str]] | RowError]:
    """Like ``split_records``, but yields ``(row, stripped cells, header)``: no dict per row."""
    return checked_records(_fast_records(stream), REQUIRED_COLUMNS, OPTIONAL_COLUMNS, "marks")


class _FastRow:
    """The common case, a good row, checked from caches; ``None`` sends the row the slow way.

    A year's file repeats the same few dates, codes, sessions and UPNs hundreds of thousands of
    times, so each distinct value is checked once. Anything unusual (a problem, or
    ``minutes_late``) returns ``None`` and the row goes through ``_mark``, which reports every
    problem; both ways give the same ``MarkRow`` for a good row (a property test holds them to
    it).
    """

    def __init__(self, today: date, validate: UpnValidator, mapper: CodeMapper) -> None:
        self.today, self.validate, self.mapper = today, validate, mapper
        self.dates: dict[str, date | None] = {}
        # Each code read once for each side of 19 August 2024, when its meaning may change.
        self.codes_before: dict[str, str | None] = {}
        self.codes_since: dict[str, str | None] = {}

    def use_header(self, header: list[str]) -> None:
        self.header = header
        self.at = [header.index(name) for name in REQUIRED_COLUMNS]
        self.late_at = header.index("minutes_late") if "minutes_late" in header else None

    def __call__(self, number: int, cells: list[str]) -> MarkRow | None:
        urn, raw_upn, raw_date, raw_session, raw_code = (cells[i] for i in self.at)
        if self.late_at is not None and cells[self.late_at]:
            return None
        if not (len(urn) == 6 and urn.isascii() and urn.isdigit()):
            return None
        when = self._date(raw_date)
        if when is None:
            return None
        session = raw_session.upper()
        code = self._code(raw_code, when)
        if code is None or session not in SESSIONS or not raw_upn:
            return None
        try:
            upn = self.validate(raw_upn)
        except ValueError:
            return None
        return MarkRow(number, urn, upn, when, session, code, raw_code, None)

    def _date(self, raw: str) -> date | None:
        if raw not in self.dates:
            parsed = parse_iso_date(raw)
            fits = parsed is not None and EARLIEST <= parsed <= self.today
            self.dates[raw] = parsed if fits else None
        return self.dates[raw]

    def _code(self, raw: str, when: date) -> str | None:
        codes = self.codes_before if when < CHANGE_DAY else self.codes_since
        if raw not in codes:
            try:
                codes[raw] = self.mapper(raw, when) if raw else None
            except ValueError:
                codes[raw] = None
        return codes[raw]


def iter_marks(
    stream: IO[bytes] | IO[str],
    *,
    today: date,
    validate_upn: UpnValidator | None = None,
    code_mapper: CodeMapper | None = None,
    fast_path: bool = True,
) -> Iterator[MarkRow | RowError]:
    """Stream a session-marks CSV, yielding good rows and every problem in file order.

    ``fast_path=False`` checks every row the slow, fully reporting way (for tests).
    """
    validate = _UpnCache(validate_upn or default_upn_validator())
    mapper = code_mapper or default_code_mapper()
    seen = _SeenSessions()
    fast = _FastRow(today, validate, mapper)
    header: list[str] | None = None
    for item in (
        _rows(stream) if fast_path else split_records(stream, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    ):
        if isinstance(item, RowError):
            yield item
            continue
        if isinstance(item[1], dict):  # the slow path, for tests
            mark, number, values = None, item[0], item[1]
        else:
            number, cells, row_header = item
            if row_header is not header:
                header = row_header
                fast.use_header(header)
            mark = fast(number, cells)
            values = {} if mark is not None else dict(zip(header, cells, strict=True))
        if mark is None:
            check = RowChecker(number, values)
            mark = _mark(check, today, validate, mapper)
            if mark is None:
                yield from check.errors
                continue
        first = seen.first_row(mark)
        if first is not None:
            yield RowError(
                mark.row,
                "session",
                f"Pupil {mark.upn} already has a {mark.session} mark for "
                f"{mark.date.isoformat()} on row {first}; keep one of the two rows.",
                "mark.duplicate",
            )
            continue
        yield mark


def parse_marks(
    stream: IO[bytes] | IO[str],
    *,
    today: date,
    validate_upn: UpnValidator | None = None,
    code_mapper: CodeMapper | None = None,
) -> ParseResult[MarkRow]:
    """Parse a whole session-marks CSV into rows and every problem (small files, tests)."""
    rows: list[MarkRow] = []
    errors: list[RowError] = []
    for item in iter_marks(stream, today=today, validate_upn=validate_upn, code_mapper=code_mapper):
        if isinstance(item, RowError):
            errors.append(item)
        else:
            rows.append(item)
    return ParseResult(tuple(rows), tuple(errors))
