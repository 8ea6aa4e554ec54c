"""Tests for reading DfE Common Transfer Files: both versions, every per-pupil problem, unsafe
XML refused, and streaming that does not hold the whole file."""

from __future__ import annotations

import io
import itertools
import re
import time
import tracemalloc
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.attendance.domain.codes import read_code
from attune.attendance.domain.ctf import (
    CtfError,
    CtfMark,
    CtfProblem,
    CtfPupil,
    iter_ctf,
)
from attune.people.domain.upn import make_upn

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 10, 1)
UPN_A = make_upn(823, 2001, 24, 101)
UPN_B = make_upn(823, 2001, 24, 102)
WRONG_CHECK_LETTER = ("A" if UPN_A[0] != "A" else "B") + UPN_A[1:]


def header(version: str = "25.0", tag: str = "CTFversion") -> str:
    return f"<Header><{tag}>{version}</{tag}><SupplierID>test</SupplierID></Header>"


def pupil_xml(upn: str = UPN_A, body: str = "", sex: str = "<Sex>F</Sex>") -> str:
    return (
        f"<Pupil><UPN>{upn}</UPN><Surname>Okafor</Surname><Forename>Amara</Forename>"
        f"<DOB>2015-03-02</DOB>{sex}<BasicDetails><NCyearActual>6</NCyearActual>"
        f"</BasicDetails>{body}</Pupil>"
    )


def year_xml(start: str, marks: str, lea: str = "823", estab: str = "2001") -> str:
    return (
        f"<YearData><Year>2026</Year><LEA>{lea}</LEA><Estab>{estab}</Estab><AttendSessions>"
        f"<AttendanceStartDate>{start}</AttendanceStartDate>"
        f"<AttendanceMarks>{marks}</AttendanceMarks></AttendSessions></YearData>"
    )


def ctf_bytes(pupils: Iterable[str], head: str | None = None) -> bytes:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><CTfile>'
        + (header() if head is None else head)
        + "<CTFpupilData>"
        + "".join(pupils)
        + "</CTFpupilData></CTfile>"
    )
    return text.encode()


def read(data: bytes, today: date = TODAY) -> list[CtfPupil | CtfProblem]:
    return list(iter_ctf(io.BytesIO(data), today=today))


def only_pupil(data: bytes) -> CtfPupil:
    (item,) = read(data)
    assert isinstance(item, CtfPupil), item
    return item


def problems(data: bytes) -> list[CtfProblem]:
    items = read(data)
    assert not any(isinstance(i, CtfPupil) for i in items)
    return [i for i in items if isinstance(i, CtfProblem)]


# --- the synthetic fixtures: CTF 24 and CTF 25 ---------------------------------------------


@pytest.mark.parametrize("name", ["ctf24_synthetic.xml", "ctf25_synthetic.xml"])
def test_both_versions_parse(name: str) -> None:
    items = list(iter_ctf(FIXTURES / name, today=TODAY))
    assert all(isinstance(i, CtfPupil) for i in items)
    pupils = [i for i in items if isinstance(i, CtfPupil)]
    assert [(p.position, p.upn, p.sex) for p in pupils] == [
        (1, "W823200124101", "F"),
        (2, "K823200124102", "M"),
        (3, "Z823200124103", "M"),
    ]
    amara, tom, eli = pupils
    assert (amara.forename, amara.preferred_forename, amara.date_of_birth) == (
        "Amara",
        "Ama",
        date(2015, 3, 2),
    )
    assert amara.year_group == "6"
    # Cohort flags: in care, EHC plan (the later SEN record), FSM from October 2025.
    assert (amara.looked_after, amara.sen, amara.fsm) == (True, "E", True)
    assert (tom.looked_after, tom.sen, tom.fsm) == (False, None, False)
    assert (eli.looked_after, eli.sen, eli.fsm) == (None, None, None)
    (year,) = amara.attendance
    assert (year.year, year.lea, year.estab, year.start_date) == (
        "2026",
        "823",
        "2001",
        date(2026, 9, 4),
    )
    # Friday 4 September, then the weekend as "####", then Monday 7 to Friday 11 September.
    assert len(year.marks) == 12
    assert {m.date for m in year.marks} == {date(2026, 9, 4)} | {
        date(2026, 9, d) for d in range(7, 12)
    }
    assert [(m.date.day, m.session, m.code) for m in year.marks[4:7]] == [
        (8, "AM", "L"),
        (8, "PM", "I"),
        (9, "AM", "N"),
    ]
    assert tom.attendance == eli.attendance == ()


