"""``attune import_attendance``: whole file or nothing, every bad row named, history kept."""

from __future__ import annotations

import contextlib
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import IntegrityError, connection, transaction

from attune.attendance import imports
from attune.attendance.domain.marks_csv import MarkRow
from attune.attendance.imports import AttendanceImportRejected, attendance_csv_import
from attune.attendance.models import AttendanceImport, MarkChange, SessionMark, WeekCounts
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.verify import audit_chain_verify
from attune.people.imports import pupils_import
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
HEADER = "school_urn,upn,date,session,code,minutes_late\n"


def csv_file(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def good(world: SchoolWorld) -> str:
    maya, leo = world.child.upn, world.looked_after_child.upn
    return csv_file(
        f"100001,{maya},2026-09-07,AM,/,",
        f"100001,{maya},2026-09-07,PM,\\,",
        f"100001,{maya},2026-09-08,AM,L,12",
        f"100001,{leo},2026-09-07,AM,I,",
        f"100001,{leo},2026-09-07,PM,H,",
    )


def run(text: str, today: date = TODAY) -> None:
    attendance_csv_import(stream=io.StringIO(text), file_name="marks.csv", today=today)


def marks(world: SchoolWorld) -> list[tuple[str, date, str, str, str, int | None]]:
    with school_scope(world.school):
        return list(
            SessionMark.objects.order_by("pupil__upn", "date", "session").values_list(
                "pupil__upn", "date", "session", "code", "original_code", "minutes_late"
            )
        )


def counts(world: SchoolWorld) -> tuple[int, int, int, int]:
    with school_scope(world.school):
        return (
            SessionMark.objects.count(),
            MarkChange.objects.count(),
            AttendanceImport.objects.count(),
            AuditEvent.objects.filter(action__startswith="attendance.").count(),
        )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "marks.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_stores_every_mark_keeping_the_code_as_written(world: SchoolWorld) -> None:
    run(good(world))

    maya, leo = world.child.upn, world.looked_after_child.upn
    assert marks(world) == sorted(
        [
            (maya, date(2026, 9, 7), "AM", "/", "/", None),
            (maya, date(2026, 9, 7), "PM", "\\", "\\", None),
            (maya, date(2026, 9, 8), "AM", "L", "L", 12),
            (leo, date(2026, 9, 7), "AM", "I", "I", None),
            (leo, date(2026, 9, 7), "PM", "C", "H", None),  # a retired code, mapped and kept
        ]
    )
    assert counts(world) == (5, 0, 1, 2)  # one audit event per pupil


def test_each_pupil_gets_one_audit_event_naming_the_import(world: SchoolWorld) -> None:
    run(good(world))

    with school_scope(world.school):
        source = AttendanceImport.objects.get()
    events = AuditEvent.objects.filter(action=Action.MARKS_IMPORTED).order_by("pupil_id")
    assert {e.pupil_id for e in events} == {world.child.pk, world.looked_after_child.pk}
    assert all(e.changes["import"] == source.pk for e in events)
    assert (source.marks_added, source.marks_replaced, source.marks_unchanged) == (5, 0, 0)


def test_the_same_file_again_changes_nothing(world: SchoolWorld) -> None:
    run(good(world))
    before = marks(world)

    run(good(world))

    assert marks(world) == before
    assert counts(world) == (5, 0, 2, 2)  # a second import record, no new audit events


def test_reimport_replaces_a_changed_mark_and_keeps_the_old_one(world: SchoolWorld) -> None:
    run(good(world))
    maya = world.child.upn

    run(csv_file(f"100001,{maya},2026-09-08,AM,U,40", f"100001,{maya},2026-09-09,AM,/,"))

    assert (maya, date(2026, 9, 8), "AM", "U", "U", 40) in marks(world)
    with school_scope(world.school):
        change = MarkChange.objects.select_related("source").get()
    assert (change.old_code, change.old_minutes_late, change.new_code, change.new_minutes_late) == (
        "L",
        12,
        "U",
        40,
    )
    assert (change.date, change.session, change.pupil_id) == (
        date(2026, 9, 8),
        "AM",
        world.child.pk,
    )
    assert change.source is not None
    assert (change.source.marks_added, change.source.marks_replaced) == (1, 1)
    assert counts(world)[0] == 6


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        ("100001,{maya},2026-09-10,AM,ZZ,", "code", "attendance.unknown_code"),
        ("100001,{maya},2026-09-31,AM,/,", "date", "date.format"),
        ("100001,{maya},2027-01-04,AM,/,", "date", "date.future"),
        ("100001,{maya},2026-09-10,EV,/,", "session", "session.invalid"),
        ("100001,{maya},2026-09-10,AM,L,lots", "minutes_late", "minutes_late.invalid"),
        ("100001,{maya},2026-09-10,AM,/,5", "minutes_late", "minutes_late.not_late"),
        ("100001,{bad_upn},2026-09-10,AM,/,", "upn", "upn.check_letter"),
        ("12345,{maya},2026-09-10,AM,/,", "school_urn", "urn.invalid"),
        ("999999,{maya},2026-09-10,AM,/,", "school_urn", "urn.unknown"),
        ("100001,{other},2026-09-10,AM,/,", "upn", "upn.unknown"),
        ("100001,{maya},2026-09-10,AM,,", "code", "value.required"),
    ],
)
def test_one_bad_row_saves_nothing_and_is_named(
    world: SchoolWorld, other_world: SchoolWorld, row: str, field: str, code: str
) -> None:
    maya = world.child.upn
    bad_upn = ("A" if maya[0] != "A" else "B") + maya[1:]
    text = good(world) + row.format(maya=maya, bad_upn=bad_upn, other=other_world.child.upn) + "\n"

    with pytest.raises(AttendanceImportRejected) as caught:
        run(text)

    errors = [(e.row, e.field, e.code) for e in caught.value.errors]
    assert errors == [(7, field, code)]
    assert counts(world) == (0, 0, 0, 0)


