"""The shared date rules: the range Attune accepts, and lookups for a range of days."""

from __future__ import annotations

from datetime import date

from attune.dates import out_of_range, within


def test_a_range_becomes_lookups_with_either_end_left_open() -> None:
    start, end = date(2026, 9, 1), date(2026, 12, 18)
    assert within("held_on", start, end) == {"held_on__gte": start, "held_on__lte": end}
    assert within("held_on", None, end) == {"held_on__lte": end}
    assert within("held_on", start, None) == {"held_on__gte": start}
    assert within("held_on", None, None) == {}


def test_a_date_before_1990_or_more_than_a_year_ahead_is_a_typo() -> None:
    today = date(2026, 12, 6)
    assert out_of_range(date(2026, 9, 1), today) is None
    assert "before 1990" in (out_of_range(date(1989, 12, 31), today) or "")
    assert "more than a year" in (out_of_range(date(2027, 12, 7), today) or "")