def test_both_versions_give_the_same_pupils() -> None:
    old = list(iter_ctf(FIXTURES / "ctf24_synthetic.xml", today=TODAY))
    new = list(iter_ctf(FIXTURES / "ctf25_synthetic.xml", today=TODAY))
    assert old == new


@pytest.mark.parametrize(
    ("version", "tag"),
    [("24.0", "CTFversion"), ("25.0", "CTFversion"), ("25.0", "CTFVersion"), ("24", "CTFVersion")],
)
def test_supported_versions_and_spellings(version: str, tag: str) -> None:
    assert only_pupil(ctf_bytes([pupil_xml()], head=header(version, tag))).upn == UPN_A


@pytest.mark.parametrize("sex", ["<Sex>M</Sex>", "<Gender>M</Gender>", "<Sex>m</Sex>"])
def test_sex_or_the_older_gender_element(sex: str) -> None:
    assert only_pupil(ctf_bytes([pupil_xml(sex=sex)])).sex == "M"


def test_a_namespace_is_ignored() -> None:
    data = ctf_bytes([pupil_xml()]).replace(b"<CTfile>", b'<CTfile xmlns="urn:example:ctf">')
    assert only_pupil(data).upn == UPN_A


def test_a_path_or_a_binary_stream_both_work() -> None:
    path = FIXTURES / "ctf25_synthetic.xml"
    from_path = list(iter_ctf(str(path), today=TODAY))
    with path.open("rb") as stream:
        assert list(iter_ctf(stream, today=TODAY)) == from_path


# --- unsafe XML ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ctf_billion_laughs.xml", "ctf_external_entity.xml"])
def test_attack_files_are_refused(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(CtfError) as caught:
        list(iter_ctf(FIXTURES / name, today=TODAY))
    assert caught.value.code == "ctf.unsafe_xml"
    assert "won't read it" in str(caught.value)
    assert time.perf_counter() - started < 1  # refused, not expanded


def test_nothing_is_yielded_from_an_attack_file() -> None:
    reader = iter_ctf(FIXTURES / "ctf_external_entity.xml", today=TODAY)
    with pytest.raises(CtfError):
        next(reader)


@pytest.mark.parametrize(
    "doctype",
    [
        "<!DOCTYPE CTfile>",
        '<!DOCTYPE CTfile SYSTEM "http://example.invalid/ctf.dtd">',
        '<!DOCTYPE CTfile [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>',
        '<!DOCTYPE CTfile [<!ENTITY name "Okafor">]>',
    ],
)
def test_any_document_type_declaration_is_refused(doctype: str) -> None:
    data = ctf_bytes([pupil_xml()]).replace(b"<CTfile>", doctype.encode() + b"<CTfile>", 1)
    with pytest.raises(CtfError) as caught:
        read(data)
    assert caught.value.code == "ctf.unsafe_xml"


# --- problems with the whole file ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"school_urn,upn\n123456,A\n", "ctf.malformed"),
        (b"", "ctf.malformed"),
        (ctf_bytes([pupil_xml()])[:-20], "ctf.malformed"),  # cut off part way
        (b"<Pupils><Pupil/></Pupils>", "ctf.not_ctf"),
        (ctf_bytes([pupil_xml()], head=""), "ctf.no_header"),
        (ctf_bytes([pupil_xml()], head=header("23.0")), "ctf.version"),
        (ctf_bytes([pupil_xml()], head=header("26.0")), "ctf.version"),
        (
            ctf_bytes([pupil_xml()], head="<Header><SupplierID>x</SupplierID></Header>"),
            "ctf.version",
        ),
    ],
)
def test_whole_file_errors(data: bytes, code: str) -> None:
    with pytest.raises(CtfError) as caught:
        read(data)
    assert caught.value.code == code
    assert str(caught.value)


