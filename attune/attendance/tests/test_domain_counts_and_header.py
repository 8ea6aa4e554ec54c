"""``summarise_counts`` (sums from database counts) and ``read_ctf_header``."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.attendance.domain.calculations import summarise, summarise_counts
from attune.attendance.domain.codes import ALL_CODES
from attune.attendance.domain.ctf import CtfError, CtfSchool, read_ctf_header

FIXTURES = Path(__file__).parent / "fixtures"
ANY_CODE = st.sampled_from(sorted(ALL_CODES))  # every code a stored mark can hold


@given(st.lists(ANY_CODE, max_size=60))
def test_counts_give_the_same_sums_as_the_marks(codes: list[str]) -> None:
    assert summarise_counts(Counter(codes)) == summarise(codes)


def test_no_counts_means_no_rate() -> None:
    assert summarise_counts({}).attendance_pct is None


@pytest.mark.parametrize("name", ["ctf25_synthetic.xml", "ctf24_synthetic.xml"])
def test_header_names_the_sending_and_receiving_schools(name: str) -> None:
    header = read_ctf_header(FIXTURES / name)

    assert header.source == CtfSchool("823", "2001", "123456", "Synthetic Primary")
    assert (header.destination.lea, header.destination.estab) == ("823", "4001")
    assert header.version.split(".")[0] in ("24", "25")


@pytest.mark.parametrize(
    ("lea", "estab", "urn", "numbers", "known_urn"),
    [
        ("823", "2001", "123456", ("823", "2001"), "123456"),
        ("XXX", "XXXX", None, None, None),  # the DfE's pupil service: no school named
        ("MMM", "MMMM", None, None, None),  # destination not known
        (None, "2001", "XXXXXX", None, None),
    ],
)
def test_a_header_school_names_a_school_only_by_real_numbers(
    lea: str | None,
    estab: str | None,
    urn: str | None,
    numbers: tuple[str, str] | None,
    known_urn: str | None,
) -> None:
    school = CtfSchool(lea, estab, urn, None)
    assert (school.numbers, school.known_urn) == (numbers, known_urn)


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (b"<Other/>", "ctf.not_ctf"),
        (b"<CTfile><Header><CTFversion>19.0</CTFversion></Header></CTfile>", "ctf.version"),
        (b"<CTfile><Header>", "ctf.malformed"),
        (b"<CTfile></CTfile>", "ctf.no_header"),
    ],
)
def test_header_problems_are_whole_file_errors(xml: bytes, code: str) -> None:
    with pytest.raises(CtfError) as caught:
        read_ctf_header(io.BytesIO(xml))

    assert caught.value.code == code


def test_header_refuses_unsafe_xml() -> None:
    with pytest.raises(CtfError) as caught:
        read_ctf_header(FIXTURES / "ctf_billion_laughs.xml")

    assert caught.value.code == "ctf.unsafe_xml"
