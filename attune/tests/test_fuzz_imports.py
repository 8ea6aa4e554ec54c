"""Fuzzing the three imports: whatever arrives, a clear rejection or a whole import, no crash.

Each case feeds a file to the real import service and checks that it either finishes or raises
an error made for people (``AttuneError`` subclasses, or ``CtfError`` for a CTF that cannot be
read at all) with a message, and that a rejected file left every table exactly as it was.
Examples are kept modest (``FUZZ.max_examples`` each) so the suite stays fast; raise
``ATTUNE_FUZZ_EXAMPLES`` to fuzz for longer.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune.attendance.ctf_import import attendance_ctf_import
from attune.attendance.domain.ctf import CtfError
from attune.attendance.imports import attendance_csv_import
from attune.attendance.models import AttendanceImport, MarkChange, SessionMark
from attune.auditlog.models import AuditEvent
from attune.errors import AttuneError
from attune.people.imports import pupils_import
from attune.people.models import CohortMembership, Phase, Pupil, School
from attune.tenancy import scopes_disabled
from attune.testing import local_authority

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[2]
PUPILS_CSV = (ROOT / "docs/examples/pupils.csv").read_bytes()
MARKS_CSV = (ROOT / "docs/examples/attendance.csv").read_bytes()
CTF = (ROOT / "attune/attendance/tests/fixtures/ctf25_synthetic.xml").read_bytes()
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]

FUZZ = settings(
    max_examples=int(os.environ.get("ATTUNE_FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def schools() -> None:
    """The schools the example files and the synthetic CTF belong to, so good rows can land."""
    la = local_authority()
    School.objects.create(urn="100001", name="Hollybrook", phase=Phase.PRIMARY, local_authority=la)
    School.objects.create(
        urn="123456", name="Synthetic", phase=Phase.PRIMARY, local_authority=local_authority(823)
    )


def table_counts() -> tuple[int, ...]:
    with scopes_disabled():
        models = (Pupil, CohortMembership, SessionMark, MarkChange, AttendanceImport, AuditEvent)
        return tuple(model.objects.count() for model in models)


def outcome(run: Callable[[], object]) -> str:
    """Run one import; a rejection must be an error for people and must leave no trace."""
    before = table_counts()
    try:
        run()
    except (AttuneError, CtfError) as error:
        message = getattr(error, "message", str(error))
        assert message.strip(), "a rejection must say what is wrong"
        assert table_counts() == before, "a rejected file must write nothing"
        return str(getattr(error, "code", "rejected"))
    return "imported"


def import_pupils(data: bytes) -> str:
    return outcome(lambda: pupils_import(stream=io.BytesIO(data), today=TODAY))


def import_marks(data: bytes) -> str:
    return outcome(
        lambda: attendance_csv_import(stream=io.BytesIO(data), file_name="fuzz.csv", today=TODAY)
    )


def import_ctf(data: bytes) -> str:
    with _file(data) as path:
        return outcome(lambda: attendance_ctf_import(path=path, today=TODAY))


class _file:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def __enter__(self) -> str:
        handle = tempfile.NamedTemporaryFile(suffix=".xml", delete=False)
        with handle:
            handle.write(self.data)
        self.path = handle.name
        return self.path

    def __exit__(self, *exc: object) -> None:
        os.unlink(self.path)


# --- Strategies ------------------------------------------------------------------------------

cells = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30
) | st.sampled_from(["", "Y", "N", "2016-02-29", "13", '"', '""', "=cmd|' /C calc'!A0", "\r"])


@st.composite
def ragged_csv(draw: st.DrawFn, template: bytes) -> bytes:
    """The example file's header and rows, then ragged rows of odd cells, in an odd encoding."""
    lines = template.decode().splitlines()
    keep = draw(st.integers(min_value=0, max_value=len(lines)))
    rows = [",".join(draw(st.lists(cells, max_size=25))) for _ in range(draw(st.integers(0, 6)))]
    position = draw(st.integers(min_value=1, max_value=max(1, keep)))
    body = lines[:keep]
    body[position:position] = rows
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    return newline.join(body).encode(encoding, errors="replace")


# Column of the pupils CSV -> a value that column never accepts.
BAD_PUPIL_CELLS = {0: "999999", 1: "NOT-A-UPN", 3: "", 5: "2016-02-30", 6: "Q", 7: "99"}


@st.composite
def one_bad_row(draw: st.DrawFn, template: bytes) -> bytes:
    """A good file with one broken row somewhere: nothing from it may be written."""
    lines = template.decode().splitlines()
    where = draw(st.integers(min_value=1, max_value=len(lines) - 1))
    cells_ = lines[where].split(",")
    column = draw(st.sampled_from(sorted(BAD_PUPIL_CELLS)))
    cells_[column] = BAD_PUPIL_CELLS[column]
    lines[where] = ",".join(cells_)
    return "\n".join(lines).encode()


