"""Cohort memberships brought into line with the MIS: changed or ended, never deleted."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from attune.mis.domain.cohorts import Plan, Stored, from_flag, from_spans
from attune.mis.domain.wonde import Span

TODAY = date(2026, 10, 5)


def test_a_new_range_is_added_and_a_matching_one_left_alone() -> None:
    stored = [Stored("a", date(2024, 9, 1), None)]
    plan = from_spans(stored, [Span(date(2024, 9, 1), None)], TODAY)
    assert plan.empty
    plan = from_spans([], [Span(date(2024, 9, 1), date(2025, 7, 1))], TODAY)
    assert plan.add == [Span(date(2024, 9, 1), date(2025, 7, 1))]


def test_an_open_range_takes_over_the_membership_a_file_started() -> None:
    stored = [Stored("from-csv", date(2026, 9, 15), None)]
    plan = from_spans(stored, [Span(date(2025, 1, 6), None)], TODAY)
    assert plan.change == {"from-csv": (date(2025, 1, 6), None)} and not plan.add


def test_a_membership_the_mis_no_longer_has_is_ended_yesterday() -> None:
    stored = [
        Stored("a", date(2025, 1, 6), None),
        Stored("old", date(2020, 1, 1), date(2021, 1, 1)),
    ]
    plan = from_spans(stored, [], TODAY)
    assert plan.change == {"a": (date(2025, 1, 6), TODAY - timedelta(days=1))}


def test_a_second_open_range_is_left_out() -> None:
    plan = from_spans([], [Span(date(2024, 1, 1), None), Span(date(2025, 1, 1), None)], TODAY)
    assert plan.add == [Span(date(2025, 1, 1), None)]
    assert [span for span, _ in plan.left_out] == [Span(date(2024, 1, 1), None)]


def test_a_flag_starts_today_or_ends_what_is_open() -> None:
    assert from_flag([], True, TODAY).add == [Span(TODAY, None)]
    assert from_flag([Stored("a", TODAY, None)], False, TODAY).change == {"a": (TODAY, TODAY)}
    assert from_flag([Stored("a", date(2025, 1, 1), None)], True, TODAY).empty


days = st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 12, 31))
spans = st.builds(
    lambda start, length, open_: Span(start, None if open_ else start + timedelta(days=length)),
    days,
    st.integers(0, 900),
    st.booleans(),
)
stored_rows = st.lists(st.builds(lambda s: (s.start, s.end), spans), max_size=4).map(
    lambda rows: [Stored(n, start, end) for n, (start, end) in enumerate(rows)]
)


def applied(stored: list[Stored], plan: Plan) -> list[tuple[date, date | None]]:
    rows = [plan.change.get(s.key, (s.start, s.end)) for s in stored]
    return rows + [(span.start, span.end) for span in plan.add]


@given(stored_rows, st.lists(spans, max_size=4))
def test_after_a_plan_every_range_is_held_nothing_is_lost_and_ends_follow_starts(
    stored: list[Stored], wanted: list[Span]
) -> None:
    plan = from_spans(stored, wanted, TODAY)
    rows = applied(stored, plan)
    assert len(rows) >= len(stored)  # nothing deleted
    kept = {(s.start, s.end) for s in wanted} - {(s.start, s.end) for s, _ in plan.left_out}
    assert kept <= set(rows)
    assert all(end is None or end >= start for start, end in rows)
    assert sum(end is None for _, end in rows) <= max(1, sum(s.end is None for s in stored))
