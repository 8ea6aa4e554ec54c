"""Unique Pupil Number checks: published examples, mistakes, and the check letter's reach."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.people.domain.upn import (
    CHECK_LETTERS,
    UpnError,
    make_upn,
    upn_check_letter,
    validate_upn,
)

DIGITS = "0123456789"

# Examples from the DfE UPN guidance (H801200001001, G80120000101A, as quoted in the STA's
# multiplication-tables-check tests), python-stdnum's doctest (B801200005001) and the
# children-in-need validator's tests (A950000178301, H243278544154).
KNOWN_VALID = [
    "H801200001001",
    "G80120000101A",
    "B801200005001",
    "A950000178301",
    "H243278544154",
]


@pytest.mark.parametrize("upn", KNOWN_VALID)
def test_published_examples_are_valid(upn: str) -> None:
    assert validate_upn(upn) == upn
    assert upn_check_letter(upn[1:]) == upn[0]


def test_validate_normalises_case_and_surrounding_space() -> None:
    assert validate_upn("  g80120000101a\n") == "G80120000101A"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Z801200001001", "upn.check_letter"),  # wrong check letter (should be H)
        ("A801200005001", "upn.check_letter"),  # wrong check letter (should be B)
        ("R247962919251", "upn.check_letter"),
        ("X428558133462", "upn.check_letter"),
        ("H801200001002", "upn.check_letter"),  # last digit mistyped
        ("H810200001001", "upn.check_letter"),  # two neighbours swapped
        ("H80120000100", "upn.length"),
        ("H8012000010011", "upn.length"),
        ("", "upn.length"),
        ("I801200001001", "upn.characters"),  # I is never a check letter
        ("1801200001001", "upn.characters"),
        ("H80120000A001", "upn.characters"),  # letters only allowed last
        ("H80120000101O", "upn.characters"),  # O is not in the letter table
        ("H801200001 01", "upn.characters"),
    ],
)
def test_bad_upns_are_rejected_with_a_code(value: str, code: str) -> None:
    with pytest.raises(UpnError) as caught:
        validate_upn(value)
    assert caught.value.code == code
    assert str(caught.value)  # a message people can read


def test_check_letter_needs_exactly_twelve_characters() -> None:
    with pytest.raises(UpnError) as caught:
        upn_check_letter("80120000100")
    assert caught.value.code == "upn.length"


def test_make_upn_matches_a_published_example() -> None:
    assert make_upn(801, 2000, 1, 1) == "H801200001001"
    assert make_upn(801, 2000, 1, 1, temporary_letter="A") == "G80120000101A"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((1000, 1, 1, 1), {}),
        ((801, 10000, 1, 1), {}),
        ((801, 1, 100, 1), {}),
        ((801, 1, 1, 1000), {}),
        ((801, 1, 1, -1), {}),
        ((801, 1, 1, 100), {"temporary_letter": "A"}),
        ((801, 1, 1, 1), {"temporary_letter": "S"}),
    ],
)
def test_make_upn_refuses_parts_out_of_range(
    args: tuple[int, int, int, int], kwargs: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match="must be"):
        make_upn(*args, temporary_letter=kwargs.get("temporary_letter"))


upn_parts = st.tuples(
    st.integers(0, 999), st.integers(0, 9999), st.integers(0, 99), st.integers(0, 999)
)


@st.composite
def valid_upns(draw: st.DrawFn) -> str:
    la, estab, year, serial = draw(upn_parts)
    if draw(st.booleans()):
        return make_upn(la, estab, year, serial)
    letter = draw(st.sampled_from(CHECK_LETTERS))
    return make_upn(la, estab, year, serial % 100, temporary_letter=letter)


@given(valid_upns())
def test_every_made_upn_validates(upn: str) -> None:
    assert validate_upn(upn) == upn


def _allowed_at(position: int) -> str:
    """Characters allowed at a 0-based position of a UPN."""
    if position == 0:
        return CHECK_LETTERS
    if position == 12:
        return DIGITS + CHECK_LETTERS
    return DIGITS


def _same_value(a: str, b: str) -> bool:
    # In position 13 digit d and the d-th letter of the table carry the same value.
    def value(char: str) -> int:
        return int(char) if char in DIGITS else CHECK_LETTERS.index(char)

    return value(a) == value(b)


@st.composite
def single_substitutions(draw: st.DrawFn) -> tuple[str, str, int]:
    upn = draw(valid_upns())
    position = draw(st.integers(0, 12))
    replacement = draw(st.sampled_from(_allowed_at(position)).filter(lambda c: c != upn[position]))
    return upn, upn[:position] + replacement + upn[position + 1 :], position


@given(single_substitutions())
def test_one_changed_character_is_caught_unless_it_keeps_the_same_value(
    case: tuple[str, str, int],
) -> None:
    original, changed, position = case
    harmless = position == 12 and _same_value(original[12], changed[12])
    if harmless:
        # The one blind spot: e.g. a final 0 read as A. The check letter cannot see it.
        assert validate_upn(changed) == changed
    else:
        with pytest.raises(UpnError) as caught:
            validate_upn(changed)
        assert caught.value.code == "upn.check_letter"


def test_the_blind_spot_is_real() -> None:
    # Permanent H801200001000 and temporary H80120000100A share a check letter.
    permanent = make_upn(801, 2000, 1, 0)
    temporary = make_upn(801, 2000, 1, 0, temporary_letter="A")
    assert permanent[0] == temporary[0]
    assert permanent[1:12] == temporary[1:12]
