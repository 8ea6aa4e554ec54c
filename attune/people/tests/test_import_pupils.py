"""Importing the pupils CSV: whole file or nothing, matched by UPN, cohorts kept, all audited."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from pytest_django import DjangoAssertNumQueries

from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.domain.upn import make_upn
from attune.people.imports import PupilImportRejected, SchoolImport, pupils_import
from attune.people.models import Cohort, CohortMembership, Pupil
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
YESTERDAY = TODAY - timedelta(days=1)
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "pupils.csv"
HEADER = (
    "school_urn,upn,legal_forename,legal_surname,preferred_name,date_of_birth,sex,year_group,"
    "registration_group,looked_after,previously_looked_after,child_in_need,"
    "child_protection_plan,social_worker_ever6,kinship_care,fsm,eal,sen\n"
)
UPN_1 = make_upn(886, 3001, 25, 1)
UPN_2 = make_upn(886, 3001, 25, 2)
UPN_3 = make_upn(886, 3001, 25, 3)
NO_FLAGS = ",,,,,,,"  # eight empty flag cells


def csv_file(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def run(text: str, today: date = TODAY) -> list[SchoolImport]:
    return pupils_import(stream=io.StringIO(text), today=today)


def rejected(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(PupilImportRejected) as caught:
        run(text)
    return [(error.row, error.field, error.code) for error in caught.value.errors]


def pupil(world: SchoolWorld, upn: str) -> Pupil:
    with school_scope(world.school):
        return Pupil.objects.get(upn=upn)


def open_cohorts(world: SchoolWorld, person: Pupil) -> set[str]:
    with school_scope(world.school):
        return set(
            CohortMembership.objects.filter(pupil=person, end_date__isnull=True).values_list(
                "cohort", flat=True
            )
        )


GOOD = csv_file(
    f"100001,{UPN_1},Amelia,Thornbury,Millie,2016-10-04,F,4,4B,Y,N,,,,,Y,,K",
    f"100001,{UPN_2},Oscar,Penhaligon,,2022-02-19,M,N1,,{NO_FLAGS},",
)


def test_a_good_file_creates_pupils_and_their_cohorts(world: SchoolWorld) -> None:
    [result] = run(GOOD)

    assert (result.created, result.updated, result.cohorts_started) == (2, 0, 3)
    amelia, oscar = pupil(world, UPN_1), pupil(world, UPN_2)
    assert (amelia.known_as, amelia.legal_surname, amelia.sex) == ("Millie", "Thornbury", "F")
    assert (amelia.date_of_birth, amelia.year_group, amelia.registration_group) == (
        date(2016, 10, 4),
        4,
        "4B",
    )
    assert (oscar.year_group, oscar.preferred_name, oscar.registration_group) == (-2, "", "")
    assert open_cohorts(world, amelia) == {Cohort.LOOKED_AFTER, Cohort.FSM, Cohort.SEN_SUPPORT}
    assert open_cohorts(world, oscar) == set()
    with school_scope(world.school):
        assert {m.start_date for m in CohortMembership.objects.filter(pupil=amelia)} == {TODAY}


def test_new_pupils_in_a_vulnerable_cohort_are_listed_for_a_key_adult(world: SchoolWorld) -> None:
    run(GOOD)

    assert pupil(world, UPN_1).needs_key_adult is True  # looked after
    assert pupil(world, UPN_2).needs_key_adult is False


def test_reimport_updates_by_upn_and_a_second_run_changes_nothing(world: SchoolWorld) -> None:
    run(GOOD)
    first_id = pupil(world, UPN_1).pk
    changed = GOOD.replace(
        "Thornbury,Millie,2016-10-04,F,4,4B", "Thornbury-Vale,,2016-10-04,F,5,5B"
    )

    [result] = run(changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    amelia = pupil(world, UPN_1)
    assert amelia.pk == first_id
    assert (amelia.legal_surname, amelia.preferred_name, amelia.year_group) == (
        "Thornbury-Vale",
        "",
        5,
    )

    events = AuditEvent.objects.count()
    [again] = run(changed)
    assert (again.created, again.updated, again.unchanged, again.cohorts_started) == (0, 0, 2, 0)
    assert AuditEvent.objects.count() == events
    with school_scope(world.school):
        assert Pupil.objects.filter(upn__in=[UPN_1, UPN_2]).count() == 2
        assert CohortMembership.objects.filter(pupil=amelia).count() == 3


def test_an_existing_pupil_keeps_the_schools_own_key_adult_choice(world: SchoolWorld) -> None:
    child = world.child  # needs a key adult, and is in no cohort
    row = f"100001,{child.upn},Maya,Fletcher,,2017-03-14,F,4,4B,N,N,N,N,N,N,N,N,N"

    [result] = run(csv_file(row))

    assert result.updated == 1
    assert pupil(world, child.upn).needs_key_adult is True


def test_flag_n_ends_a_current_membership_yesterday(world: SchoolWorld) -> None:
    child = world.looked_after_child  # looked after since 2024-09-01
    row = f"100001,{child.upn},Leo,Brennan,,2017-03-14,M,4,4B,N{',' * 8}"

    [result] = run(csv_file(row))

    assert (result.cohorts_started, result.cohorts_ended) == (0, 1)
    with school_scope(world.school):
        membership = CohortMembership.objects.get(pupil=child, cohort=Cohort.LOOKED_AFTER)
    assert (membership.start_date, membership.end_date) == (date(2024, 9, 1), YESTERDAY)
    [again] = run(csv_file(row))
    assert (again.cohorts_ended, again.unchanged) == (0, 1)


def test_an_empty_flag_leaves_the_cohort_alone(world: SchoolWorld) -> None:
    child = world.looked_after_child
    row = f"100001,{child.upn},Leo,Brennan,,2017-03-14,M,4,4B,{NO_FLAGS},"

    run(csv_file(row))

    assert open_cohorts(world, pupil(world, child.upn)) == {Cohort.LOOKED_AFTER}


def test_a_membership_begun_today_and_ended_today_stays_valid(world: SchoolWorld) -> None:
    start = csv_file(f"100001,{UPN_1},Amelia,Thornbury,,2016-10-04,F,4,4B,,,,,,,Y,,")
    end = start.replace(",Y,,\n", ",N,,\n")
    run(start)

    [result] = run(end)

    assert result.cohorts_ended == 1
    with school_scope(world.school):
        membership = CohortMembership.objects.get(pupil__upn=UPN_1, cohort=Cohort.FSM)
    assert (membership.start_date, membership.end_date) == (TODAY, TODAY)
    assert run(end)[0].unchanged == 1


def test_sen_status_moves_between_support_and_ehc_plan(world: SchoolWorld) -> None:
    row = f"100001,{UPN_1},Amelia,Thornbury,,2016-10-04,F,4,4B,{NO_FLAGS},"
    run(csv_file(row + "K"))

    [result] = run(csv_file(row + "E"))

    assert (result.cohorts_started, result.cohorts_ended) == (1, 1)
    assert open_cohorts(world, pupil(world, UPN_1)) == {Cohort.EHC_PLAN}


def test_several_bad_rows_save_nothing_and_are_all_reported(world: SchoolWorld) -> None:
    before = AuditEvent.objects.count()
    text = csv_file(
        f"100001,{UPN_1},Amelia,Thornbury,,2016-10-04,F,4,4B,{NO_FLAGS},",
        f"100001,{UPN_2},Oscar,Penhaligon,,2016-02-30,M,4,4B,{NO_FLAGS},",
        f"100001,{UPN_3},Zainab,Okonjo,,2019-06-30,X,Y15,2R,{NO_FLAGS},",
        f"100001,{UPN_1},Isla,Marchetti,,2015-01-27,F,6,6W,maybe,,,,,,,,",
    )

    assert rejected(text) == [
        (3, "date_of_birth", "date.format"),
        (4, "sex", "sex.invalid"),
        (4, "year_group", "year_group.invalid"),
        (5, "looked_after", "flag.invalid"),
        (5, "upn", "upn.duplicate"),
    ]
    with school_scope(world.school):
        assert not Pupil.objects.filter(upn=UPN_1).exists()
    assert AuditEvent.objects.count() == before


def test_an_unknown_school_urn_is_a_row_error(world: SchoolWorld) -> None:
    text = csv_file(
        f"100001,{UPN_1},Amelia,Thornbury,,2016-10-04,F,4,4B,{NO_FLAGS},",
        f"999999,{UPN_2},Oscar,Penhaligon,,2016-02-19,M,4,4B,{NO_FLAGS},",
    )

    assert rejected(text) == [(3, "school_urn", "urn.unknown")]
    with school_scope(world.school):
        assert not Pupil.objects.filter(upn=UPN_1).exists()


def test_one_file_can_carry_several_schools(world: SchoolWorld, other_world: SchoolWorld) -> None:
    text = csv_file(
        f"100001,{UPN_1},Amelia,Thornbury,,2016-10-04,F,4,4B,{NO_FLAGS},",
        f"100009,{UPN_2},Oscar,Penhaligon,,2016-02-19,M,4,4B,{NO_FLAGS},",
        f"100009,{UPN_3},Zainab,Okonjo,,2019-06-30,F,2,2R,{NO_FLAGS},",
    )

    results = run(text)

    assert [(r.school.urn, r.created) for r in results] == [("100001", 1), ("100009", 2)]
    with school_scope(world.school):
        assert list(Pupil.objects.filter(upn__in=[UPN_1, UPN_2, UPN_3]).values_list("upn")) == [
            (UPN_1,)
        ]
    with school_scope(other_world.school):
        assert Pupil.objects.filter(upn__in=[UPN_2, UPN_3]).count() == 2


def test_each_created_or_updated_pupil_gets_one_audit_event(world: SchoolWorld) -> None:
    run(GOOD)
    added = AuditEvent.objects.filter(action=Action.PUPIL_IMPORT_ADDED)
    amelia = pupil(world, UPN_1)
    event = added.get(pupil_id=amelia.pk)
    assert added.count() == 2
    assert (event.school_id, event.actor_id, event.actor_label) == (world.school.pk, None, "system")
    assert event.changes["legal_surname"] == [None, "Thornbury"]
    assert event.changes["date_of_birth"] == [None, "2016-10-04"]
    assert set(event.changes["cohorts_started"]) == {"looked_after", "fsm", "sen_support"}

    run(GOOD.replace(",Thornbury,", ",Thornbury-Vale,").replace("4B,Y,N,,,,,Y,,K", "4B,N,,,,,,,,"))

    [update] = AuditEvent.objects.filter(action=Action.PUPIL_IMPORT_UPDATED)
    assert update.pupil_id == amelia.pk
    assert update.changes == {
        "legal_surname": ["Thornbury", "Thornbury-Vale"],
        "cohorts_ended": ["looked_after"],
    }


def test_the_example_file_imports_cleanly(world: SchoolWorld) -> None:
    with EXAMPLE.open("rb") as stream:
        [result] = pupils_import(stream=stream, today=TODAY)

    assert (result.school, result.created) == (world.school, 5)


def test_a_large_file_stays_within_a_fixed_number_of_queries_per_pupil(
    world: SchoolWorld, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    rows = [
        f"100001,{make_upn(886, 3002, 25, n)},Pupil,Number{n},,2016-10-04,F,4,4B,{NO_FLAGS},"
        for n in range(300)
    ]
    # Bulk writes for pupils and cohorts; the audit chain adds a handful of queries a pupil.
    with django_assert_max_num_queries(300 * 5 + 20):
        run(csv_file(*rows))


# --- the command -----------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pupils.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_command_prints_a_summary(world: SchoolWorld, tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import_pupils", str(write(tmp_path, GOOD)), stdout=out)

    assert out.getvalue() == (
        "Imported 2 pupils into Hollybrook Primary School: 2 new, 0 updated; "
        "3 cohort memberships started, 0 ended.\n"
    )


def test_command_lists_every_error_and_imports_nothing(world: SchoolWorld, tmp_path: Path) -> None:
    text = GOOD.replace("2016-10-04", "2016-13-04").replace("100001,", "999999,", 2)
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^Nothing was imported\."):
        call_command("import_pupils", str(write(tmp_path, text)), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Row 2, date_of_birth: '2016-13-04' isn't a real date")
    assert lines[1].startswith("Row 3, school_urn: We don't have a school with URN 999999.")
    assert len(lines) == 2


def test_command_exits_non_zero_on_a_bad_file(
    world: SchoolWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD.replace(",F,", ",Q,"))

    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["attune", "import_pupils", str(path)])

    assert exit_.value.code != 0
    assert "Row 2, sex:" in capsys.readouterr().err


def test_command_explains_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="We couldn't open"):
        call_command("import_pupils", str(tmp_path / "missing.csv"))


def test_a_upn_with_an_unknown_la_number_is_imported_with_a_warning_naming_it(
    world: SchoolWorld, tmp_path: Path
) -> None:
    odd = make_upn(999, 3001, 25, 9)
    text = csv_file(f"100001,{odd},Ada,Quill,,2016-10-04,F,4,4B,{NO_FLAGS},")
    out, err = io.StringIO(), io.StringIO()

    call_command("import_pupils", str(write(tmp_path, text)), stdout=out, stderr=err)

    assert out.getvalue().startswith("Imported 1 pupil into Hollybrook Primary School: 1 new")
    assert err.getvalue() == (
        f"Warning: Row 2, upn: characters 2 to 4 of UPN {odd} (999) are not a local authority "
        "number the DfE uses, so the school census would reject it; check it with the school "
        "that gave it.\n"
    )
    assert pupil(world, odd).legal_forename == "Ada"


def test_year_x_is_a_year_group(world: SchoolWorld) -> None:
    """NC year X: not following the National Curriculum (common in special schools)."""
    run(csv_file(f"100001,{UPN_3},Kit,Marsh,,2012-05-01,F,x,,{NO_FLAGS},"))

    assert pupil(world, UPN_3).year_label == "Not in a National Curriculum year (X)"