def test_version_error_says_which_versions_are_read() -> None:
    with pytest.raises(CtfError, match=re.escape("version 23.0; Attune reads versions 24 and 25")):
        read(ctf_bytes([], head=header("23.0")))


def test_a_file_cut_short_fails_even_after_good_pupils() -> None:
    data = ctf_bytes([pupil_xml(), pupil_xml(UPN_B)])
    reader = iter_ctf(io.BytesIO(data[: data.index(UPN_B.encode())]), today=TODAY)
    first = next(reader)
    assert isinstance(first, CtfPupil)
    with pytest.raises(CtfError) as caught:
        list(reader)
    assert caught.value.code == "ctf.malformed"


# --- problems with one pupil ---------------------------------------------------------------

FOUR_MARKS = "/\\/\\"  # present all day on Monday 7 and Tuesday 8 September
ATTENDANCE = "<Attendance>" + year_xml("2026-09-07", FOUR_MARKS) + "</Attendance>"


@pytest.mark.parametrize(
    ("old", "new", "element", "code"),
    [
        (UPN_A, WRONG_CHECK_LETTER, "UPN", "upn.check_letter"),
        (UPN_A, "A82320012410", "UPN", "upn.length"),
        (f"<UPN>{UPN_A}</UPN>", "", "UPN", "ctf.missing"),
        ("<Surname>Okafor</Surname>", "", "Surname", "ctf.missing"),
        ("<Forename>Amara</Forename>", "<Forename> </Forename>", "Forename", "ctf.missing"),
        ("2015-03-02", "02/03/2015", "DOB", "date.format"),
        ("2015-03-02", "2015-02-30", "DOB", "date.format"),
        ("2015-03-02", "2026-10-02", "DOB", "date.future"),
        ("<Sex>F</Sex>", "<Sex>X</Sex>", "Sex", "sex.invalid"),
        ("<Sex>F</Sex>", "<Gender>Q</Gender>", "Gender", "sex.invalid"),
        ("<Sex>F</Sex>", "", "Sex", "ctf.missing"),
        (
            "<NCyearActual>6</NCyearActual>",
            "<NCyearActual>Q</NCyearActual>",
            "NCyearActual",
            "year_group.invalid",
        ),
        (
            "</Pupil>",
            "<LookedAfter><InCare>maybe</InCare></LookedAfter></Pupil>",
            "InCare",
            "flag.invalid",
        ),
        (
            "</Pupil>",
            "<SENhistory><SEN><StartDate>2025-01-01</StartDate><SENprovision>S"
            "</SENprovision></SEN></SENhistory></Pupil>",
            "SENprovision",
            "sen.invalid",
        ),
        (
            "</Pupil>",
            "<FSMhistory><FSMinstance><FSMstartDate>2025-09-01</FSMstartDate>"
            "<FSMendDate>2026-13-01</FSMendDate></FSMinstance></FSMhistory></Pupil>",
            "FSMendDate",
            "date.format",
        ),
        (
            "</Pupil>",
            "<FSMhistory><FSMinstance><FSMendDate>2026-01-01</FSMendDate>"
            "</FSMinstance></FSMhistory></Pupil>",
            "FSMstartDate",
            "ctf.missing",
        ),
        (
            "</Pupil>",
            ATTENDANCE.replace(FOUR_MARKS, "/?") + "</Pupil>",
            "AttendanceMarks",
            "attendance.unknown_code",
        ),
        (
            "</Pupil>",
            ATTENDANCE.replace(FOUR_MARKS, "C1") + "</Pupil>",
            "AttendanceMarks",
            "attendance.unknown_code",
        ),  # "1" is not a code: two-character codes can't fit
        (
            "</Pupil>",
            ATTENDANCE.replace("2026-09-07", "2026-09-31") + "</Pupil>",
            "AttendanceStartDate",
            "date.format",
        ),
        (
            "</Pupil>",
            ATTENDANCE.replace("2026-09-07", "2026-10-02") + "</Pupil>",
            "AttendanceStartDate",
            "date.future",
        ),
        (
            "</Pupil>",
            ATTENDANCE.replace("<AttendanceStartDate>2026-09-07</AttendanceStartDate>", "")
            + "</Pupil>",
            "AttendanceStartDate",
            "ctf.missing",
        ),
        (
            "</Pupil>",
            ATTENDANCE.replace("2026-09-07", "2026-09-30").replace(FOUR_MARKS, "/\\/\\/")
            + "</Pupil>",
            "AttendanceMarks",
            "date.future",
        ),  # 30 September, 1 October (today), then one mark on 2 October
    ],
)
def test_pupil_problems(old: str, new: str, element: str, code: str) -> None:
    xml = pupil_xml(body="")
    assert old in xml
    found = problems(ctf_bytes([xml.replace(old, new, 1)]))
    assert [(p.element, p.code) for p in found] == [(element, code)]
    assert found[0].position == 1
    assert found[0].message.startswith("Pupil 1")