def test_every_bad_row_is_reported_in_row_order(world: SchoolWorld) -> None:
    maya = world.child.upn
    text = csv_file(
        f"999999,{maya},2026-09-01,AM,/,",
        f"100001,{maya},2026-09-07,AM,/,",
        f"100001,{maya},2026-09-07,AM,I,",
        f"100001,{maya},2026-09-08,AM,Q9,",
    )

    with pytest.raises(AttendanceImportRejected) as caught:
        run(text)

    assert [(e.row, e.field, e.code) for e in caught.value.errors] == [
        (2, "school_urn", "urn.unknown"),
        (4, "session", "mark.duplicate"),
        (5, "code", "attendance.unknown_code"),
    ]


def test_a_failing_reimport_leaves_the_earlier_marks_and_history_alone(world: SchoolWorld) -> None:
    run(good(world))
    maya = world.child.upn
    before, before_counts = marks(world), counts(world)

    with pytest.raises(AttendanceImportRejected):
        run(csv_file(f"100001,{maya},2026-09-07,AM,N,", f"100001,{maya},2026-09-08,AM,??,"))

    assert marks(world) == before
    assert counts(world) == before_counts


def test_a_pupil_of_another_school_is_unknown_here(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    with pytest.raises(AttendanceImportRejected) as caught:
        run(csv_file(f"100001,{other_world.child.upn},2026-09-07,AM,/,"))

    [error] = caught.value.errors
    assert error.code == "upn.unknown"
    assert "Hollybrook Primary School has no pupil with UPN" in error.message


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pupils are looked up in SQL on PostgreSQL only"
)


@on_postgresql
def test_a_clean_file_has_its_pupils_looked_up_in_the_comparison(
    world: SchoolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "_pupil_ids_across", lambda upns: pytest.fail("looked up"))

    run(good(world))

    assert len(marks(world)) == 5


@on_postgresql
def test_an_import_first_analyses_a_pupils_table_never_analysed(world: SchoolWorld) -> None:
    """Without statistics PostgreSQL found each mark's pupil through the school index, reading
    the whole roll for every mark: a new school's first year took 36 s rather than 6 s."""
    days = [
        d for d in (date(2025, 9, 1) + timedelta(days=n) for n in range(364)) if d.weekday() < 5
    ]
    rows = [
        f"100001,{child.upn},{day},{session},/,"
        for child in (world.child, world.looked_after_child)
        for day in days
        for session in ("AM", "PM")
    ]
    assert len(rows) >= 1_000  # below that any plan is quick, and nothing is analysed
    with connection.cursor() as cursor:  # as a new database has it
        cursor.execute("UPDATE pg_class SET reltuples = -1 WHERE oid = 'people_pupil'::regclass")

    run(csv_file(*rows))

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'people_pupil'::regclass")
        assert cursor.fetchone()[0] >= 0
    assert counts(world)[0] == len(rows)


