"""``attune import_ctf``: a school loading its own export (the fixtures' SourceSchool is in
Attune, their DestSchool is not): pupils, cohorts and its own marks, all or nothing. The rules
for a receiving school, FormerUPN, year X and dated cohorts: ``test_import_ctf_rules.py``."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from attune.attendance.ctf_import import attendance_ctf_import
from attune.attendance.imports import AttendanceImportRejected
from attune.attendance.models import AttendanceImport, MarkChange, PriorAttendance, SessionMark
from attune.auditlog.models import AuditEvent
from attune.people.models import Cohort, CohortMembership, Phase, Pupil, School
from attune.tenancy import school_scope
from attune.testing import local_authority

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
CTF25 = FIXTURES / "ctf25_synthetic.xml"
CTF24 = FIXTURES / "ctf24_synthetic.xml"
TODAY = date(2026, 11, 23)


@pytest.fixture
def sender() -> School:
    """The school that sent the fixture CTFs (URN 123456, LA 823, establishment 2001)."""
    return School.objects.create(
        urn="123456",
        name="Synthetic Primary",
        phase=Phase.PRIMARY,
        local_authority=local_authority(823, "Somewhere"),
    )


def counts(school: School) -> tuple[int, int, int, int, int]:
    with school_scope(school):
        return (
            Pupil.objects.count(),
            SessionMark.objects.count(),
            MarkChange.objects.count(),
            AttendanceImport.objects.count(),
            AuditEvent.objects.filter(school=school).count(),
        )


def edited(tmp_path: Path, source: Path, old: str, new: str, count: int = 1) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_a_ctf_adds_pupils_flags_and_marks(sender: School) -> None:
    result = attendance_ctf_import(path=CTF25, today=TODAY)

    assert result.pupils is not None
    assert (result.pupils.created, result.added, result.replaced) == (3, 12, 0)
    with school_scope(sender):
        amara = Pupil.objects.get(upn="W823200124101")
        cohorts = set(
            CohortMembership.objects.filter(pupil=amara, end_date__isnull=True).values_list(
                "cohort", flat=True
            )
        )
        marks = list(
            SessionMark.objects.filter(pupil=amara)
            .order_by("date", "session")
            .values_list("date", "session", "code")[:6]
        )
    assert (amara.preferred_name, amara.year_group) == ("Ama", 6)
    assert cohorts == {Cohort.LOOKED_AFTER, Cohort.FSM, Cohort.EHC_PLAN}
    assert marks == [
        (date(2026, 9, 4), "AM", "/"),
        (date(2026, 9, 4), "PM", "\\"),
        (date(2026, 9, 7), "AM", "/"),  # the weekend's #### made no marks
        (date(2026, 9, 7), "PM", "\\"),
        (date(2026, 9, 8), "AM", "L"),
        (date(2026, 9, 8), "PM", "I"),
    ]


def test_ctf_24_reads_the_same_pupils(sender: School) -> None:
    result = attendance_ctf_import(path=CTF24, today=TODAY)

    assert result.pupils is not None
    assert result.pupils.created == 3
    assert counts(sender)[0] == 3


def test_importing_again_changes_nothing_then_a_change_is_kept(
    sender: School, tmp_path: Path
) -> None:
    attendance_ctf_import(path=CTF25, today=TODAY)
    again = attendance_ctf_import(path=CTF25, today=TODAY)
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 12)

    changed = edited(tmp_path, CTF25, "/\\####/\\LIN", "/\\####/\\LIU")
    result = attendance_ctf_import(path=changed, today=TODAY)

    assert (result.added, result.replaced) == (0, 1)
    with school_scope(sender):
        change = MarkChange.objects.get()
    assert (change.date, change.session, change.old_code, change.new_code) == (
        date(2026, 9, 9),
        "AM",
        "N",
        "U",
    )


def test_marks_from_another_school_are_kept_as_history_not_counted(
    sender: School, tmp_path: Path
) -> None:
    other = edited(
        tmp_path, CTF25, "<Estab>2001</Estab><SchoolName>", "<Estab>2999</Estab><SchoolName>"
    )

    result = attendance_ctf_import(path=other, today=TODAY)

    assert (result.added, result.history_years) == (0, 1)
    assert "1 year of attendance at other schools kept as history" in result.summary()
    with school_scope(sender):
        [kept] = PriorAttendance.objects.all()
        assert SessionMark.objects.count() == 0
    assert (kept.lea, kept.estab, kept.year, kept.start_date) == (
        "823",
        "2999",
        "2026",
        date(2026, 9, 4),
    )
    assert kept.marks == "/\\####/\\LIN\\/\\/\\" and not kept.at_this_school


def test_a_bad_pupil_saves_nothing_and_is_named(sender: School, tmp_path: Path) -> None:
    bad = edited(tmp_path, CTF25, "<DOB>2015-05-10</DOB>", "<DOB>2015-15-10</DOB>")

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_ctf_import(path=bad, today=TODAY)

    [error] = caught.value.errors
    assert (error.row, error.field, error.code) == (2, "DOB", "date.format")
    assert error.message.startswith("Pupil 2 (UPN K823200124102)")
    assert counts(sender) == (0, 0, 0, 0, 0)


def test_every_problem_is_reported(sender: School, tmp_path: Path) -> None:
    bad = edited(tmp_path, CTF25, "LIN", "LI?")
    bad = edited(
        tmp_path, bad, "<NCyearActual>6</NCyearActual>", "<NCyearActual>X</NCyearActual>", 3
    )
    bad = edited(tmp_path, bad, "K823200124102", "W823200124101")

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_ctf_import(path=bad, today=TODAY)

    # NC year X (not following the National Curriculum) is a year group, not a problem.
    assert [(e.row, e.field, e.code) for e in caught.value.errors] == [
        (1, "AttendanceMarks", "attendance.unknown_code"),
        (2, "UPN", "upn.duplicate"),
    ]
    assert counts(sender) == (0, 0, 0, 0, 0)


def test_a_failing_reimport_leaves_everything_as_it_was(sender: School, tmp_path: Path) -> None:
    attendance_ctf_import(path=CTF25, today=TODAY)
    before = counts(sender)
    bad = edited(tmp_path, CTF25, "/\\####/\\LIN", "/\\####/\\III")
    bad = edited(tmp_path, bad, "<Sex>M</Sex>", "<Sex>Q</Sex>")

    with pytest.raises(AttendanceImportRejected):
        attendance_ctf_import(path=bad, today=TODAY)

    assert counts(sender) == before


def test_neither_school_in_attune_is_refused_naming_both(db: None) -> None:
    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_ctf_import(path=CTF25, today=TODAY)

    [error] = caught.value.errors
    assert (error.field, error.code) == ("DestSchool", "ctf.no_school")
    assert "addressed to LA and establishment number 823/4001" in error.message
    assert "comes from URN 123456 (Synthetic Primary)" in error.message
    assert "--school URN" in error.message


def test_a_header_naming_no_school_is_refused(sender: School, tmp_path: Path) -> None:
    bad = edited(tmp_path, CTF25, "<LEA>823</LEA><Estab>2001</Estab><URN>123456</URN>", "")

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_ctf_import(path=bad, today=TODAY)

    assert caught.value.errors[0].code == "ctf.no_school"


def test_without_a_urn_the_school_is_found_by_la_and_estab(sender: School, tmp_path: Path) -> None:
    sender.estab = "2001"
    sender.save()
    no_urn = edited(tmp_path, CTF25, "<URN>123456</URN>", "")

    result = attendance_ctf_import(path=no_urn, today=TODAY)

    assert result.school == sender
    assert counts(sender)[:2] == (3, 12)


def test_an_estab_in_another_la_is_not_a_match(sender: School, tmp_path: Path) -> None:
    sender.estab = "2001"
    sender.save()
    elsewhere = edited(
        tmp_path,
        CTF25,
        "<LEA>823</LEA><Estab>2001</Estab><URN>123456</URN>",
        "<LEA>824</LEA><Estab>2001</Estab>",
    )

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_ctf_import(path=elsewhere, today=TODAY)

    [error] = caught.value.errors
    assert error.code == "ctf.no_school"
    assert "LA and establishment number 824/2001 (Synthetic Primary)" in error.message
    assert "--la 823 --estab 4001" in error.message
    assert counts(sender) == (0, 0, 0, 0, 0)


def test_command_prints_a_summary(sender: School, tmp_path: Path) -> None:
    path = tmp_path / "in.xml"
    shutil.copy(CTF25, path)
    out = io.StringIO()

    call_command("import_ctf", str(path), stdout=out)

    assert out.getvalue().startswith("Imported 3 pupils into Synthetic Primary: 3 new")
    assert "Imported 12 marks into Synthetic Primary: 12 new" in out.getvalue()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ctf_billion_laughs.xml", "Nothing was imported: This file contains XML features"),
        ("ctf_external_entity.xml", "Nothing was imported: This file contains XML features"),
    ],
)
def test_command_refuses_unsafe_xml(sender: School, name: str, message: str) -> None:
    with pytest.raises(CommandError, match=f"^{message}"):
        call_command("import_ctf", str(FIXTURES / name))
    assert counts(sender) == (0, 0, 0, 0, 0)


def test_command_refuses_a_file_that_is_not_a_ctf(sender: School, tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<Other/>", encoding="utf-8")

    with pytest.raises(CommandError, match="isn't a Common Transfer File"):
        call_command("import_ctf", str(path))


def test_command_lists_pupil_problems_and_imports_nothing(sender: School, tmp_path: Path) -> None:
    bad = edited(tmp_path, CTF25, "<Sex>M</Sex>", "<Sex>Q</Sex>")
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^Nothing was imported\. Please fix the problem "):
        call_command("import_ctf", str(bad), stderr=err)

    assert err.getvalue().startswith("Row 2, Sex: Pupil 2 (UPN K823200124102): <Sex> should be")
    assert counts(sender) == (0, 0, 0, 0, 0)


def test_command_explains_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="We couldn't open"):
        call_command("import_ctf", str(tmp_path / "missing.xml"))
