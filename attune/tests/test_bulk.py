"""Rows written in bulk read back as rows written one at a time by Django."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import transaction

from attune.attendance.models import MarkChange
from attune.bulk import insert_rows
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

COLUMNS = ("school_id", "pupil_id", "date", "session", "old_code", "old_original_code",
           "new_code", "new_original_code", "changed_at")  # fmt: skip


def test_times_written_in_bulk_sort_and_filter_with_djangos_own(world: SchoolWorld) -> None:
    """On SQLite a time is text: written as Django writes it (a space, no offset), a bulk
    row at 11:00 sorts before Django's own at 12:00 the same day, as it should."""
    school, child = world.school, world.child
    with school_scope(school):
        MarkChange.objects.create(
            school=school, pupil=child, date=date(2026, 12, 7), session="AM", old_code="/",
            old_original_code="/", new_code="N", new_original_code="N",
            changed_at=datetime(2026, 12, 7, 12, 0, tzinfo=UTC),
        )  # fmt: skip
        with transaction.atomic():
            insert_rows(
                MarkChange,
                COLUMNS,
                [(school.pk, child.pk, date(2026, 12, 7), "PM", "/", "/", "L", "L",
                  datetime(2026, 12, 7, 11, 0, tzinfo=UTC))],
            )  # fmt: skip
        ordered = list(MarkChange.objects.order_by("changed_at").values_list("new_code", flat=True))
        before_noon = MarkChange.objects.filter(
            changed_at__lt=datetime(2026, 12, 7, 11, 30, tzinfo=UTC)
        )
        assert ordered == ["L", "N"]
        assert list(before_noon.values_list("new_code", flat=True)) == ["L"]
        assert MarkChange.objects.get(new_code="L").changed_at == datetime(
            2026, 12, 7, 11, 0, tzinfo=UTC
        )