@on_postgresql
def test_the_comparison_finds_a_upn_on_no_roll_and_the_file_is_read_again_to_name_it(
    world: SchoolWorld, other_world: SchoolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[bool] = []
    real = imports._csv_import

    def counted(*args: Any, pupils_in_sql: bool) -> list[imports.MarksImport]:
        attempts.append(pupils_in_sql)
        return real(*args, pupils_in_sql=pupils_in_sql)

    monkeypatch.setattr(imports, "_csv_import", counted)

    with pytest.raises(AttendanceImportRejected) as caught:
        run(
            csv_file(
                f"100001,{world.child.upn},2026-09-07,AM,/,",
                f"100001,{other_world.child.upn},2026-09-07,AM,/,",
            )
        )

    assert attempts == [True, False]  # found by the comparison, named by the second reading
    [error] = caught.value.errors
    assert error.code == "upn.unknown" and other_world.child.upn in error.message
    assert counts(world) == (0, 0, 0, 0)


class _OneWay(io.StringIO):
    def seekable(self) -> bool:
        return False


def test_a_file_that_cannot_be_read_again_has_its_pupils_checked_first(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    attendance_csv_import(stream=_OneWay(good(world)), file_name="marks.csv", today=TODAY)
    assert len(marks(world)) == 5

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_csv_import(
            stream=_OneWay(csv_file(f"100001,{other_world.child.upn},2026-09-07,PM,/,")),
            file_name="marks.csv",
            today=TODAY,
        )
    assert [error.code for error in caught.value.errors] == ["upn.unknown"]


def test_the_writer_never_touches_another_schools_mark(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    """Pupil ids come from the school's own roll, so this cannot happen through an import; if
    it ever did, the other school's mark stays as it was (the unique index refuses the row,
    or on PostgreSQL, on a day the school has marks for already, the mark is left out)."""
    run(csv_file(f"100009,{other_world.child.upn},2026-09-07,AM,/,"))
    stolen: dict[Any, list[imports.Mark]] = {
        other_world.child.pk: [(date(2026, 9, 7), "AM", "N", "N", None)]
    }

    with contextlib.suppress(IntegrityError), transaction.atomic():
        writer = imports.MarksWriter("csv", "odd.csv", None, [world.school])
        writer.write({world.school.pk: stolen})
        writer.finish()

    assert marks(other_world) == [(other_world.child.upn, date(2026, 9, 7), "AM", "/", "/", None)]
    with school_scope(other_world.school):
        assert not MarkChange.objects.exists()


def test_one_file_can_carry_two_schools(world: SchoolWorld, other_world: SchoolWorld) -> None:
    run(
        csv_file(
            f"100001,{world.child.upn},2026-09-07,AM,/,",
            f"100009,{other_world.child.upn},2026-09-07,AM,N,",
        )
    )

    assert counts(world)[0] == 1
    assert counts(other_world)[0] == 1


def test_a_file_for_two_schools_keeps_each_schools_import_history_and_counts_apart(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    first = csv_file(
        f"100001,{world.child.upn},2026-09-07,AM,/,",
        f"100009,{other_world.child.upn},2026-09-07,AM,N,",
    )
    run(first)
    again = csv_file(
        f"100009,{other_world.child.upn},2026-09-07,AM,/,",
        f"100009,{other_world.child.upn},2026-09-07,PM,\\,",
        f"100001,{world.child.upn},2026-09-07,AM,I,",
    )

    results = attendance_csv_import(stream=io.StringIO(again), file_name="day.csv", today=TODAY)

    assert [(r.school.urn, r.added, r.replaced, r.unchanged) for r in results] == [
        ("100009", 1, 1, 0),  # in the order the file has them
        ("100001", 0, 1, 0),
    ]
    for w, replaced_code in ((world, "I"), (other_world, "/")):
        with school_scope(w.school):
            latest = AttendanceImport.objects.latest("imported_at", "id")
            [change] = MarkChange.objects.all()
            assert change.source_id == latest.pk and change.new_code == replaced_code
            assert list(WeekCounts.objects.values_list("week", "possible")) == [
                (date(2026, 9, 7), 1 if w is world else 2)
            ]
        assert audit_chain_verify(w.school) is None


def test_in_small_batches_each_child_gets_one_event_with_all_their_marks(
    world: SchoolWorld, other_world: SchoolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file is written a batch at a time; a child whose rows fall in two batches, or a school
    first seen in a later batch, still make one event each and one import record a school."""
    monkeypatch.setattr(imports, "CSV_BATCH", 2)
    text = good(world) + f"100009,{other_world.child.upn},2026-09-07,AM,N,\n"

    results = attendance_csv_import(stream=io.StringIO(text), file_name="day.csv", today=TODAY)

    assert [(r.school.urn, r.added, r.unchanged) for r in results] == [
        ("100001", 5, 0),
        ("100009", 1, 0),
    ]
    events = AuditEvent.objects.filter(action=Action.MARKS_IMPORTED)
    assert sorted((e.pupil_id, e.changes["added"]) for e in events) == sorted(
        [(world.child.pk, 3), (world.looked_after_child.pk, 2), (other_world.child.pk, 1)]
    )
    assert counts(world)[:3] == (5, 0, 1) and counts(other_world)[:3] == (1, 0, 1)
    assert audit_chain_verify() is None


def test_the_first_batches_are_small_and_double_so_the_database_starts_early(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imports, "FIRST_CSV_BATCH", 2)
    rows = [
        MarkRow(n, "100001", f"UPN{n % 3}", date(2026, 9, 7), "AM", "/", "/", None)
        for n in range(1, 21)
    ]

    batches = list(imports._batches(rows, 8))

    sizes = [sum(len(rows) for rows in batch.rows["100001"].values()) for batch in batches]
    assert sizes == [2, 4, 8, 6]
    numbers = [n for b in batches for rows in b.rows["100001"].values() for n in rows]
    assert sorted(numbers) == list(range(1, 21))


def test_a_bad_row_in_a_later_batch_undoes_the_batches_already_written(
    world: SchoolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "CSV_BATCH", 2)
    maya = world.child.upn
    text = good(world) + f"100001,{maya},2026-09-10,AM,ZZ,\n999999,{maya},2026-09-11,AM,/,\n"

    with pytest.raises(AttendanceImportRejected) as caught:
        run(text)

    # Rows 2 to 5 were written before row 7 was read: every bad row is still named, and
    # nothing is kept.
    assert [(e.row, e.code) for e in caught.value.errors] == [
        (7, "attendance.unknown_code"),
        (8, "urn.unknown"),
    ]
    assert counts(world) == (0, 0, 0, 0)
    with school_scope(world.school):
        assert not WeekCounts.objects.exists()


def test_a_missing_column_is_reported(world: SchoolWorld) -> None:
    with pytest.raises(AttendanceImportRejected) as caught:
        run("school_urn,upn,date,code\n100001,X,2026-09-07,/\n")

    assert caught.value.errors[0].code == "header.missing_column"


def test_command_prints_a_summary(world: SchoolWorld, tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import_attendance", str(write(tmp_path, good(world))), stdout=out)

    assert out.getvalue() == (
        "Imported 5 marks into Hollybrook Primary School: 5 new, 0 replaced, "
        "0 already up to date.\n"
    )


def test_command_lists_every_error_and_imports_nothing(world: SchoolWorld, tmp_path: Path) -> None:
    maya = world.child.upn
    text = good(world) + f"100001,{maya},2026-09-09,XX,/,\n999999,{maya},2026-09-10,AM,/,\n"
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^Nothing was imported\."):
        call_command("import_attendance", str(write(tmp_path, text)), stderr=err)

    assert err.getvalue().splitlines() == [
        "Row 7, session: 'XX' isn't a session: use AM or PM.",
        "Row 8, school_urn: We don't have a school with URN 999999. Check the number, or add "
        "the school first with 'attune add_school'.",
    ]
    assert counts(world) == (0, 0, 0, 0)


def test_command_exits_non_zero_with_a_one_line_reason(
    world: SchoolWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, good(world).replace(",I,", ",ZZ,"))

    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["attune", "import_attendance", str(path)])

    assert exit_.value.code != 0
    assert "Row 5, code:" in capsys.readouterr().err


def test_command_explains_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="We couldn't open"):
        call_command("import_attendance", str(tmp_path / "missing.csv"))


def test_the_example_files_import_cleanly(world: SchoolWorld) -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "examples"
    with (docs / "pupils.csv").open("rb") as pupils:
        pupils_import(stream=pupils, today=TODAY)
    with (docs / "attendance.csv").open("rb") as marks:
        [result] = attendance_csv_import(stream=marks, file_name="attendance.csv", today=TODAY)

    assert (result.added, result.replaced) == (4, 0)
