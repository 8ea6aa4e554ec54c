import csv
import io
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.attendance.domain.marks_csv import (
    CodeError,
    MarkRow,
    iter_marks,
    parse_marks,
)
from attune.people.domain.pupil_csv import RowError
from attune.people.tests.test_domain_pupil_csv import fake_validate_upn, make_upn

TODAY = date(2026, 11, 23)
CURRENT = set("/\\LKVPWBMSCEIRTGNOUQXDZ#") | {"C1", "C2", "J1"} | {f"Y{n}" for n in range(1, 8)}
RETIRED = {"H": "C", "F": "C", "J": "J1", "Y": "Y7"}


def fake_code_mapper(raw: str, on: date) -> str:
    """Stand-in for the codes module: current codes pass, retired ones keep their letter
    before 19 August 2024 and map after it, others fail."""
    code = raw.strip().upper()
    if code in CURRENT:
        return code
    if code in RETIRED:
        return code if on < date(2024, 8, 19) else RETIRED[code]
    if re.fullmatch(r"X\d\d", code):
        return "X"
    raise CodeError(f"'{raw}' isn't a register code we know.")


UPN_A = make_upn("823200124001")
UPN_B = make_upn("823200124002")
HEADER = "school_urn,upn,date,session,code,minutes_late"


def parse(text: str) -> tuple[tuple[MarkRow, ...], tuple[RowError, ...]]:
    result = parse_marks(
        io.StringIO(text),
        today=TODAY,
        validate_upn=fake_validate_upn,
        code_mapper=fake_code_mapper,
    )
    return result.rows, result.errors


def test_good_file() -> None:
    rows, errors = parse(
        f"{HEADER}\n"
        f"123456,{UPN_A},2026-09-07,AM,/,\n"
        f"123456,{UPN_A},2026-09-07,pm,L,12\n"
        f"123456,{UPN_B},2026-09-07,AM,H,\n"
        f"123456,{UPN_B},2026-09-07,PM,X07,\n"
    )
    assert errors == ()
    assert [(r.row, r.session, r.code, r.original_code, r.minutes_late) for r in rows] == [
        (2, "AM", "/", "/", None),
        (3, "PM", "L", "L", 12),
        (4, "AM", "C", "H", None),
        (5, "PM", "X", "X07", None),
    ]
    assert rows[0].date == date(2026, 9, 7) and rows[0].upn == UPN_A


def test_minutes_late_column_is_optional() -> None:
    rows, errors = parse(f"school_urn,upn,date,session,code\n123456,{UPN_A},2026-09-07,AM,U\n")
    assert errors == () and rows[0].minutes_late is None


@pytest.mark.parametrize(
    ("cells", "field", "code"),
    [
        ("12345a,{a},2026-09-07,AM,/,", "school_urn", "urn.invalid"),
        ("123456,{bad},2026-09-07,AM,/,", "upn", "upn.check_letter"),
        ("123456,{a},07/09/2026,AM,/,", "date", "date.format"),
        ("123456,{a},2026-09-31,AM,/,", "date", "date.format"),
        ("123456,{a},2026-11-24,AM,/,", "date", "date.future"),
        ("123456,{a},2026-09-07,EVE,/,", "session", "session.invalid"),
        ("123456,{a},2026-09-07,,/,", "session", "value.required"),
        ("123456,{a},2026-09-07,AM,Q9,", "code", "code.unknown"),
        ("123456,{a},2026-09-07,AM,,", "code", "value.required"),
        ("123456,{a},2026-09-07,AM,L,-3", "minutes_late", "minutes_late.invalid"),
        ("123456,{a},2026-09-07,AM,L,ten", "minutes_late", "minutes_late.invalid"),
        ("123456,{a},2026-09-07,AM,L,301", "minutes_late", "minutes_late.invalid"),
        ("123456,{a},2026-09-07,AM,/,5", "minutes_late", "minutes_late.not_late"),
    ],
)
def test_each_problem_names_row_and_field(cells: str, field: str, code: str) -> None:
    bad = "A" + UPN_A[1:] if UPN_A[0] != "A" else "B" + UPN_A[1:]
    text = f"{HEADER}\n123456,{UPN_B},2026-09-07,AM,/,\n" + cells.format(a=UPN_A, bad=bad)
    rows, errors = parse(text)
    assert [(e.row, e.field, e.code) for e in errors] == [(3, field, code)]
    assert errors[0].message and [r.row for r in rows] == [2]


def test_duplicate_session_names_both_rows() -> None:
    _, errors = parse(
        f"{HEADER}\n"
        f"123456,{UPN_A},2026-09-07,AM,/,\n"
        f"123456,{UPN_A},2026-09-07,PM,\\,\n"
        f"123456,{UPN_A.lower()},2026-09-07,am,N,\n"
    )
    (error,) = errors
    assert (error.row, error.field, error.code) == (4, "session", "mark.duplicate")
    assert "row 2" in error.message


