from __future__ import annotations

from datetime import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune.earlyyears.domain.day import (
    Sleep,
    Visit,
    check_sign_in,
    check_sign_out,
    check_sleep,
    day_problems,
    hours_label,
    key_person_today,
    minutes,
    minutes_attended,
    open_sleep_problem,
)

T = time


@pytest.mark.parametrize(
    ("existing", "at", "code"),
    [
        ([], T(8, 0), None),
        ([Visit(T(8, 0))], T(9, 0), "register.already_in"),
        ([Visit(T(8, 0), T(12, 0))], T(10, 0), "register.already_in"),
        ([Visit(T(8, 0), T(12, 0))], T(8, 0), "register.already_in"),
        ([Visit(T(8, 0), T(12, 0))], T(12, 0), None),
        ([Visit(T(8, 0), T(12, 0))], T(13, 0), None),
        ([Visit(T(13, 0), T(15, 0))], T(7, 30), None),
    ],
)
def test_sign_in(existing: list[Visit], at: time, code: str | None) -> None:
    problem = check_sign_in(existing, at)
    assert (problem.code if problem else None) == code
    if problem:
        assert problem.field == "signed_in_at"


@pytest.mark.parametrize(
    ("signed_in", "out", "ok"),
    [(T(8, 0), T(8, 1), True), (T(8, 0), T(8, 0), False), (T(9, 0), T(8, 0), False)],
)
def test_sign_out_must_follow_sign_in(signed_in: time, out: time, ok: bool) -> None:
    problem = check_sign_out(signed_in, out)
    assert (problem is None) is ok
    if problem:
        assert problem.code == "register.out_before_in"
        assert problem.field == "signed_out_at"
        assert "08:00" in problem.message or "09:00" in problem.message


def test_sleep_rules() -> None:
    assert check_sleep(Sleep(T(13, 0), T(14, 0))) is None
    assert check_sleep(Sleep(T(13, 0))) is None
    bad = check_sleep(Sleep(T(13, 0), T(12, 0)))
    assert bad is not None and bad.field == "woke_at"
    open_sleep = open_sleep_problem([Sleep(T(10, 0), T(10, 30)), Sleep(T(13, 5))])
    assert open_sleep is not None
    assert open_sleep.code == "care.sleep_open"
    assert "13:05" in open_sleep.message


def test_day_problems_only_once_the_day_is_over() -> None:
    visits, sleeps = [Visit(T(8, 0))], [Sleep(T(13, 0))]
    assert day_problems(visits, sleeps, day_over=False) == []
    codes = [p.code for p in day_problems(visits, sleeps, day_over=True)]
    assert codes == ["register.no_sign_out", "care.sleep_open"]
    assert day_problems([Visit(T(8, 0), T(9, 0))], [], day_over=True) == []


def test_minutes_attended() -> None:
    visits = [Visit(T(8, 0), T(12, 0)), Visit(T(13, 0), T(15, 30))]
    assert minutes_attended(visits) == 390
    assert minutes_attended([Visit(T(8, 0))]) == 0
    assert minutes_attended([Visit(T(8, 0))], until=T(9, 15)) == 75


@pytest.mark.parametrize(
    ("mins", "label"), [(0, "0 min"), (45, "45 min"), (60, "1 h"), (390, "6 h 30 min")]
)
def test_hours_label(mins: int, label: str) -> None:
    assert hours_label(mins) == label


def test_key_person_today() -> None:
    assert key_person_today("Priya", "Tom", away=False).acting == "Priya"
    covered = key_person_today("Priya", "Tom", away=True)
    assert covered.acting == "Tom" and covered.key_person == "Priya" and covered.key_person_away
    assert key_person_today("Priya", None, away=True).acting is None
    assert key_person_today(None, None, away=False).acting is None


times = st.builds(time, st.integers(6, 19), st.integers(0, 59))
# A busy shared machine must not fail a pure rule because drawing examples was slow.
relaxed = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@relaxed
@given(st.lists(st.tuples(times, times), max_size=5), times)
def test_an_accepted_sign_in_never_overlaps_a_recorded_stretch(
    pairs: list[tuple[time, time]], at: time
) -> None:
    visits = [Visit(min(a, b), max(a, b)) for a, b in pairs if a != b]
    if check_sign_in(visits, at) is None:
        assert not any(v.signed_in <= at < (v.signed_out or at) for v in visits)


@relaxed
@given(st.lists(st.tuples(times, times), max_size=5), times)
def test_minutes_attended_is_never_negative_and_bounded(
    pairs: list[tuple[time, time]], until: time
) -> None:
    visits = [Visit(a, b) for a, b in pairs]
    total = minutes_attended(visits, until=until)
    assert 0 <= total <= sum(abs(minutes(b) - minutes(a)) for a, b in pairs)
