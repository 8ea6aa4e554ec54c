"""On SQLite, each request leaves the planner statistics for the tables it read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from attune import sqlite_stats
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum does this")
def test_a_request_leaves_statistics_for_every_table_with_rows(
    world: SchoolWorld, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in(world.lead)
    monkeypatch.setattr(sqlite_stats, "next_run", 0.0)  # as in a process just started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")  # rolled back with the test
    assert analysed_tables() == set()

    page = reverse("children:pupil", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})
    assert client.get(page).status_code == 200

    read = analysed_tables()
    # Those the page read, and those it did not (the migrations applied).
    assert {"people_pupil", "people_cohortmembership", "django_migrations"} <= read
    assert "attendance_sessionmark" not in read  # no marks: nothing to analyse

    # Then not again for a while in this process, however much is missing.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE sqlite_stat1")
    assert client.get(page).status_code == 200
    assert analysed_tables() == set()
