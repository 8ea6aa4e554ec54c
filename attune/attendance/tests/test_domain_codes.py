"""The register code table and reading marks, including codes retired in August 2024."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.attendance.domain.codes import (
    CODES,
    RETIRED_CODES,
    Category,
    Group,
    UnknownCodeError,
    parse_code,
)

# The August 2024 table, category by category (shared/domain/attendance.md).
EXPECTED = {
    Category.PRESENT: {"/", "\\", "L"},
    Category.APPROVED_ACTIVITY: {"K", "V", "P", "W", "B"},
    Category.AUTHORISED: {"C1", "M", "J1", "S", "C2", "C", "E", "I", "R", "T"},
    Category.UNAUTHORISED: {"G", "N", "O", "U"},
    Category.NOT_COUNTED: {"Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "X", "D"},
    Category.ADMINISTRATIVE: {"Z", "#"},
}


def test_table_holds_exactly_the_august_2024_codes() -> None:
    for category, codes in EXPECTED.items():
        assert {c.code for c in CODES.values() if c.category is category} == codes
    assert len(CODES) == sum(len(codes) for codes in EXPECTED.values()) == 34


@pytest.mark.parametrize("code", sorted(CODES))
def test_possible_session_follows_the_category(code: str) -> None:
    entry = CODES[code]
    counted = entry.category not in (Category.NOT_COUNTED, Category.ADMINISTRATIVE)
    assert entry.possible is counted
    assert entry.code == code
    assert entry.description


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("L", Group.PRESENT),
        ("K", Group.APPROVED_ACTIVITY),
        ("C2", Group.LEAVE_OF_ABSENCE),
        ("J1", Group.LEAVE_OF_ABSENCE),
        ("E", Group.OTHER_AUTHORISED),
        ("T", Group.OTHER_AUTHORISED),
        ("U", Group.UNAUTHORISED),
        ("Y5", Group.UNABLE_TO_ATTEND),
        ("Q", Group.UNABLE_TO_ATTEND),
        ("X", Group.NOT_REQUIRED),
        ("D", Group.NOT_REQUIRED),
        ("#", Group.ADMINISTRATIVE),
    ],
)
def test_groups(code: str, group: Group) -> None:
    assert CODES[code].group is group


@pytest.mark.parametrize(
    ("code", "absence", "attending"),
    [
        ("/", False, True),
        ("B", False, True),
        ("I", True, False),
        ("N", True, False),
        ("Y4", False, False),
        ("Z", False, False),
    ],
)
def test_absence_and_attending_flags(code: str, absence: bool, attending: bool) -> None:
    assert CODES[code].is_absence is absence
    assert CODES[code].is_attending is attending


@pytest.mark.parametrize("code", sorted(CODES))
def test_current_codes_parse_to_themselves(code: str) -> None:
    mark = parse_code(code)
    assert (mark.code, mark.original, mark.was_mapped) == (code, code, False)
    assert mark.register_code is CODES[code]


@pytest.mark.parametrize(
    ("raw", "code", "category"),
    [
        ("H", "C", Category.AUTHORISED),
        ("F", "C", Category.AUTHORISED),
        ("J", "J1", Category.AUTHORISED),
        ("Y", "Y7", Category.NOT_COUNTED),
        ("X01", "X", Category.NOT_COUNTED),
        ("X99", "X", Category.NOT_COUNTED),
        ("x12", "X", Category.NOT_COUNTED),
    ],
)
def test_retired_codes_map_and_keep_the_original(raw: str, code: str, category: Category) -> None:
    mark = parse_code(raw)
    assert mark.code == code
    assert mark.original == raw.upper()
    assert mark.was_mapped
    assert mark.register_code.category is category


def test_retired_codes_all_point_at_current_codes() -> None:
    assert set(RETIRED_CODES.values()) <= set(CODES)
    assert not set(RETIRED_CODES) & set(CODES)


def test_parse_tolerates_case_and_spaces() -> None:
    assert parse_code(" i ").code == "I"
    assert parse_code("j1").code == "J1"


@pytest.mark.parametrize(
    "raw", ["", "  ", "A", "Y8", "Y0", "C3", "X00", "X100", "X1", "J2", "//", "-", "LL", "I I"]
)
def test_unknown_codes_are_errors_not_guesses(raw: str) -> None:
    with pytest.raises(UnknownCodeError) as caught:
        parse_code(raw)
    assert caught.value.code == "attendance.unknown_code"
    assert caught.value.raw == raw
    assert "recognise" in str(caught.value)


@given(st.text(max_size=4))
def test_parse_either_returns_a_known_code_or_refuses(raw: str) -> None:
    try:
        mark = parse_code(raw)
    except UnknownCodeError as error:
        assert error.code == "attendance.unknown_code"
    else:
        assert mark.code in CODES