def test_every_bad_row_is_reported_and_header_checked() -> None:
    _, errors = parse(
        "school_urn,upn,date,code,colour\n"  # no session column
        f"123456,{UPN_A},2026-09-07,/,red\n"
    )
    assert [(e.row, e.code) for e in errors] == [
        (1, "header.missing_column"),
        (1, "header.unknown"),
    ]
    assert errors[0].field == "session"


def test_iter_marks_streams_rows_and_errors_in_file_order() -> None:
    lines = [HEADER] + [
        f"123456,{UPN_A},2026-09-{day:02d},AM,{'?' if day == 3 else '/'}," for day in range(1, 6)
    ]
    items = list(
        iter_marks(
            io.StringIO("\n".join(lines)),
            today=TODAY,
            validate_upn=fake_validate_upn,
            code_mapper=fake_code_mapper,
        )
    )
    assert [type(i).__name__ for i in items] == ["MarkRow"] * 2 + ["RowError"] + ["MarkRow"] * 2
    assert isinstance(items[2], RowError) and items[2].row == 4


def test_iter_marks_is_lazy() -> None:
    """A huge file is not read ahead: the first row arrives before the rest are parsed."""

    body = "".join(f"123456,{UPN_A},2026-01-{1 + n % 28:02d},AM,/,\n" for n in range(1000))
    stream = io.StringIO(HEADER + "\n" + body)
    marks = iter_marks(
        stream, today=TODAY, validate_upn=fake_validate_upn, code_mapper=fake_code_mapper
    )
    first = next(marks)
    assert isinstance(first, MarkRow) and first.row == 2
    assert stream.tell() < len(stream.getvalue())


def test_latin1_bytes_refused_and_bom_accepted() -> None:
    bad = parse_marks(
        io.BytesIO((HEADER + f"\n123456,{UPN_A},2026-09-07,AM,/,é\n").encode("latin-1")),
        today=TODAY,
        validate_upn=fake_validate_upn,
        code_mapper=fake_code_mapper,
    )
    assert [e.code for e in bad.errors] == ["file.encoding"]
    good = parse_marks(
        io.BytesIO((HEADER + f"\r\n123456,{UPN_A},2026-09-07,AM,/,\r\n").encode("utf-8-sig")),
        today=TODAY,
        validate_upn=fake_validate_upn,
        code_mapper=fake_code_mapper,
    )
    assert good.ok and len(good.rows) == 1


def test_empty_file() -> None:
    _, errors = parse("")
    assert [(e.row, e.code) for e in errors] == [(1, "file.empty")]


def test_real_codes_module_is_the_default() -> None:
    pytest.importorskip("attune.attendance.domain.codes")
    result = parse_marks(
        io.StringIO(
            f"{HEADER}\n123456,{UPN_A},2026-09-07,AM,H,\n123456,{UPN_A},2026-09-07,PM,?,\n"
        ),
        today=TODAY,
        validate_upn=fake_validate_upn,
    )
    assert [r.code for r in result.rows] == ["C"]
    assert [(e.row, e.field) for e in result.errors] == [(3, "code")]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_only_ever_give_row_errors(data: bytes) -> None:
    for item in iter_marks(
        io.BytesIO(data), today=TODAY, validate_upn=fake_validate_upn, code_mapper=fake_code_mapper
    ):
        assert isinstance(item, MarkRow | RowError)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('0123456789-,\n"AMPLU/\\' + UPN_A))))
def test_random_text_under_a_header_never_raises(tail: str) -> None:
    _, errors = parse(HEADER + "\n" + tail)
    assert all(e.row >= 1 for e in errors)


_marks = st.builds(
    lambda urn, n, day, session, code, late: (urn, make_upn(f"{n:012d}"), day, session, code, late),
    st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    st.integers(0, 20),
    st.dates(date(2023, 9, 1), TODAY),
    st.sampled_from(["AM", "PM"]),
    st.sampled_from(sorted(CURRENT)),
    st.none() | st.integers(0, 300),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_marks, min_size=1, max_size=10, unique_by=lambda m: (m[1], m[2], m[3])))
def test_valid_rows_round_trip_through_csv(marks: list[tuple[object, ...]]) -> None:
    rows = [(*m[:5], m[5] if m[4] in ("L", "U") else None) for m in marks]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER.split(","))
    for urn, upn, day, session, code, late in rows:
        assert isinstance(day, date)
        writer.writerow([urn, upn, day.isoformat(), session, code, "" if late is None else late])
    parsed, errors = parse(buffer.getvalue())
    assert errors == ()
    assert [(r.school_urn, r.upn, r.date, r.session, r.code, r.minutes_late) for r in parsed] == (
        rows
    )
