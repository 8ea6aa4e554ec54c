"""No export cell starts with a formula character: every CSV Attune serves, and the one CSV
writer every export goes through.

The child, their key adult and the early-years visit carry text a spreadsheet would run
(``=HYPERLINK(...)``, ``+1``, ``-2+3``, ``@SUM``); every URL is fetched as the DSL headteacher
(and, for the Virtual School's pages, an officer, with ``?format=csv`` as its pages offer), and
every cell of every CSV that comes back is checked.
"""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from django.test import Client

from attune.accounts.testing import sign_in_fully
from attune.attendance.report import render_csv
from attune.csv_files import FORMULA_STARTS
from attune.tenancy import school_scope
from attune.testing import SchoolWorld
from attune.tests import child_records
from attune.tests.child_records import ChildRecords
from attune.tests.test_marker_crawl import urls
from attune.wholeschool.models import RelationalAuditRating
from attune.wholeschool.selectors import template_of
from attune.wholeschool.services import relational_audit_start

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[1]


@pytest.fixture
def records(world: SchoolWorld) -> ChildRecords:
    built = child_records.build(world)
    with school_scope(world.school):
        child = built.child
        child.legal_forename = '=HYPERLINK("http://example.invalid","x")'
        child.preferred_name = "+1"
        child.save(update_fields=["legal_forename", "preferred_name"])
        world.key_adult.first_name = "@SUM(A1)"
        world.key_adult.save(update_fields=["first_name"])
        visit = child.ey_visits.get()
        visit.brought_by = "-2+3"
        visit.save(update_fields=["brought_by"])
        # A Relational Approaches Audit with evidence that looks like a formula.
        run = relational_audit_start(
            actor=world.lead, school=world.school, today=child_records.TODAY
        )
        item = template_of(run).areas[0].sections[0].items[0].id
        RelationalAuditRating.objects.create(
            school=world.school, run=run, item_id=item, rating="amber", evidence="=1+1"
        )
        built.add_id("run_id", run.pk)
    return built


def csv_cells(response: object) -> list[str] | None:
    """Every cell of a CSV answer, or None if the answer is not a CSV."""
    if not str(response.get("Content-Type", "")).startswith("text/csv"):  # type: ignore[attr-defined]
        return None
    content = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if getattr(response, "streaming", False)
        else response.content  # type: ignore[attr-defined]
    )
    return [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]


def test_no_cell_of_any_export_starts_with_a_formula_character(records: ChildRecords) -> None:
    from attune.virtualschool.tests.conftest import officer

    world = records.world
    assert world.school.local_authority is not None
    head = sign_in_fully(Client(), child_records.dsl_head(world))
    vs = sign_in_fully(Client(), officer(world.school.local_authority))
    pages = [(head, url) for url in urls(records, authority=False)]
    pages += [(vs, f"{url}?format=csv") for url in urls(records, authority=True)]
    exports, dangerous = [], []
    for client, url in pages:
        cells = csv_cells(client.get(url))
        if cells is None:
            continue
        exports.append(url)
        dangerous += [(url, cell) for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not dangerous, dangerous
    print(f"\n{len(exports)} CSV exports checked: {exports}")
    # The school's cohort figures, its audit trail, the early-years day record, the Relational
    # Approaches Audit's results, and the Virtual School's county, school and child pages.
    assert len(exports) >= 7, exports


def test_the_attendance_report_command_defuses_text_too() -> None:
    """The command's CSV holds UPNs and numbers only; negative figures never occur, but text
    that looks like one would be defused by the same writer."""
    from attune.csv_files import text

    assert text(["upn"], [["-A123"], [-1]]) == "upn\n'-A123\n-1\n"
    assert render_csv([]) == text(
        [
            "upn",
            "possible_sessions",
            "present_sessions",
            "authorised_absence_sessions",
            "unauthorised_absence_sessions",
            "attendance_pct",
            "persistent_absence",
            "severe_absence",
        ],
        [],
    )


def test_only_the_one_writer_writes_csv() -> None:
    """Reading CSV is fine anywhere; writing it goes through ``attune/csv_files.py``."""
    writers = []
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or path.name == "csv_files.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
                and node.attr in {"writer", "DictWriter"}
            ):
                writers.append(str(path.relative_to(SOURCE)))
    assert not writers, writers
