"""How real CTFs import: the importing school, joining children, FormerUPN, year X, dated
cohorts, years with totals and no marks, XXX/XXXX, dates out of range and LA numbers."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from attune.attendance.ctf_import import attendance_ctf_import
from attune.attendance.imports import AttendanceImportRejected
from attune.attendance.models import PriorAttendance, SessionMark
from attune.attendance.selectors import school_attendance
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.domain.upn import make_upn
from attune.people.models import YEAR_GROUP_X, Cohort, CohortMembership, Phase, Pupil, School
from attune.tenancy import school_scope
from attune.testing import local_authority

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
UPN = make_upn(823, 2001, 24, 101)
TEMPORARY = make_upn(823, 4001, 26, 7, temporary_letter="A")
SENDER = (
    "<SourceSchool><LEA>823</LEA><Estab>2001</Estab><URN>123456</URN>"
    "<SchoolName>Oak Primary</SchoolName></SourceSchool>"
)
TO_RECEIVER = (
    "<DestSchool><LEA>823</LEA><Estab>4001</Estab><SchoolName>Elm Academy</SchoolName></DestSchool>"
)
PUPIL_SERVICE = "<SourceSchool><LEA>XXX</LEA><Estab>XXXX</Estab></SourceSchool>"


def year_xml(
    start: str = "2026-09-07",
    marks: str = "/\\/\\IN",
    lea: str = "823",
    estab: str = "2001",
    totals: str = "",
    year: str = "2026",
) -> str:
    sessions = (
        f"<AttendSessions><AttendanceStartDate>{start}</AttendanceStartDate>"
        f"<AttendanceMarks>{marks}</AttendanceMarks></AttendSessions>"
        if marks
        else ""
    )
    return (
        f"<YearData><Year>{year}</Year><LEA>{lea}</LEA><Estab>{estab}</Estab>"
        f"<SchoolName>School {estab}</SchoolName>{totals}{sessions}</YearData>"
    )


def pupil_xml(
    upn: str = UPN,
    *,
    details: str = "<NCyearActual>6</NCyearActual>",
    body: str = "",
    years: str = "",
) -> str:
    attendance = f"<Attendance>{years}</Attendance>" if years else ""
    return (
        f"<Pupil><UPN>{upn}</UPN><Surname>Okafor</Surname><Forename>Amara</Forename>"
        f"<DOB>2015-03-02</DOB><Sex>F</Sex><BasicDetails>{details}</BasicDetails>"
        f"{body}{attendance}</Pupil>"
    )


def ctf(tmp_path: Path, *pupils: str, source: str = SENDER, dest: str = TO_RECEIVER) -> Path:
    path = tmp_path / "file.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><CTfile><Header><CTFversion>25.0</CTFversion>'
        f"{source}{dest}</Header><CTFpupilData>{''.join(pupils)}</CTFpupilData></CTfile>",
        encoding="utf-8",
    )
    return path


def make_school(urn: str, name: str, estab: str) -> School:
    return School.objects.create(
        urn=urn,
        name=name,
        phase=Phase.PRIMARY,
        local_authority=local_authority(823, "Somewhere"),
        estab=estab,
    )


@pytest.fixture
def receiver() -> School:
    return make_school("140001", "Elm Academy", "4001")


@pytest.fixture
def sender() -> School:
    return make_school("123456", "Oak Primary", "2001")


# --- which school imports it ------------------------------------------------------------------


def test_a_receiving_school_takes_its_joining_children_and_keeps_their_marks_as_history(
    receiver: School, sender: School, tmp_path: Path
) -> None:
    """Both schools are in Attune: the file is the DestSchool's. The child joins its roll, the
    sender's marks are history, and the receiving school's figures never count them."""
    path = ctf(tmp_path, pupil_xml(years=year_xml()))

    result = attendance_ctf_import(path=path, today=TODAY)

    assert result.school == receiver
    assert (result.added, result.history_years) == (0, 1)
    with school_scope(receiver):
        child = Pupil.objects.get(upn=UPN)
        [kept] = PriorAttendance.objects.filter(pupil=child)
        assert SessionMark.objects.count() == 0
        [row] = school_attendance(date_from=date(2026, 9, 1), date_to=TODAY)
    assert (kept.school_name, kept.lea, kept.estab, kept.at_this_school) == (
        "School 2001",
        "823",
        "2001",
        False,
    )
    assert (row.upn, row.summary.possible) == (UPN, 0)
    with school_scope(sender):
        assert not Pupil.objects.exists()  # the sender's roll is untouched


def test_the_attendance_page_shows_the_history_before_joining(
    receiver: School, tmp_path: Path, client: object
) -> None:
    from attune.attendance.selectors import pupil_attendance_page

    path = ctf(
        tmp_path,
        pupil_xml(
            years=year_xml(marks="/\\/\\IN")
            + year_xml(
                estab="3001",
                marks="",
                totals=(
                    "<SessionsPossible>300</SessionsPossible><SessionsAttended>270</SessionsAttended>"
                    "<SessionsAuthorised>20</SessionsAuthorised><SessionsUnauthorised>10</SessionsUnauthorised>"
                ),
                year="2025",
            )
        ),
    )
    attendance_ctf_import(path=path, today=TODAY)

    with school_scope(receiver):
        page = pupil_attendance_page(Pupil.objects.get(upn=UPN), today=TODAY)
    by_school = {year.school: year for year in page.prior}
    assert by_school["School 2001"].summary is not None
    assert (
        by_school["School 2001"].summary.possible,
        by_school["School 2001"].summary.absence,
    ) == (
        6,
        2,
    )
    assert by_school["School 3001"].totals == (300, 270, 20, 10)
    assert page.summary.possible == 0  # never counted here


def test_school_names_which_school_imports_it(
    receiver: School, sender: School, tmp_path: Path
) -> None:
    path = ctf(tmp_path, pupil_xml(years=year_xml()))

    result = attendance_ctf_import(path=path, today=TODAY, school=sender)

    assert result.school == sender
    assert (result.added, result.history_years) == (6, 0)  # its own year: marks, counted


def test_a_school_loading_its_own_export_when_the_destination_is_not_in_attune(
    sender: School, tmp_path: Path
) -> None:
    path = ctf(tmp_path, pupil_xml(years=year_xml()))

    result = attendance_ctf_import(path=path, today=TODAY)

    assert (result.school, result.added) == (sender, 6)


def test_a_file_from_the_dfe_pupil_service_goes_to_its_destination(
    receiver: School, tmp_path: Path
) -> None:
    path = ctf(tmp_path, pupil_xml(years=year_xml()), source=PUPIL_SERVICE)

    result = attendance_ctf_import(path=path, today=TODAY)

    assert (result.school, result.history_years) == (receiver, 1)


def test_a_pupil_service_file_for_a_school_not_in_attune_asks_for_school(
    db: None, tmp_path: Path
) -> None:
    path = ctf(tmp_path, pupil_xml(), source=PUPIL_SERVICE)

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_ctf_import(path=path, today=TODAY)

    [error] = caught.value.errors
    assert error.code == "ctf.no_school"
    assert "comes from no school (XXX/XXXX)" in error.message
    assert "--school URN" in error.message


def test_the_command_takes_school(receiver: School, sender: School, tmp_path: Path) -> None:
    path = ctf(tmp_path, pupil_xml(years=year_xml()))
    out = io.StringIO()

    call_command("import_ctf", str(path), "--school", "123456", stdout=out)

    assert "into Oak Primary" in out.getvalue()
    with pytest.raises(CommandError, match="We don't have a school with URN 999999"):
        call_command("import_ctf", str(path), "--school", "999999")


# --- FormerUPN --------------------------------------------------------------------------------


def _child_with_temporary_upn(school: School) -> Pupil:
    with school_scope(school):
        return Pupil.objects.create(
            school=school,
            upn=TEMPORARY,
            legal_forename="Amara",
            legal_surname="Okafor",
            date_of_birth=date(2015, 3, 2),
            year_group=6,
        )


def test_a_former_upn_finds_the_child_and_their_upn_is_updated(
    receiver: School, tmp_path: Path
) -> None:
    child = _child_with_temporary_upn(receiver)
    former = f"<FormerUPN>{TEMPORARY}</FormerUPN><NCyearActual>6</NCyearActual>"
    path = ctf(tmp_path, pupil_xml(details=former))

    result = attendance_ctf_import(path=path, today=TODAY)

    assert result.upns_changed == 1
    assert result.pupils is not None and result.pupils.created == 0
    assert "1 child found by a former UPN now carries the new one" in result.summary()
    with school_scope(receiver):
        assert list(Pupil.objects.values_list("pk", "upn")) == [(child.pk, UPN)]
    event = AuditEvent.objects.get(action=Action.PUPIL_UPN_CHANGED)
    assert (event.pupil_id, event.changes["upn"]) == (child.pk, [TEMPORARY, UPN])

    again = attendance_ctf_import(path=path, today=TODAY)  # now found by its UPN
    assert again.upns_changed == 0


def test_a_former_upn_directly_under_pupil_is_read_too(receiver: School, tmp_path: Path) -> None:
    _child_with_temporary_upn(receiver)
    path = ctf(tmp_path, pupil_xml(body=f"<FormerUPN>{TEMPORARY}</FormerUPN>"))

    assert attendance_ctf_import(path=path, today=TODAY).upns_changed == 1


def test_two_records_for_one_child_are_not_merged_but_named(
    receiver: School, tmp_path: Path
) -> None:
    _child_with_temporary_upn(receiver)
    with school_scope(receiver):
        Pupil.objects.create(
            school=receiver,
            upn=UPN,
            legal_forename="Amara",
            legal_surname="Okafor",
            date_of_birth=date(2015, 3, 2),
            year_group=6,
        )
    former = f"<FormerUPN>{TEMPORARY}</FormerUPN><NCyearActual>6</NCyearActual>"

    result = attendance_ctf_import(path=ctf(tmp_path, pupil_xml(details=former)), today=TODAY)

    assert result.upns_changed == 0
    assert any("two children for one child" in notice for notice in result.notices)
    with school_scope(receiver):
        assert Pupil.objects.count() == 2


# --- year X, dated cohorts, totals without marks ------------------------------------------------


def test_a_child_not_following_the_national_curriculum_imports(
    receiver: School, tmp_path: Path
) -> None:
    path = ctf(tmp_path, pupil_xml(details="<NCyearActual>X</NCyearActual>"))

    attendance_ctf_import(path=path, today=TODAY)

    with school_scope(receiver):
        child = Pupil.objects.get(upn=UPN)
    assert (child.year_group, child.year_label) == (
        YEAR_GROUP_X,
        "Not in a National Curriculum year (X)",
    )


COHORTS_XML = (
    "<FSMhistory><FSMinstance><FSMstartDate>2024-09-01</FSMstartDate></FSMinstance></FSMhistory>"
    "<SENhistory><SEN><StartDate>2024-01-10</StartDate><SENprovision>K</SENprovision></SEN>"
    "<SEN><StartDate>2025-06-01</StartDate><SENprovision>E</SENprovision></SEN></SENhistory>"
)


def test_cohorts_take_their_dates_from_the_file(receiver: School, tmp_path: Path) -> None:
    path = ctf(tmp_path, pupil_xml(body=COHORTS_XML))

    attendance_ctf_import(path=path, today=TODAY)

    with school_scope(receiver):
        spans = sorted(CohortMembership.objects.values_list("cohort", "start_date", "end_date"))
    assert spans == [
        (Cohort.EHC_PLAN, date(2025, 6, 1), None),
        (Cohort.FSM, date(2024, 9, 1), None),
        (Cohort.SEN_SUPPORT, date(2024, 1, 10), date(2025, 5, 31)),
    ]
    event = AuditEvent.objects.get(action=Action.PUPIL_COHORTS_DATED)
    assert event.changes["fsm"] == {"before": [], "after": ["2024-09-01 to now"]}

    # The same file again changes nothing; one that ends FSM changes only that.
    attendance_ctf_import(path=path, today=TODAY)
    assert AuditEvent.objects.filter(action=Action.PUPIL_COHORTS_DATED).count() == 1
    ended = COHORTS_XML.replace(
        "<FSMstartDate>2024-09-01</FSMstartDate>",
        "<FSMstartDate>2024-09-01</FSMstartDate><FSMendDate>2025-07-20</FSMendDate>",
    )
    attendance_ctf_import(path=ctf(tmp_path, pupil_xml(body=ended)), today=TODAY)
    with school_scope(receiver):
        fsm = CohortMembership.objects.get(cohort=Cohort.FSM)
    assert (fsm.start_date, fsm.end_date) == (date(2024, 9, 1), date(2025, 7, 20))


def test_the_cohort_report_before_the_import_shows_the_cohorts_the_file_dated(
    receiver: School, tmp_path: Path
) -> None:
    """Imported on 23 November 2026; a report for autumn 2024 shows FSM (from September
    2024) and SEN support (from January 2024), not the EHC plan (from June 2025)."""
    attendance_ctf_import(path=ctf(tmp_path, pupil_xml(body=COHORTS_XML)), today=TODAY)
    out = io.StringIO()

    call_command(
        "cohort_report",
        "--school",
        receiver.urn,
        "--from",
        "2024-09-01",
        "--to",
        "2024-12-20",
        "--format",
        "json",
        stdout=out,
    )

    pupils = {record["cohort"]: record["pupils"] for record in json.loads(out.getvalue())}
    assert (pupils["all"], pupils["fsm"], pupils["sen_support"], pupils["ehc_plan"]) == (1, 1, 1, 0)


def test_totals_without_marks_are_kept_as_history_and_said(sender: School, tmp_path: Path) -> None:
    totals = (
        "<SessionsPossible>12</SessionsPossible><SessionsAttended>10</SessionsAttended>"
        "<SessionsAuthorised>1</SessionsAuthorised><SessionsUnauthorised>1</SessionsUnauthorised>"
    )
    path = ctf(tmp_path, pupil_xml(years=year_xml(marks="", totals=totals)))

    result = attendance_ctf_import(path=path, today=TODAY)

    assert (result.added, result.totals_only_years, result.history_years) == (0, 1, 0)
    assert "1 year had session totals but no marks" in result.summary()
    with school_scope(sender):
        [kept] = PriorAttendance.objects.all()
    assert (kept.at_this_school, kept.sessions_possible, kept.sessions_attended) == (True, 12, 10)


# --- bad values and notices ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "years", "element"),
    [
        (
            "<FSMhistory><FSMinstance><FSMstartDate>0001-01-01</FSMstartDate></FSMinstance>"
            "</FSMhistory>",
            "",
            "FSMstartDate",
        ),
        ("", year_xml(start="1989-12-30"), "AttendanceStartDate"),
        (
            "<SENhistory><SEN><StartDate>2207-01-01</StartDate><SENprovision>K</SENprovision>"
            "</SEN></SENhistory>",
            "",
            "StartDate",
        ),
    ],
)
def test_dates_outside_1990_to_a_year_ahead_are_refused_naming_the_pupil(
    sender: School, tmp_path: Path, body: str, years: str, element: str
) -> None:
    path = ctf(tmp_path, pupil_xml(body=body, years=years))

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_ctf_import(path=path, today=TODAY)

    [error] = caught.value.errors
    assert (error.row, error.field) == (1, element)
    assert error.message.startswith(f"Pupil 1 (UPN {UPN})")


def test_a_nul_character_refuses_the_file_on_every_database(sender: School, tmp_path: Path) -> None:
    path = ctf(tmp_path, pupil_xml().replace("Amara", "Am&#0;ara"))

    with pytest.raises(CommandError, match="isn't well-formed XML"):
        call_command("import_ctf", str(path))
    with school_scope(sender):
        assert not Pupil.objects.exists()


def test_a_upn_with_an_unknown_la_number_is_imported_with_a_warning(
    sender: School, tmp_path: Path
) -> None:
    odd = make_upn(999, 2001, 24, 5)
    path = ctf(tmp_path, pupil_xml(odd))
    err = io.StringIO()

    call_command("import_ctf", str(path), stdout=io.StringIO(), stderr=err)

    assert f"Warning: Pupil 1 (UPN {odd}): characters 2 to 4 of UPN {odd} (999)" in err.getvalue()
    with school_scope(sender):
        assert Pupil.objects.filter(upn=odd).exists()


def test_two_years_from_one_school_are_both_kept(receiver: School, tmp_path: Path) -> None:
    split = year_xml(start="2026-09-07") + year_xml(start="2026-10-05", marks="IN")
    attendance_ctf_import(path=ctf(tmp_path, pupil_xml(years=split)), today=TODAY)

    with school_scope(receiver):
        years = sorted(PriorAttendance.objects.values_list("year", "marks"))
    assert years == [("2026", "/\\/\\IN"), ("2026 (2)", "IN")]
