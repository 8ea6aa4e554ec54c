"""When each kind is due: registers every 15 minutes in the school day, the rest nightly."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from attune.mis.domain.schedule import Timetable, due, parse_school_day

LONDON = ZoneInfo("Europe/London")
TIMETABLE = Timetable()
MONDAY_10AM = datetime(2026, 10, 5, 10, 0, tzinfo=LONDON)
ALL = ["pupils", "staff", "contacts", "groups", "attendance"]


def started(at: datetime) -> dict[str, datetime | None]:
    return dict.fromkeys(ALL, at)


def test_never_synced_means_everything_is_due() -> None:
    assert due(MONDAY_10AM, {}, TIMETABLE) == ALL


def test_in_the_school_day_registers_every_15_minutes() -> None:
    assert due(MONDAY_10AM, started(MONDAY_10AM - timedelta(minutes=14)), TIMETABLE) == []
    assert due(MONDAY_10AM, started(MONDAY_10AM - timedelta(minutes=15)), TIMETABLE) == [
        "attendance"
    ]


def test_outside_the_school_day_and_at_weekends_registers_wait_for_the_night() -> None:
    evening = datetime(2026, 10, 5, 19, 0, tzinfo=LONDON)
    assert due(evening, started(evening - timedelta(hours=2)), TIMETABLE) == []
    saturday = datetime(2026, 10, 10, 11, 0, tzinfo=LONDON)
    assert due(saturday, started(saturday - timedelta(hours=2)), TIMETABLE) == []


def test_every_kind_once_a_night_and_a_missed_night_is_caught_up() -> None:
    night = datetime(2026, 10, 6, 2, 1, tzinfo=LONDON)
    assert due(night, started(night - timedelta(hours=10)), TIMETABLE) == ALL
    afternoon = datetime(2026, 10, 6, 17, 0, tzinfo=LONDON)
    assert due(afternoon, started(night - timedelta(days=1)), TIMETABLE) == ALL


def test_the_school_day_is_read_from_settings() -> None:
    assert parse_school_day("08:15-15:45") == (time(8, 15), time(15, 45))
    for bad in ("8-9-10", "16:00-08:00", "soon"):
        with pytest.raises(ValueError, match="school day"):
            parse_school_day(bad)
