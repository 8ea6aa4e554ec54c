"""The register code tables and reading a mark by its date, across 19 August 2024."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.attendance.domain.codes import (
    ALL_CODES,
    CHANGE_DAY,
    CODES,
    RETIRED,
    SUCCESSORS,
    Category,
    Group,
    UnknownCodeError,
    category,
    counted_as,
    read_code,
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
BEFORE = CHANGE_DAY - timedelta(days=1)  # Sunday 18 August 2024
X_SUBCODES = [f"X{n:02d}" for n in range(1, 100)]


def oracle(raw: str, on: date) -> Category:
    """What a mark counted as on its day, written out from the regulations independently of
    the module: the 2006 regulations' retired codes before 19 August 2024, the 2024 table from
    it. Only J changes category: an interview was an approved educational activity."""
    code = raw.strip().upper()
    if code == "J":
        return Category.APPROVED_ACTIVITY if on < date(2024, 8, 19) else Category.AUTHORISED
    if code in ("H", "F"):
        return Category.AUTHORISED
    if code == "Y" or (len(code) == 3 and code[0] == "X" and code[1:] != "00"):
        return Category.NOT_COUNTED
    return next(c for c, codes in EXPECTED.items() if code in codes)


written = st.sampled_from([*CODES, *RETIRED, *X_SUBCODES]).flatmap(
    lambda code: st.sampled_from([code, code.lower(), f" {code} "])
)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
near_the_change = st.integers(-400, 400).map(lambda n: CHANGE_DAY + timedelta(days=n))


def test_the_change_day_is_when_the_2024_regulations_came_in() -> None:
    assert date(2024, 8, 19) == CHANGE_DAY


def test_table_holds_exactly_the_august_2024_codes() -> None:
    for cat, codes in EXPECTED.items():
        assert {c.code for c in CODES.values() if c.category is cat} == codes
    assert len(CODES) == sum(len(codes) for codes in EXPECTED.values()) == 34


def test_the_retired_codes_and_their_meaning_before_the_change() -> None:
    assert {code: entry.category for code, entry in RETIRED.items()} == {
        "J": Category.APPROVED_ACTIVITY,
        "H": Category.AUTHORISED,
        "F": Category.AUTHORISED,
        "Y": Category.NOT_COUNTED,
    }
    assert not set(RETIRED) & set(CODES)
    assert set(SUCCESSORS) == set(RETIRED)
    assert set(SUCCESSORS.values()) <= set(CODES)
    assert ALL_CODES == {**CODES, **RETIRED}


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_possible_session_follows_the_category(code: str) -> None:
    entry = ALL_CODES[code]
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
        ("J", Group.APPROVED_ACTIVITY),
    ],
)
def test_groups(code: str, group: Group) -> None:
    assert ALL_CODES[code].group is group


@pytest.mark.parametrize(
    ("code", "absence", "attending"),
    [
        ("/", False, True),
        ("B", False, True),
        ("I", True, False),
        ("N", True, False),
        ("Y4", False, False),
        ("Z", False, False),
        ("J", False, True),
        ("J1", True, False),
    ],
)
def test_absence_and_attending_flags(code: str, absence: bool, attending: bool) -> None:
    assert ALL_CODES[code].is_absence is absence
    assert ALL_CODES[code].is_attending is attending


@pytest.mark.parametrize("code", sorted(CODES))
@pytest.mark.parametrize("on", [BEFORE, CHANGE_DAY])
def test_current_codes_read_as_themselves_on_either_side(code: str, on: date) -> None:
    mark = read_code(code, on)
    assert (mark.code, mark.original, mark.was_mapped) == (code, code, False)
    assert mark.register_code is CODES[code]


@pytest.mark.parametrize(
    ("raw", "before", "since", "category_before", "category_since"),
    [
        ("J", "J", "J1", Category.APPROVED_ACTIVITY, Category.AUTHORISED),
        ("H", "H", "C", Category.AUTHORISED, Category.AUTHORISED),
        ("F", "F", "C", Category.AUTHORISED, Category.AUTHORISED),
        ("Y", "Y", "Y7", Category.NOT_COUNTED, Category.NOT_COUNTED),
        ("X01", "X", "X", Category.NOT_COUNTED, Category.NOT_COUNTED),
        ("x12", "X", "X", Category.NOT_COUNTED, Category.NOT_COUNTED),
    ],
)
def test_retired_codes_at_the_edge(
    raw: str, before: str, since: str, category_before: Category, category_since: Category
) -> None:
    """18 August 2024 is the old rules' last day; 19 August the new rules' first."""
    old, new = read_code(raw, BEFORE), read_code(raw, CHANGE_DAY)
    assert (old.code, new.code) == (before, since)
    assert old.original == new.original == raw.upper()
    assert (category(raw, BEFORE), category(raw, CHANGE_DAY)) == (category_before, category_since)


def test_an_interview_in_october_2023_counts_as_attended() -> None:
    """The issue's pupil: nine present marks and one J in October 2023 attended 100%."""
    assert category("J", date(2023, 10, 10)) is Category.APPROVED_ACTIVITY
    assert category("J", date(2024, 10, 10)) is Category.AUTHORISED


@given(written, days)
def test_every_mark_reads_as_its_day_said(raw: str, on: date) -> None:
    assert category(raw, on) is oracle(raw, on)


@given(written, near_the_change)
def test_the_edge_is_19_august_2024(raw: str, on: date) -> None:
    assert category(raw, on) is oracle(raw, on)


@given(written, days)
def test_the_stored_code_alone_says_how_it_counts(raw: str, on: date) -> None:
    """Every figure sums stored codes: the stored code must carry the day's meaning, and
    reading it again on its day must give it back (a re-import changes nothing)."""
    mark = read_code(raw, on)
    assert counted_as(mark.code).category is category(raw, on)
    assert read_code(mark.code, on).code == mark.code
    assert mark.original == raw.strip().upper()


def test_read_tolerates_case_and_spaces() -> None:
    assert read_code(" i ", CHANGE_DAY).code == "I"
    assert read_code("j1", CHANGE_DAY).code == "J1"


@pytest.mark.parametrize(
    "raw", ["", "  ", "A", "Y8", "Y0", "C3", "X00", "X100", "X1", "J2", "//", "-", "LL", "I I"]
)
@pytest.mark.parametrize("on", [BEFORE, CHANGE_DAY])
def test_unknown_codes_are_errors_not_guesses(raw: str, on: date) -> None:
    with pytest.raises(UnknownCodeError) as caught:
        read_code(raw, on)
    assert caught.value.code == "attendance.unknown_code"
    assert caught.value.raw == raw
    assert "recognise" in str(caught.value)


def test_counted_as_refuses_an_unknown_stored_code() -> None:
    with pytest.raises(UnknownCodeError):
        counted_as("X01")  # stored as X, never as the sub-code


@given(st.text(max_size=4), days)
def test_read_either_returns_a_known_code_or_refuses(raw: str, on: date) -> None:
    try:
        mark = read_code(raw, on)
    except UnknownCodeError as error:
        assert error.code == "attendance.unknown_code"
    else:
        assert mark.code in ALL_CODES
        assert mark.code in CODES or on < CHANGE_DAY
