"""The same figures come out of a sync as out of the equivalent CSV imports: the register, the
history of changed marks, the weekly and yearly counts, the report and the audit events.

One school takes its pupils and marks from the Wonde stand-in (a first sync, then a delta);
another takes the same pupils and marks from the pupils CSV and two marks CSVs. Runs on SQLite
and on PostgreSQL, where the writer compares marks in SQL.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from attune.attendance.imports import attendance_csv_import
from attune.attendance.models import MarkChange, SessionMark, WeekCounts, YearCounts
from attune.attendance.report import render_json
from attune.attendance.selectors import school_attendance
from attune.auditlog.models import AuditEvent
from attune.mis.testing import FakeSchool, Record
from attune.mis.testing import student as wonde_student
from attune.mis.tests.conftest import NOW
from attune.people.domain.upn import make_upn
from attune.people.imports import pupils_import
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, weekdays_from

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 5)
FIRST = date(2025, 9, 3)
CODES = ("/", "\\", "L", "U", "I", "M", "N", "O", "G", "C", "X", "#", "B", "E", "H")  # H retired
Mark = tuple[str, date, str, str, int | None]


def registers(upns: list[str], seed: int, days: list[date]) -> list[Mark]:
    rng = random.Random(seed)
    marks = []
    for upn in upns:
        for day in days:
            for session in ("AM", "PM"):
                code = rng.choice(CODES)
                late = rng.randint(1, 40) if code in ("L", "U") else None
                marks.append((upn, day, session, code, late))
    return marks


def marks_csv(urn: str, marks: list[Mark]) -> str:
    lines = ["school_urn,upn,date,session,code,minutes_late"]
    lines += [f"{urn},{u},{d},{s},{c},{'' if m is None else m}" for u, d, s, c, m in marks]
    return "\n".join(lines) + "\n"


def pupils_csv(urn: str, upns: list[str]) -> str:
    header = (
        "school_urn,upn,legal_forename,legal_surname,preferred_name,date_of_birth,sex,"
        "year_group,registration_group"
    )
    rows = [f"{urn},{u},Child{n},Same,,2017-03-14,F,4,4B" for n, u in enumerate(upns)]
    return "\n".join([header, *rows]) + "\n"


def figures(school: Any) -> dict[str, Any]:
    """Everything the two schools should agree on, keyed by UPN rather than by row ids."""
    with school_scope(school):
        upn_of = dict(school_attendance_pupils())
        marks = sorted(
            (upn_of[p], str(d), s, c, o, m)
            for p, d, s, c, o, m in SessionMark.objects.values_list(
                "pupil_id", "date", "session", "code", "original_code", "minutes_late"
            )
            if p in upn_of
        )
        changes = sorted(
            (upn_of[row[0]], *map(str, row[1:]))
            for row in MarkChange.objects.values_list(
                "pupil_id", "date", "session", "old_code", "old_original_code", "new_code"
            )
        )
        weeks = sorted(
            (upn_of[row[0]], *map(str, row[1:]))
            for row in WeekCounts.objects.values_list(
                "pupil_id",
                "week",
                "possible",
                "present",
                "authorised_absence",
                "unauthorised_absence",
            )
        )
        years = sorted(
            (upn_of[row[0]], *map(str, row[1:]))
            for row in YearCounts.objects.values_list("pupil_id", "year", "possible", "present")
        )
        report = render_json([row for row in school_attendance() if row.upn in upn_of.values()])
        audited = sorted(
            (upn_of.get(pid), changes["added"], changes["replaced"])
            for pid, changes in AuditEvent.objects.filter(
                school=school, action="attendance.marks.imported"
            ).values_list("pupil_id", "changes")
        )
    return {
        "marks": marks,
        "changes": changes,
        "weeks": weeks,
        "years": years,
        "report": report,
        "audited": audited,
    }


def school_attendance_pupils() -> list[tuple[Any, str]]:
    from attune.people.models import Pupil

    return list(Pupil.objects.filter(legal_surname="Same").values_list("id", "upn"))


@pytest.mark.parametrize("stage_every", [20_000, 37], ids=["in-memory", "through-the-stage"])
def test_a_sync_gives_the_same_figures_as_the_csv_imports(
    world: SchoolWorld,
    other_world: SchoolWorld,
    mis_school: FakeSchool,
    sync: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    stage_every: int,
) -> None:
    monkeypatch.setattr("attune.mis.sync.run.STAGE_EVERY", stage_every)
    upns = [make_upn(886, 4001, 20, n) for n in range(1, 8)]
    days = weekdays_from(FIRST, 60)
    first = registers(upns, seed=1, days=days)
    rng = random.Random(2)
    delta: list[Mark] = []
    for u, d, s, _, _ in rng.sample(first, 40):
        code = rng.choice(CODES)
        delta.append((u, d, s, code, 5 if code in ("L", "U") else None))

    # The school on the MIS: its students, a first sync, then a delta.
    for n, upn in enumerate(upns):
        data = wonde_student(f"A{n}", upn=upn, forename=f"Child{n}", surname="Same")
        mis_school.students[f"A{n}"] = Record(data, NOW - timedelta(days=1))
    by_upn = {upn: f"A{n}" for n, upn in enumerate(upns)}
    at = datetime(2026, 10, 4, tzinfo=UTC)
    mis_school.add_marks([(by_upn[u], d, s, c, m) for u, d, s, c, m in first], at)
    sync("pupils", "attendance", now=NOW)
    mis_school.add_marks(
        [(by_upn[u], d, s, c, m) for u, d, s, c, m in delta], NOW + timedelta(minutes=1)
    )
    result = sync("attendance", now=NOW + timedelta(minutes=15))["attendance"]
    assert result.error is None and result.counts.get("marks_replaced", 0) > 0

    # The school on files: the same pupils and marks, as CSVs.
    urn = other_world.school.urn
    pupils_import(stream=io.StringIO(pupils_csv(urn, upns)), today=TODAY)
    for name, marks in (("first.csv", first), ("delta.csv", delta)):
        attendance_csv_import(
            stream=io.StringIO(marks_csv(urn, marks)), file_name=name, today=TODAY
        )

    synced, imported = figures(world.school), figures(other_world.school)
    for key in synced:
        assert synced[key] == imported[key], key
    assert len(synced["changes"]) > 0