def test_the_sample_attendance_is_good_before_it_is_broken() -> None:
    (year,) = only_pupil(ctf_bytes([pupil_xml(body=ATTENDANCE)])).attendance
    assert [(m.date, m.session, m.code) for m in year.marks] == [
        (date(2026, 9, 7), "AM", "/"),
        (date(2026, 9, 7), "PM", "\\"),
        (date(2026, 9, 8), "AM", "/"),
        (date(2026, 9, 8), "PM", "\\"),
    ]


def test_every_problem_is_reported_and_other_pupils_still_read() -> None:
    bad = pupil_xml(upn=WRONG_CHECK_LETTER, sex="<Sex>X</Sex>").replace("2015-03-02", "2015")
    items = read(ctf_bytes([bad, pupil_xml(UPN_B)]))
    found = [i for i in items if isinstance(i, CtfProblem)]
    assert [(p.position, p.element, p.code) for p in found] == [
        (1, "UPN", "upn.check_letter"),
        (1, "DOB", "date.format"),
        (1, "Sex", "sex.invalid"),
    ]
    assert [i.upn for i in items if isinstance(i, CtfPupil)] == [UPN_B]
    # The message names the pupil by position and by the UPN as written.
    assert all(f"Pupil 1 (UPN {WRONG_CHECK_LETTER})" in p.message for p in found)


def test_missing_start_date_is_reported_alongside_other_problems() -> None:
    marks_only = "<Attendance><YearData><AttendSessions><AttendanceMarks>/\\</AttendanceMarks>"
    marks_only += "</AttendSessions></YearData></Attendance>"
    xml = pupil_xml(sex="<Sex>X</Sex>", body=marks_only)
    assert [p.element for p in problems(ctf_bytes([xml]))] == ["Sex", "AttendanceStartDate"]


# --- cohort flags --------------------------------------------------------------------------


def fsm(*instances: tuple[str, str | None]) -> str:
    parts = [
        f"<FSMinstance><FSMstartDate>{start}</FSMstartDate>"
        + (f"<FSMendDate>{end}</FSMendDate>" if end else "")
        + "</FSMinstance>"
        for start, end in instances
    ]
    return (
        "<FSMhistory><FSMreviewDate>2026-09-01</FSMreviewDate>" + "".join(parts) + "</FSMhistory>"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", None),
        (fsm(), False),
        (fsm(("2025-09-01", None)), True),
        (fsm(("2025-09-01", "2026-10-01")), True),  # ends today: still eligible today
        (fsm(("2025-09-01", "2026-09-30")), False),
        (fsm(("2025-09-01", "2027-07-31")), True),  # an end date ahead is fine
        (fsm(("2026-10-01", None)), True),  # starts today
        (fsm(("2026-10-02", None)), False),  # not yet: not current, and not an error
        (fsm(("2024-09-01", "2025-07-20"), ("2025-10-01", None)), True),
    ],
)
def test_free_school_meals_today(body: str, expected: bool | None) -> None:
    assert only_pupil(ctf_bytes([pupil_xml(body=body)])).fsm is expected


