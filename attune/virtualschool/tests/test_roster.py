"""The authority's list of its children: the file's rules, the whole file or nothing, updates,
a change of school keeping the history, every change audited, and one authority's list never
touching another's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from attune import testing
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.domain.upn import make_upn
from attune.tenancy import authority_scope
from attune.virtualschool.domain.roster_csv import parse_roster
from attune.virtualschool.models import LookedAfterChild, Placement
from attune.virtualschool.roster import RosterImportRejected
from attune.virtualschool.tests.conftest import Authorities
from attune.virtualschool.tests.helpers import import_roster, roster_csv

TODAY = date(2026, 11, 23)
UPN = make_upn(886, 2001, 17, 501)
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "vs_roster.csv"


def codes(stream: object) -> list[tuple[int, str, str]]:
    result = parse_roster(stream, today=TODAY)  # type: ignore[arg-type]
    return [(e.row, e.field, e.code) for e in result.errors]


def test_the_documented_example_reads_cleanly() -> None:
    with EXAMPLE.open("rb") as stream:
        result = parse_roster(stream, today=TODAY)
    assert result.ok, result.errors
    assert [r.child_id for r in result.rows] == ["LAC-00417", "LAC-00522", "LAC-00583"]
    assert result.rows[2].upn == "" and result.rows[2].looked_after_to is None


def test_every_bad_row_is_named_with_its_column() -> None:
    found = codes(
        roster_csv(
            {"child_id": "A", "upn": "X886200117501"},
            {"child_id": "B", "date_of_birth": "2016-02-31", "legal_status": "Q9"},
            {"child_id": "C", "school_urn": "12345", "carer_email": "not-an-email"},
            {"child_id": "D", "looked_after_from": "2027-01-01"},
            {"child_id": "E", "looked_after_from": "2020-01-01", "looked_after_to": "2019-01-01"},
            {"child_id": "A"},
            {"child_id": "", "legal_surname": ""},
        )
    )
    assert (2, "upn", "upn.check_letter") in found or any(
        r == 2 and f == "upn" for r, f, _ in found
    )
    assert (3, "date_of_birth", "date.format") in found
    assert (3, "legal_status", "legal_status.invalid") in found
    assert (4, "school_urn", "urn.invalid") in found
    assert (4, "carer_email", "email.invalid") in found
    assert (5, "looked_after_from", "date.future") in found
    assert (6, "looked_after_to", "date.end_before_start") in found
    assert (7, "child_id", "child_id.duplicate") in found
    assert (8, "child_id", "value.required") in found
    assert (8, "legal_surname", "value.required") in found


def test_the_header_must_have_exactly_the_rosters_columns() -> None:
    header = ("child_id", "legal_forename", "extra")
    found = codes(roster_csv({"child_id": "A"}, header=header))
    assert (1, "extra", "header.unknown") in found
    assert any(code == "header.missing_column" for _, _, code in found)


def test_a_repeated_upn_is_named_on_both_rows() -> None:
    found = codes(roster_csv({"child_id": "A", "upn": UPN}, {"child_id": "B", "upn": UPN}))
    assert found == [(3, "upn", "upn.duplicate")]


@pytest.mark.django_db
def test_a_roster_with_children_on_attune_not_on_attune_and_out_of_area_imports(
    las: Authorities,
) -> None:
    result = import_roster(
        las.kent,
        {"child_id": "K1", "upn": UPN, "school_urn": "100001"},
        {"child_id": "K2", "school_urn": "139876", "school_name": "Marsh Lane Academy"},
        {"child_id": "K3", "school_urn": "100009", "school_name": "Riverside Academy"},
        today=TODAY,
    )
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    with authority_scope(las.kent):
        assert LookedAfterChild.objects.count() == 3
        assert set(Placement.objects.values_list("school_urn", flat=True)) == {
            "100001",
            "139876",
            "100009",
        }
    events = AuditEvent.objects.filter(action=Action.VS_ROSTER_CHILD_ADDED.value)
    assert events.count() == 3 and all(e.school_id is None for e in events)


@pytest.mark.django_db
def test_a_bad_row_saves_nothing(las: Authorities) -> None:
    with pytest.raises(RosterImportRejected) as rejected:
        import_roster(
            las.kent,
            {"child_id": "K1"},
            {"child_id": "K2", "legal_status": "XX"},
            today=TODAY,
        )
    assert [(e.row, e.field) for e in rejected.value.errors] == [(3, "legal_status")]
    with authority_scope(las.kent):
        assert not LookedAfterChild.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_reimporting_updates_and_a_change_of_school_keeps_the_history(las: Authorities) -> None:
    import_roster(las.kent, {"child_id": "K1", "school_urn": "139876"}, today=date(2026, 9, 7))
    same = import_roster(las.kent, {"child_id": "K1", "school_urn": "139876"}, today=TODAY)
    assert (same.added, same.updated, same.unchanged) == (0, 0, 1)
    moved = import_roster(
        las.kent,
        {
            "child_id": "K1",
            "school_urn": "100001",
            "legal_surname": "Thornbury-Hale",
            "legal_status": "E1",
        },
        today=TODAY,
    )
    assert (moved.updated, moved.moved) == (1, 1)
    assert "changed school" in moved.summary()
    with authority_scope(las.kent):
        child = LookedAfterChild.objects.get()
        assert child.legal_surname == "Thornbury-Hale"
        history = list(
            child.placements.order_by("started_on").values_list(
                "school_urn", "started_on", "ended_on"
            )
        )
    assert history == [
        ("139876", date(2026, 9, 7), date(2026, 11, 22)),
        ("100001", TODAY, None),
    ]
    updated = AuditEvent.objects.get(action=Action.VS_ROSTER_CHILD_UPDATED.value)
    # Codes and dates keep their values; a name keeps only that it changed.
    assert updated.changes == {"legal_surname": "changed", "legal_status": ["C2", "E1"]}
    assert updated.pupil_id == child.pk
    school_change = AuditEvent.objects.get(action=Action.VS_ROSTER_SCHOOL_CHANGED.value)
    assert school_change.changes == {"school_urn": ["139876", "100001"]}


@pytest.mark.django_db
def test_a_school_renamed_in_the_file_is_audited_too(las: Authorities) -> None:
    import_roster(las.kent, {"child_id": "K1", "school_urn": "139876"}, today=TODAY)
    renamed = import_roster(
        las.kent,
        {"child_id": "K1", "school_urn": "139876", "school_name": "Marsh Lane School"},
        today=TODAY,
    )
    assert (renamed.updated, renamed.moved) == (1, 0)
    event = AuditEvent.objects.get(action=Action.VS_ROSTER_CHILD_UPDATED.value)
    assert event.changes["school_name"][1] == "Marsh Lane School"


@pytest.mark.django_db
def test_each_authoritys_list_is_its_own(las: Authorities) -> None:
    import_roster(las.kent, {"child_id": "SAME"}, today=TODAY)
    import_roster(las.medway, {"child_id": "SAME", "legal_forename": "Other"}, today=TODAY)
    with authority_scope(las.kent):
        assert [c.legal_forename for c in LookedAfterChild.objects.all()] == ["Amelia"]
    with authority_scope(las.medway):
        assert [c.legal_forename for c in LookedAfterChild.objects.all()] == ["Other"]


@pytest.mark.django_db
def test_a_query_outside_an_authority_raises(las: Authorities) -> None:
    from django_scopes.exceptions import ScopeError

    import_roster(las.kent, {"child_id": "K1"}, today=TODAY)
    with pytest.raises(ScopeError):
        list(LookedAfterChild.objects.all())


@pytest.mark.django_db
def test_the_command_imports_the_documented_example(las: Authorities, capsys: object) -> None:
    call_command("import_vs_roster", str(EXAMPLE), "--la", "886")
    with authority_scope(las.kent):
        assert LookedAfterChild.objects.count() == 3
    with pytest.raises(CommandError, match="number 999"):
        call_command("import_vs_roster", str(EXAMPLE), "--la", "999")


@pytest.mark.django_db
def test_the_command_lists_every_problem(las: Authorities, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(roster_csv({"child_id": "K1", "legal_status": "ZZ"}).getvalue())
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_vs_roster", str(bad), "--la", "886")
    assert testing.local_authority().code == 886
