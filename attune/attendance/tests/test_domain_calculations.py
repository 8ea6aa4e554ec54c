"""Attendance measures for a pupil and a cohort: worked examples, edges and properties."""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.attendance.domain.calculations import (
    AttendanceSummary,
    RangeSplit,
    combine,
    lessons_missed_by_subject,
    split_range,
    summarise,
    summarise_cohort,
    week_of,
    weeks_less_days,
    weeks_of_year,
    year_of_week,
    years_less_weeks,
)
from attune.attendance.domain.codes import CODES, Category, UnknownCodeError, read_code


def codes_in(*categories: Category) -> list[str]:
    return sorted(c.code for c in CODES.values() if c.category in categories)


ATTENDING = codes_in(Category.PRESENT, Category.APPROVED_ACTIVITY)
ABSENT = codes_in(Category.AUTHORISED, Category.UNAUTHORISED)
NOT_COUNTED = codes_in(Category.NOT_COUNTED, Category.ADMINISTRATIVE)


def test_a_mixed_fortnight() -> None:
    marks = ["/", "\\", "L", "V", "I", "I", "N", "U", "Y4", "#", "M", "G", "K", "/"]
    s = summarise(marks)
    assert s.possible == 12
    assert s.present == 6  # / \ L V K /
    assert s.approved_activity == 2
    assert (s.authorised_absence, s.unauthorised_absence, s.absence) == (3, 3, 6)
    assert s.not_counted == 2
    assert (s.late_before_close, s.late_after_close, s.lates) == (1, 1, 2)
    assert s.attendance_pct == 50.0
    assert s.absence_rate == 50.0
    assert s.missed_learning_days == 3.0
    assert s.persistent_absence is True
    assert s.severe_absence is True


def test_retired_codes_stored_before_2024_count_as_they_did_then() -> None:
    """Stored H, F, J and Y are pre-2024 marks: holidays were leave, an interview attended,
    an enforced closure not counted (codes.read_code stores them so)."""
    s = summarise(["H", "F", "J", "Y", "X", "/"])
    assert (s.possible, s.authorised_absence, s.present, s.approved_activity) == (4, 2, 2, 1)
    assert s.not_counted == 2