def sen(*records: tuple[str, str]) -> str:
    parts = [
        f"<SEN><StartDate>{start}</StartDate><SENprovision>{value}</SENprovision></SEN>"
        for start, value in records
    ]
    return "<SENhistory>" + "".join(parts) + "</SENhistory>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", None),
        (sen(("2024-09-01", "K")), "K"),
        (sen(("2024-09-01", "K"), ("2025-09-01", "E")), "E"),
        (sen(("2025-09-01", "N"), ("2024-09-01", "E")), "N"),  # latest by date, not by order
        (sen(("2025-09-01", "k")), "K"),
    ],
)
def test_sen_latest_record_wins(body: str, expected: str | None) -> None:
    assert only_pupil(ctf_bytes([pupil_xml(body=body)])).sen == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("false", False), ("1", True), ("0", False), ("TRUE", True)],
)
def test_looked_after(value: str, expected: bool) -> None:
    body = f"<LookedAfter><InCare>{value}</InCare></LookedAfter>"
    assert only_pupil(ctf_bytes([pupil_xml(body=body)])).looked_after is expected


@pytest.mark.parametrize(("raw", "expected"), [("R", "R"), ("X", "X"), ("N2", "N2"), ("11", "11")])
def test_year_group(raw: str, expected: str | None) -> None:
    xml = pupil_xml().replace(
        "<NCyearActual>6</NCyearActual>", f"<NCyearActual>{raw}</NCyearActual>"
    )
    assert only_pupil(ctf_bytes([xml])).year_group == expected


# --- marks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "code"),
    [("H", "C"), ("F", "C"), ("J", "J1"), ("Y", "Y7"), ("/", "/"), ("u", "U")],
)
def test_retired_codes_from_19_august_2024_are_read_as_their_successors(
    char: str, code: str
) -> None:
    body = f"<Attendance>{year_xml('2026-09-07', char)}</Attendance>"
    (year,) = only_pupil(ctf_bytes([pupil_xml(body=body)])).attendance
    assert year.marks == (CtfMark(date(2026, 9, 7), "AM", code, char),)


@pytest.mark.parametrize(("char", "code"), [("H", "H"), ("F", "F"), ("J", "J"), ("Y", "Y")])
def test_retired_codes_before_19_august_2024_keep_their_meaning(char: str, code: str) -> None:
    """Sunday 18 August 2024 AM is the old rules' last session: the J there is an interview,
    attended; the J on Monday 19 August is J1, leave."""
    marks = f"{char}#" + f"{char}#"
    body = f"<Attendance>{year_xml('2024-08-18', marks)}</Attendance>"
    (year,) = only_pupil(ctf_bytes([pupil_xml(body=body)])).attendance
    assert [(m.date, m.code, m.original_code) for m in year.marks] == [
        (date(2024, 8, 18), code, char),
        (date(2024, 8, 19), read_code(char, date(2024, 8, 19)).code, char),
    ]


def test_leading_no_mark_spaces_keep_later_marks_on_their_day() -> None:
    body = "<Attendance>" + year_xml("2026-09-07", "  N\\") + "</Attendance>"
    (year,) = only_pupil(ctf_bytes([pupil_xml(body=body)])).attendance
    assert [(m.date, m.session, m.code) for m in year.marks] == [
        (date(2026, 9, 8), "AM", "N"),
        (date(2026, 9, 8), "PM", "\\"),
    ]


def test_marks_laid_out_on_their_own_line_are_read_from_the_first_mark() -> None:
    body = f"<Attendance>{year_xml('2026-09-07', '\n        IN\n      ')}</Attendance>"
    (year,) = only_pupil(ctf_bytes([pupil_xml(body=body)])).attendance
    assert [(m.date, m.session, m.code) for m in year.marks] == [
        (date(2026, 9, 7), "AM", "I"),
        (date(2026, 9, 7), "PM", "N"),
    ]


