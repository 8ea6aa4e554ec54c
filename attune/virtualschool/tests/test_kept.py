"""The county's figures are kept for a while, and never outlive a register import."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attune.attendance.imports import attendance_csv_import
from attune.testing import SchoolWorld, SignedIn
from attune.virtualschool.tests.conftest import Authorities
from attune.virtualschool.tests.test_pages import SCHOOLS_CAPTION, county_url, looked_after, rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_counts")]


def suspended_at_hollybrook(client: Client) -> str:
    header, hollybrook, _ = rows(client.get(county_url() + "?format=csv").text, SCHOOLS_CAPTION)
    return hollybrook[header.index("Suspended or excluded")]


def children_at_hollybrook(client: Client) -> str:
    header, hollybrook, _ = rows(client.get(county_url() + "?format=csv").text, SCHOOLS_CAPTION)
    return hollybrook[header.index("Children in the cohorts")]


def test_the_second_opening_reads_the_kept_figures(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    client = signed_in(las.kent_officer)

    with CaptureQueriesContext(connection) as first:
        page = client.get(county_url())
    with CaptureQueriesContext(connection) as second:
        again = client.get(county_url() + "?format=csv")

    assert len(second) < len(first)

    def counted(done: CaptureQueriesContext) -> bool:
        return any("attendance_yearcounts" in q["sql"] for q in done.captured_queries)

    assert counted(first) and not counted(second)
    assert "Figures worked out at" in page.text
    assert "kept for up to 10 minutes" in page.text
    assert "Figures worked out at" in again.text


def test_an_import_makes_the_next_opening_work_the_figures_out_again(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    children = looked_after(world.school, 6)  # 1 to 5 would be hidden
    client = signed_in(las.kent_officer)
    assert suspended_at_hollybrook(client) == "0"
    day = timezone.localdate() - timedelta(days=1)
    text = "school_urn,upn,date,session,code,minutes_late\n" + "".join(
        f"{world.school.urn},{child.upn},{day},AM,E,\n" for child in children
    )

    attendance_csv_import(stream=io.StringIO(text), file_name="day.csv", today=day)

    assert suspended_at_hollybrook(client) == "6"


def test_other_changes_show_once_the_kept_figures_expire(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn, settings: Any
) -> None:
    settings.ATTUNE_VIRTUAL_SCHOOL_KEEP_SECONDS = 1
    client = signed_in(las.kent_officer)
    assert children_at_hollybrook(client) == "≤5"

    looked_after(world.school, 5)  # no import: the kept figures stand until they expire

    assert children_at_hollybrook(client) == "≤5"
    time.sleep(1.1)
    assert children_at_hollybrook(client) == "6"