def test_nine_present_and_an_interview_in_october_2023_is_full_attendance() -> None:
    """The issue's pupil: 90% and persistently absent when J was read as J1; 100% by the
    rules of its day."""
    marks = [
        read_code(code, date(2023, 10, 2) + timedelta(days=n // 2)).code
        for n, code in enumerate(["/", "\\"] * 4 + ["/", "J"])
    ]
    s = summarise(marks)
    assert (s.possible, s.attendance_pct, s.persistent_absence) == (10, 100.0, False)
    assert summarise([*marks[:-1], "J1"]).attendance_pct == 90.0


def test_summarise_takes_stored_codes_only() -> None:
    with pytest.raises(UnknownCodeError):
        summarise(["X05"])  # a sub-code is stored as X


def test_unknown_code_stops_the_sum() -> None:
    with pytest.raises(UnknownCodeError) as caught:
        summarise(["/", "?"])
    assert caught.value.code == "attendance.unknown_code"


@pytest.mark.parametrize("marks", [[], ["#", "#"], ["Z", "Y1", "X", "D"]])
def test_no_possible_sessions_means_no_rate(marks: list[str]) -> None:
    s = summarise(marks)
    assert s.possible == 0
    assert s.attendance_pct is None
    assert s.absence_rate is None
    assert s.persistent_absence is None
    assert s.severe_absence is None


def test_rates_are_not_rounded() -> None:
    s = summarise(["/"] * 2 + ["I"])
    assert s.attendance_pct == pytest.approx(200 / 3, rel=1e-12)
    assert s.absence_rate == pytest.approx(100 / 3, rel=1e-12)
    assert s.attendance_pct is not None
    assert s.attendance_pct != round(s.attendance_pct, 2)


@pytest.mark.parametrize(
    ("absent", "possible", "persistent", "severe"),
    [
        (0, 100, False, False),
        (9, 100, False, False),  # one below the line
        (10, 100, True, False),  # exactly 10%
        (19, 190, True, False),  # 10% of a full-ish year
        (18, 190, False, False),
        (49, 100, True, False),
        (50, 100, True, True),  # exactly 50%
        (3, 30, True, False),  # 1/10 that floats would get wrong as 0.1 * 30
        (1, 1, True, True),
    ],
)
def test_persistent_and_severe_lines(
    absent: int, possible: int, persistent: bool, severe: bool
) -> None:
    s = AttendanceSummary(possible=possible, present=possible - absent, authorised_absence=absent)
    assert s.persistent_absence is persistent
    assert s.severe_absence is severe


@dataclass(frozen=True)
class Lesson:
    subject: str
    code: str


def test_lessons_missed_per_subject_lists_every_subject() -> None:
    lessons = [
        Lesson("Maths", "/"),
        Lesson("Maths", "N"),
        Lesson("Maths", "I"),
        Lesson("English", "L"),
        Lesson("English", "/"),
        Lesson("Science", "U"),
        Lesson("Science", "V"),
        Lesson("Art", "#"),
    ]
    assert lessons_missed_by_subject(lessons) == {
        "Art": 0,
        "English": 0,
        "Maths": 2,
        "Science": 1,
    }


def pupil(absent: int, possible: int) -> AttendanceSummary:
    return AttendanceSummary(
        possible=possible, present=possible - absent, unauthorised_absence=absent
    )


def test_cohort_shares_leave_out_pupils_with_no_possible_sessions() -> None:
    cohort = summarise_cohort(
        [pupil(0, 100), pupil(10, 100), pupil(60, 100), pupil(0, 0), pupil(9, 100)]
    )
    assert (cohort.pupils, cohort.pupils_with_possible_sessions) == (5, 4)
    assert (cohort.persistently_absent, cohort.severely_absent) == (2, 1)
    assert cohort.persistent_absence_pct == 50.0
    assert cohort.severe_absence_pct == 25.0


@pytest.mark.parametrize("summaries", [[], [pupil(0, 0), pupil(0, 0)]])
def test_empty_cohort_has_no_share(summaries: list[AttendanceSummary]) -> None:
    cohort = summarise_cohort(summaries)
    assert cohort.persistent_absence_pct is None
    assert cohort.severe_absence_pct is None


# --- properties -------------------------------------------------------------------------

any_marks = st.lists(st.sampled_from(sorted(CODES)), max_size=60)


@given(any_marks)
def test_present_plus_absence_is_possible(marks: list[str]) -> None:
    s = summarise(marks)
    assert s.present + s.absence == s.possible
    assert s.possible + s.not_counted == len(marks)


@given(any_marks, st.lists(st.sampled_from(NOT_COUNTED), max_size=20), st.randoms())
def test_not_counted_codes_never_change_a_rate(
    marks: list[str], extra: list[str], rnd: random.Random
) -> None:
    mixed = marks + extra
    rnd.shuffle(mixed)
    before, after = summarise(marks), summarise(mixed)
    assert after.attendance_pct == before.attendance_pct
    assert after.absence_rate == before.absence_rate
    assert after.persistent_absence == before.persistent_absence
    assert after.severe_absence == before.severe_absence
    assert after.possible == before.possible


@given(any_marks, st.sampled_from(ABSENT))
def test_an_extra_absence_never_raises_attendance(marks: list[str], absence: str) -> None:
    before, after = summarise(marks), summarise([*marks, absence])
    assert after.attendance_pct is not None
    if before.attendance_pct is not None:
        assert after.attendance_pct <= before.attendance_pct
        assert after.absence_rate is not None and before.absence_rate is not None
        assert after.absence_rate >= before.absence_rate


@given(any_marks)
def test_attendance_and_absence_rates_add_to_100(marks: list[str]) -> None:
    s = summarise(marks)
    if s.possible:
        assert s.attendance_pct is not None and s.absence_rate is not None
        assert math.isclose(s.attendance_pct + s.absence_rate, 100.0, rel_tol=1e-12)
    else:
        assert s.attendance_pct is None and s.absence_rate is None


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=30))
def test_cohort_counts_match_the_pupils(pairs: list[tuple[int, int]]) -> None:
    summaries = [pupil(min(a, p), p) for a, p in pairs]
    cohort = summarise_cohort(summaries)
    assert cohort.pupils == len(summaries)
    assert cohort.severely_absent <= cohort.persistently_absent
    assert cohort.persistently_absent <= cohort.pupils_with_possible_sessions
    assert cohort.persistently_absent == sum(bool(s.persistent_absence) for s in summaries)