def test_two_schools_may_share_dates_but_one_school_may_not_repeat_them() -> None:
    # Dual registration: D at one school while present at the other, on the same days.
    two_schools = year_xml("2026-09-07", "DD", estab="2001") + year_xml(
        "2026-09-07", "/\\", estab="2002"
    )
    pupil = only_pupil(ctf_bytes([pupil_xml(body=f"<Attendance>{two_schools}</Attendance>")]))
    assert [len(y.marks) for y in pupil.attendance] == [2, 2]
    same_school = year_xml("2026-09-07", "/\\") + year_xml("2026-09-07", "#\\")
    found = problems(ctf_bytes([pupil_xml(body=f"<Attendance>{same_school}</Attendance>")]))
    assert [(p.code, p.element) for p in found] == [("mark.duplicate", "AttendanceMarks")]
    assert "2026-09-07 PM" in found[0].message


MARK_CHARS = "/\\LKVPWBMSCEIRTGNOUQXDZ#- HFJY"


@settings(max_examples=50, deadline=None)
@given(
    marks=st.text(alphabet=MARK_CHARS, max_size=60),
    start=st.dates(date(2024, 7, 20), date(2026, 8, 31)),
)
def test_each_character_is_one_session_from_the_start_date(marks: str, start: date) -> None:
    body = f"<Attendance>{year_xml(start.isoformat(), marks)}</Attendance>"
    (year,) = only_pupil(ctf_bytes([pupil_xml(body=body)])).attendance
    expected = [
        CtfMark(d, ("AM", "PM")[i % 2], read_code(c, d).code, c)
        for i, c in enumerate(marks)
        if c not in "#- " and (d := start + timedelta(days=i // 2))
    ]
    assert list(year.marks) == expected


@settings(max_examples=40, deadline=None)
@given(serials=st.lists(st.integers(0, 999), min_size=1, max_size=12, unique=True))
def test_pupils_come_out_in_file_order_with_positions(serials: list[int]) -> None:
    upns = [make_upn(823, 2001, 24, n) for n in serials]
    pupils = read(ctf_bytes(pupil_xml(u) for u in upns))
    assert [(p.position, p.upn) for p in pupils if isinstance(p, CtfPupil)] == list(
        zip(range(1, len(upns) + 1), upns, strict=True)
    )


# --- streaming -----------------------------------------------------------------------------


class EndlessCtf(io.RawIOBase):
    """A CTF that never ends: a reader that needed the whole file would never return."""

    def __init__(self) -> None:
        self.pending = b'<?xml version="1.0"?><CTfile>' + header().encode() + b"<CTFpupilData>"
        self.pupil = pupil_xml(
            body="<Attendance>" + year_xml("2025-09-01", "/\\" * 10) + "</Attendance>"
        ).encode()
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while len(self.pending) < len(view):
            self.pending += self.pupil
        view[:] = self.pending[: len(view)]
        self.pending = self.pending[len(view) :]
        self.served += len(view)
        return len(view)


def test_streams_without_holding_the_file_in_memory() -> None:
    source = EndlessCtf()
    reader = iter_ctf(io.BufferedReader(source), today=TODAY)
    list(itertools.islice(reader, 50))  # warm up
    tracemalloc.start()
    try:
        for item in itertools.islice(reader, 800):
            assert isinstance(item, CtfPupil)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert source.served > 800 * len(source.pupil)  # the file went past...
    assert peak < 1_000_000  # ...but only about one pupil is held at a time


@pytest.mark.parametrize("written", ["C1", "C2", "J1", "Y1", "Y7", "y4"])
def test_a_two_character_code_in_the_marks_string_is_explained(written: str) -> None:
    xml = pupil_xml(body=ATTENDANCE.replace(FOUR_MARKS, written))

    [problem] = problems(ctf_bytes([xml]))

    assert problem.code == "attendance.unknown_code"
    assert f"'{written}' looks like one of the codes in use since August 2024" in problem.message


def test_a_digit_after_another_code_gets_no_two_character_note() -> None:
    xml = pupil_xml(body=ATTENDANCE.replace(FOUR_MARKS, "I1"))

    [problem] = problems(ctf_bytes([xml]))

    assert problem.code == "attendance.unknown_code"
    assert "two characters" not in problem.message