def billion_laughs(depth: int, width: int, parameter: bool) -> bytes:
    mark = "%" if parameter else "&"
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY {"% " if parameter else ""}lol{n} "{(f"{mark}lol{n - 1};") * width}">'
        for n in range(1, depth + 1)
    ]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE CTfile [\n{chr(10).join(entities)}\n]>\n'
        f"<CTfile><Header><CTFversion>25.0</CTFversion></Header><CTFpupilData><Pupil>"
        f"<Surname>&lol{depth};</Surname></Pupil></CTFpupilData></CTfile>"
    ).encode()


EXTERNAL = [
    '<!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE CTfile [<!ENTITY % x SYSTEM "file:///etc/passwd"> %x;]>',
    '<!DOCTYPE CTfile SYSTEM "http://attacker.invalid/ctf.dtd">',
    '<!DOCTYPE CTfile [<!ENTITY x PUBLIC "-//x//y" "file:///etc/shadow">]>',
]


# --- Pupils CSV ------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000))
def test_pupils_csv_random_bytes(schools: None, data: bytes) -> None:
    import_pupils(data)


@FUZZ
@given(data=ragged_csv(PUPILS_CSV))
def test_pupils_csv_ragged_rows_and_odd_encodings(schools: None, data: bytes) -> None:
    import_pupils(data)


@FUZZ
@given(data=one_bad_row(PUPILS_CSV))
def test_pupils_csv_one_bad_row_writes_nothing(schools: None, data: bytes) -> None:
    assert import_pupils(data) != "imported"


# --- Attendance CSV --------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000))
def test_attendance_csv_random_bytes(schools: None, data: bytes) -> None:
    import_marks(data)


@FUZZ
@given(data=ragged_csv(MARKS_CSV))
def test_attendance_csv_ragged_rows_and_odd_encodings(schools: None, data: bytes) -> None:
    import_marks(data)


# --- CTF XML ---------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000))
def test_ctf_random_bytes(schools: None, data: bytes) -> None:
    import_ctf(data)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=CTF.rindex(b"</CTfile>")))
def test_ctf_cut_short_writes_nothing(schools: None, cut: int) -> None:
    assert import_ctf(CTF[:cut]) != "imported"


@FUZZ
@given(
    position=st.integers(min_value=0, max_value=len(CTF) - 1),
    junk=st.binary(min_size=1, max_size=8),
    encoding=st.sampled_from(ENCODINGS),
)
def test_ctf_flipped_bytes_and_odd_encodings(
    schools: None, position: int, junk: bytes, encoding: str
) -> None:
    text = (CTF[:position] + junk + CTF[position + len(junk) :]).decode("utf-8", "replace")
    import_ctf(text.encode(encoding, errors="replace"))


@FUZZ
@given(
    depth=st.integers(min_value=1, max_value=12),
    width=st.integers(min_value=2, max_value=12),
    parameter=st.booleans(),
)
def test_ctf_xml_bombs_are_refused(schools: None, depth: int, width: int, parameter: bool) -> None:
    assert import_ctf(billion_laughs(depth, width, parameter)) == "ctf.unsafe_xml"


@pytest.mark.parametrize("doctype", EXTERNAL)
def test_ctf_external_entities_are_refused_unread(schools: None, doctype: str) -> None:
    body = CTF.decode().replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    data = f'<?xml version="1.0"?>\n{doctype}\n{body.replace("<Surname>", "<Surname>&x;", 1)}'
    with _file(data.encode()) as path, pytest.raises(CtfError) as caught:
        attendance_ctf_import(path=path, today=TODAY)
    assert caught.value.code == "ctf.unsafe_xml"
    assert "root:" not in str(caught.value)


# --- Huge files ------------------------------------------------------------------------------


def _huge_cell(template: bytes, size: int) -> bytes:
    header, first, *_ = template.decode().splitlines()
    cells_ = first.split(",")
    cells_[3] = "x" * size
    return "\n".join([header, ",".join(cells_)]).encode()


@pytest.mark.parametrize("size", [200_000, 5_000_000])
def test_a_huge_field_is_refused(schools: None, size: int) -> None:
    assert import_pupils(_huge_cell(PUPILS_CSV, size)) != "imported"
    assert import_marks(_huge_cell(MARKS_CSV, size)) != "imported"


def test_a_huge_ctf_text_node_is_refused(schools: None) -> None:
    data = CTF.replace(b"<Surname>", b"<Surname>" + b"x" * 5_000_000, 1)
    assert import_ctf(data) != "imported"


def test_a_name_longer_than_its_column_is_refused(schools: None) -> None:
    assert import_pupils(_huge_cell(PUPILS_CSV, 1000)) != "imported"


def _many_rows(rows: int) -> Iterator[bytes]:
    header, first, *_ = MARKS_CSV.decode().splitlines()
    yield (header + "\n").encode()
    for _ in range(rows):
        yield (first + "\n").encode()


def test_a_big_file_with_one_bad_row_at_the_end_writes_nothing(schools: None) -> None:
    data = b"".join(_many_rows(20_000)) + b"100001,NOT-A-UPN,2026-09-07,AM,/,\n"
    assert import_marks(data) != "imported"
