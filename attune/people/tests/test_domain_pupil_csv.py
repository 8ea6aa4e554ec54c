import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune.people.domain.pupil_csv import (
    FLAG_COLUMNS,
    YEAR_GROUPS,
    PupilRow,
    RowError,
    iter_rows_as_csv,
    normalise_year_group,
    parse_pupils,
)

TODAY = date(2026, 11, 23)
_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def make_upn(body: str) -> str:
    """A UPN with a correct check letter for a 12-digit body (DfE modulus-23 scheme)."""
    total = sum(int(c) * weight for weight, c in enumerate(body, start=2))
    return _CHECK_LETTERS[total % 23] + body


class FakeUpnError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def fake_validate_upn(value: str) -> str:
    """Stand-in for attune.people.domain.upn.validate_upn until it lands."""
    upn = value.strip().upper()
    if len(upn) != 13 or not upn[1:].isdigit():
        raise FakeUpnError(f"'{value}' isn't 13 characters long.", "upn.format")
    if make_upn(upn[1:]) != upn:
        raise FakeUpnError(f"The check letter of '{value}' is wrong.", "upn.check_letter")
    return upn


UPN_A = make_upn("823200124001")
UPN_B = make_upn("823200124002")
HEADER = (
    "school_urn,upn,legal_forename,legal_surname,preferred_name,date_of_birth,sex,year_group,"
    "registration_group"
)


def parse(text: str) -> tuple[tuple[PupilRow, ...], tuple[RowError, ...]]:
    result = parse_pupils(io.StringIO(text), today=TODAY, validate_upn=fake_validate_upn)
    return result.rows, result.errors


def one_error(text: str) -> RowError:
    _rows, errors = parse(text)
    assert len(errors) == 1, errors
    return errors[0]


def test_good_file_with_cohort_columns() -> None:
    text = (
        HEADER + "," + ",".join(FLAG_COLUMNS) + ",sen\n"
        f"123456,{UPN_A},Amara,Okafor,Ami,2015-03-02,F,6,6B,Y,N,,,,,Y,N,K\n"
        f"123456,{UPN_B.lower()},Tom,Hughes,,2021-09-30,m,r,,,,,,,,,,\n"
    )
    rows, errors = parse(text)
    assert errors == ()
    amara, tom = rows
    assert amara.row == 2 and amara.upn == UPN_A and amara.preferred_name == "Ami"
    assert amara.date_of_birth == date(2015, 3, 2) and amara.year_group == "6"
    assert (amara.looked_after, amara.previously_looked_after, amara.child_in_need) == (
        True,
        False,
        None,
    )
    assert amara.fsm is True and amara.eal is False and amara.sen == "K"
    assert tom.upn == UPN_B and tom.sex == "M" and tom.year_group == "R"
    assert tom.preferred_name is None and tom.registration_group is None and tom.sen is None


def test_optional_columns_absent_mean_not_recorded() -> None:
    (row,), _ = parse(f"{HEADER}\n123456,{UPN_A},A,B,,2015-03-02,F,N2,\n")
    assert all(getattr(row, name) is None for name in FLAG_COLUMNS) and row.sen is None


def test_bytes_with_bom_and_crlf() -> None:
    data = ("\ufeff" + HEADER + f"\r\n123456,{UPN_A},Zoë,Brontë,,2015-03-02,F,1,1A\r\n").encode()
    result = parse_pupils(io.BytesIO(data), today=TODAY, validate_upn=fake_validate_upn)
    assert result.ok and result.rows[0].legal_forename == "Zoë"


def test_text_stream_with_bom() -> None:
    rows, errors = parse("\ufeff" + HEADER + f"\n123456,{UPN_A},A,B,,2015-03-02,F,1,1A\n")
    assert errors == () and len(rows) == 1


def test_latin1_is_refused_clearly() -> None:
    data = (HEADER + f"\n123456,{UPN_A},Zoë,B,,2015-03-02,F,1,1A\n").encode("latin-1")
    result = parse_pupils(io.BytesIO(data), today=TODAY, validate_upn=fake_validate_upn)
    (error,) = result.errors
    assert error.code == "file.encoding" and "UTF-8" in error.message
    assert result.rows == ()