# --- whole weeks and edge days -----------------------------------------------------------------

_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(_days, st.integers(min_value=-3, max_value=1200))
def test_years_weeks_and_edges_cover_every_day_of_the_range_once(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    split = split_range(start, end)
    covered: list[date] = []

    def whole_weeks(first: date, last: date) -> list[date]:
        assert first.weekday() == 0 and last.weekday() == 0 and first <= last
        return [first + timedelta(days=n) for n in range((last - first).days + 7)]

    for year in split.years:
        covered += whole_weeks(*weeks_of_year(year))
    for first, last in split.weeks:
        covered += whole_weeks(first, last)
    for edge_from, edge_to in split.edges:
        assert edge_from <= edge_to
        covered += [edge_from + timedelta(days=n) for n in range((edge_to - edge_from).days + 1)]
    wanted = [start + timedelta(days=n) for n in range(max(length + 1, 0))]
    assert sorted(covered) == wanted  # every day once: nothing twice, nothing outside
    assert len(split.edges) <= 2 and len(split.weeks) <= 2


@given(
    _days,
    st.integers(min_value=-3, max_value=900),
    _days,
    st.integers(min_value=0, max_value=600),
    st.randoms(use_true_random=False),
)
def test_a_year_less_its_other_weeks_counts_the_same_as_the_weeks(
    start: date, length: int, marked_from: date, marked_length: int, rng: random.Random
) -> None:
    """Whatever is read, each week with marks is counted once, and no other."""
    end = start + timedelta(days=length)
    marked_to = marked_from + timedelta(days=marked_length)
    counts = {}  # marks per week, only where marks lie
    monday = week_of(marked_from)
    while monday <= marked_to:
        counts[monday] = rng.randint(0, 10)
        monday += timedelta(days=7)

    def weeks(first: date, last: date) -> int:
        return sum(n for week, n in counts.items() if first <= week <= last)

    def total(split: RangeSplit) -> int:
        return (
            sum(weeks(*weeks_of_year(year)) for year in split.years)
            + sum(weeks(*run) for run in split.weeks)
            - sum(weeks(*run) for run in split.less_weeks)
        )

    split = split_range(start, end)
    cheaper = years_less_weeks(split, marked_from, marked_to)

    assert total(cheaper) == total(split)
    assert cheaper.edges == split.edges
    assert set(split.years) <= set(cheaper.years)
    assert len(cheaper.weeks) <= 2 and len(cheaper.less_weeks) <= 2
    for first, last in (*cheaper.weeks, *cheaper.less_weeks):
        assert first.weekday() == 0 and last.weekday() == 0
        assert year_of_week(first) == year_of_week(last)  # each run inside one school year


def _days_counted(split: RangeSplit) -> dict[date, int]:
    """How many times each day is counted: added by years, weeks and edges, taken away by the
    weeks and days taken away."""
    counted: dict[date, int] = {}

    def add(first: date, last: date, sign: int) -> None:
        for n in range((last - first).days + 1):
            day = first + timedelta(days=n)
            counted[day] = counted.get(day, 0) + sign

    for year in split.years:
        first, last = weeks_of_year(year)
        add(first, last + timedelta(days=6), 1)
    for runs, sign in ((split.weeks, 1), (split.less_weeks, -1)):
        for first, last in runs:
            add(first, last + timedelta(days=6), sign)
    for stretches, sign in ((split.edges, 1), (split.less_edges, -1)):
        for first, last in stretches:
            assert first <= last
            add(first, last, sign)
    return {day: n for day, n in counted.items() if n}


@given(_days, st.integers(min_value=-3, max_value=900), _days, st.integers(0, 600))
def test_an_odd_stretch_read_as_its_week_less_other_days_counts_each_day_once(
    start: date, length: int, marked_from: date, marked_length: int
) -> None:
    end = start + timedelta(days=length)
    wanted = {start + timedelta(days=n): 1 for n in range(max(length + 1, 0))}
    split = weeks_less_days(split_range(start, end))
    assert _days_counted(split) == wanted
    assert len(split.weeks) <= 2 and len(split.edges) + len(split.less_edges) <= 4
    assert all(first.weekday() == 0 and last.weekday() == 0 for first, last in split.weeks)
    # And then a run of weeks as its year less other weeks (which leaves out weeks without
    # marks): still each day with marks once.
    marked_to = marked_from + timedelta(days=marked_length)
    low, high = week_of(marked_from), week_of(marked_to) + timedelta(days=6)

    def marked(days: dict[date, int]) -> dict[date, int]:
        return {day: n for day, n in days.items() if low <= day <= high}

    cheaper = years_less_weeks(split, marked_from, marked_to)
    assert marked(_days_counted(cheaper)) == marked(wanted)
    assert cheaper.less_edges == split.less_edges


def test_wednesday_to_wednesday_reads_two_weeks_less_four_days() -> None:
    split = weeks_less_days(split_range(date(2026, 11, 4), date(2026, 12, 2)))
    # Wednesday to Friday is three school days, Monday and Tuesday two; Monday to Wednesday
    # three, Thursday and Friday two: both odd stretches become their weeks less the rest.
    assert split.weeks == ((date(2026, 11, 2), date(2026, 11, 30)),)
    assert split.edges == ()
    assert split.less_edges == (
        (date(2026, 11, 2), date(2026, 11, 3)),
        (date(2026, 12, 3), date(2026, 12, 6)),
    )
    # Thursday to Monday: Thursday and Friday, then Monday alone, are fewer than the rest.
    kept = split_range(date(2026, 11, 5), date(2026, 11, 16))
    assert weeks_less_days(kept) == kept


def test_from_september_to_last_week_is_the_year_less_a_week_or_two() -> None:
    split = split_range(date(2026, 9, 7), date(2027, 1, 31))
    assert split.weeks == ((date(2026, 9, 7), date(2027, 1, 25)),)

    cheaper = years_less_weeks(split, date(2026, 9, 1), date(2027, 2, 9))

    assert cheaper.years == (2026,)
    assert cheaper.weeks == ()
    # The weeks of the year with marks, outside the range: 1 to 4 September, 1 to 9 February.
    assert cheaper.less_weeks == (
        (date(2026, 8, 31), date(2026, 8, 31)),
        (date(2027, 2, 1), date(2027, 2, 8)),
    )
    # The autumn half-term alone, with marks until February: the weeks are fewer, so kept.
    autumn = split_range(date(2026, 9, 7), date(2026, 10, 18))
    assert years_less_weeks(autumn, date(2026, 9, 1), date(2027, 2, 9)) == autumn


@given(st.integers(min_value=2000, max_value=2100))
def test_school_years_of_weeks_follow_each_other_without_a_gap(year: int) -> None:
    first, last = weeks_of_year(year)
    assert year_of_week(first) == year == year_of_week(last)
    assert weeks_of_year(year + 1)[0] == last + timedelta(days=7)
    assert year_of_week(first - timedelta(days=7)) == year - 1


def test_a_whole_school_year_is_read_as_one_year() -> None:
    first_monday, last_monday = weeks_of_year(2026)
    assert (first_monday, last_monday) == (date(2026, 8, 3), date(2027, 7, 26))
    split = split_range(date(2026, 8, 1), last_monday + timedelta(days=6))
    assert split.years == (2026,)
    assert split.weeks == ()
    assert split.edges == ((date(2026, 8, 1), date(2026, 8, 2)),)  # the Saturday and Sunday
    # Ending on 31 July leaves the last week's Sunday out, so that year is read as weeks.
    assert split_range(date(2026, 8, 1), date(2027, 7, 31)).years == ()


@given(_days)
def test_a_week_starts_on_the_monday_on_or_before_the_day(day: date) -> None:
    monday = week_of(day)
    assert monday.weekday() == 0 and 0 <= (day - monday).days < 7


_codes = st.lists(st.sampled_from(sorted(CODES)), max_size=40)


@given(_codes, _codes, _codes)
def test_counts_of_the_parts_add_up_to_the_whole(a: list[str], b: list[str], c: list[str]) -> None:
    assert combine([summarise(a), summarise(b), summarise(c)]) == summarise(a + b + c)