@pytest.mark.parametrize(
    ("cells", "field", "code"),
    [
        ("12345,{a},A,B,,2015-03-02,F,1,", "school_urn", "urn.invalid"),
        (",{a},A,B,,2015-03-02,F,1,", "school_urn", "value.required"),
        ("123456,,A,B,,2015-03-02,F,1,", "upn", "value.required"),
        ("123456,A823200124001,A,B,,2015-03-02,F,1,", "upn", "upn.check_letter"),
        ("123456,X12,A,B,,2015-03-02,F,1,", "upn", "upn.format"),
        ("123456,{a},,B,,2015-03-02,F,1,", "legal_forename", "value.required"),
        ("123456,{a},A,,,2015-03-02,F,1,", "legal_surname", "value.required"),
        ("123456,{a},A,B,,02/03/2015,F,1,", "date_of_birth", "date.format"),
        ("123456,{a},A,B,,2015-02-30,F,1,", "date_of_birth", "date.format"),
        ("123456,{a},A,B,,2027-01-01,F,1,", "date_of_birth", "date.future"),
        ("123456,{a},A,B,,2025-06-01,F,N1,", "date_of_birth", "date.implausible_age"),
        ("123456,{a},A,B,,1990-06-01,F,14,", "date_of_birth", "date.implausible_age"),
        ("123456,{a},A,B,,,F,1,", "date_of_birth", "value.required"),
        ("123456,{a},A,B,,2015-03-02,X,1,", "sex", "sex.invalid"),
        ("123456,{a},A,B,,2015-03-02,U,1,", "sex", "sex.invalid"),
        ("123456,{a},A,B,,2015-03-02,F,15,", "year_group", "year_group.invalid"),
        ("123456,{a},A,B,,2015-03-02,F,Reception,", "year_group", "year_group.invalid"),
        ("123456,{a},A," + "B" * 101 + ",,2015-03-02,F,1,", "legal_surname", "value.too_long"),
        ("123456,{a},A,B,,2015-03-02,F,1," + "6" * 21, "registration_group", "value.too_long"),
    ],
)
def test_each_value_problem_names_row_and_field(cells: str, field: str, code: str) -> None:
    error = one_error(f"{HEADER}\n123456,{UPN_B},A,B,,2015-03-02,F,1,\n" + cells.format(a=UPN_A))
    assert (error.row, error.field, error.code) == (3, field, code)
    assert error.message


@pytest.mark.parametrize(("value", "code"), [("yes", "flag.invalid"), ("1", "flag.invalid")])
def test_bad_flag(value: str, code: str) -> None:
    error = one_error(f"{HEADER},fsm\n123456,{UPN_A},A,B,,2015-03-02,F,1,,{value}\n")
    assert (error.row, error.field, error.code) == (2, "fsm", code)


def test_bad_sen() -> None:
    error = one_error(f"{HEADER},sen\n123456,{UPN_A},A,B,,2015-03-02,F,1,,S\n")
    assert (error.row, error.field, error.code) == (2, "sen", "sen.invalid")


def test_every_problem_in_a_row_and_file_is_reported() -> None:
    text = (
        f"{HEADER},eal\n"
        "12,BAD,,B,,2015-13-01,Q,99,,maybe\n"
        f"123456,{UPN_A},A,B,,2015-03-02,F,1,,\n"
        "1,2,3\n"
    )
    rows, errors = parse(text)
    assert [(e.row, e.field) for e in errors] == [
        (2, "school_urn"),
        (2, "upn"),
        (2, "legal_forename"),
        (2, "date_of_birth"),
        (2, "sex"),
        (2, "year_group"),
        (2, "eal"),
        (4, ""),
    ]
    assert errors[-1].code == "row.field_count"
    assert [r.row for r in rows] == [3]


def test_duplicate_upn_names_both_rows_even_when_other_values_are_bad() -> None:
    text = (
        f"{HEADER}\n"
        f"123456,{UPN_A},A,B,,2015-03-02,F,1,\n"
        f"123456,{UPN_B},C,D,,2015-03-02,F,1,\n"
        f"123456,{UPN_A.lower()},E,F,,2015-03-02,Z,1,\n"
    )
    _, errors = parse(text)
    duplicate = next(e for e in errors if e.code == "upn.duplicate")
    assert (duplicate.row, duplicate.field) == (4, "upn")
    assert "row 2" in duplicate.message and "row 4" in duplicate.message


def test_missing_required_columns_reported_once_on_row_one() -> None:
    rows, errors = parse("school_urn,upn,legal_surname,shoe_size\n123456,x,y,z\n")
    assert rows == ()
    missing, unknown = errors
    assert (missing.row, missing.code) == (1, "header.missing_column")
    for name in ("legal_forename", "date_of_birth", "sex", "year_group"):
        assert name in missing.message
    assert (unknown.row, unknown.field, unknown.code) == (1, "shoe_size", "header.unknown")


def test_unknown_and_repeated_columns_still_check_rows() -> None:
    rows, errors = parse(f"{HEADER},notes,fsm,fsm\n123456,{UPN_A},A,B,,2015-03-02,F,1,,hi,Y,Y\n")
    assert [(e.row, e.field, e.code) for e in errors] == [
        (1, "notes", "header.unknown"),
        (1, "fsm", "header.duplicate"),
    ]
    assert len(rows) == 1


@pytest.mark.parametrize(
    ("text", "code", "row"),
    [
        ("", "file.empty", 1),
        ("\n\n", "file.empty", 1),
        (HEADER + "\n", "file.no_rows", 2),
        (HEADER + "\n,,,,,,,,\n", "file.no_rows", 2),
        (HEADER + '\n123456,"unterminated\n', "file.malformed", 2),
    ],
)
def test_file_level_problems(text: str, code: str, row: int) -> None:
    error = one_error(text)
    assert (error.code, error.row) == (code, row)


def test_quoted_multiline_cell_counts_as_one_spreadsheet_row() -> None:
    text = f'{HEADER}\n123456,{UPN_A},"Mary\nAnne",B,,2015-03-02,F,1,\n123456,{UPN_B},A,B,,x,F,1,\n'
    error = one_error(text)
    assert (error.row, error.field) == (3, "date_of_birth")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("R", "R"), ("n1", "N1"), ("07", "7"), ("Y7", "7"), ("Year 11", "11"), ("0", None)],
)
def test_year_group_spellings(raw: str, expected: str | None) -> None:
    assert normalise_year_group(raw) == expected


def test_real_upn_validator_is_the_default() -> None:
    upn_module = pytest.importorskip("attune.people.domain.upn")
    result = parse_pupils(
        io.StringIO(f"{HEADER}\n123456,{UPN_A},A,B,,2015-03-02,F,1,\n"), today=TODAY
    )
    assert result.ok, result.errors
    assert upn_module.validate_upn(UPN_A) == UPN_A


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_only_ever_give_row_errors(data: bytes) -> None:
    result = parse_pupils(io.BytesIO(data), today=TODAY, validate_upn=fake_validate_upn)
    assert all(isinstance(e, RowError) for e in result.errors)
    assert all(row.row >= 2 for row in result.rows)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from([*list(HEADER[:40]), ",", "\n", '"', "Y", "é"])))
def test_random_text_with_a_real_header_never_raises(tail: str) -> None:
    _rows, errors = parse(HEADER + "\n" + tail)
    assert all(isinstance(e, RowError) and e.row >= 1 for e in errors)


_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("C", "Z")), min_size=1, max_size=20
)
_pupils = st.builds(
    PupilRow,
    row=st.just(0),
    school_urn=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    upn=st.integers(0, 10**12 - 1).map(lambda n: make_upn(f"{n:012d}")),
    legal_forename=_names,
    legal_surname=_names,
    preferred_name=st.none() | _names,
    date_of_birth=st.dates(date(2002, 1, 1), date(2024, 1, 1)),
    sex=st.sampled_from(["M", "F"]),
    year_group=st.sampled_from(YEAR_GROUPS),
    registration_group=st.none() | _names,
    **{name: st.none() | st.booleans() for name in FLAG_COLUMNS},
    sen=st.sampled_from([None, "N", "K", "E"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pupils, min_size=1, max_size=8, unique_by=lambda p: p.upn))
def test_valid_rows_round_trip_through_csv(pupils: list[PupilRow]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(iter_rows_as_csv(pupils))
    data = buffer.getvalue().encode("utf-8-sig")
    result = parse_pupils(io.BytesIO(data), today=TODAY, validate_upn=fake_validate_upn)
    assert result.errors == ()
    expected = [
        PupilRow(**{**{f: getattr(p, f) for f in PupilRow.__slots__}, "row": n})
        for n, p in enumerate(pupils, start=2)
    ]
    assert list(result.rows) == expected


def test_non_ascii_digits_are_not_a_urn_or_date() -> None:
    _, errors = parse(f"{HEADER}\n10000\u0660,{UPN_A},A,B,,2015-03-0\u0662,F,1,\n")
    assert [(e.field, e.code) for e in errors] == [
        ("school_urn", "urn.invalid"),
        ("date_of_birth", "date.format"),
    ]
