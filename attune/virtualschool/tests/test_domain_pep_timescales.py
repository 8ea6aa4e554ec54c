"""The statutory PEP timescales as plain tables: no Django."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.pep.domain.cycle import PepTerm, Season, term_for
from attune.virtualschool.domain.pep_timescales import (
    PepStatus,
    add_working_days,
    first_pep_due,
    first_pep_started_by,
    pep_status,
)

AUTUMN = PepTerm(2026, Season.AUTUMN)


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)  # the Monday
    assert add_working_days(friday, 5) == date(2026, 11, 27)
    assert add_working_days(friday, 0) == friday


def test_first_pep_within_twenty_working_days_started_within_ten() -> None:
    came_into_care = date(2026, 11, 2)  # a Monday
    assert first_pep_started_by(came_into_care) == date(2026, 11, 16)
    assert first_pep_due(came_into_care) == date(2026, 11, 30)


@given(st.dates(date(2020, 1, 1), date(2040, 1, 1)))
def test_twenty_working_days_are_four_weeks(day: date) -> None:
    assert 26 <= (first_pep_due(day) - day).days <= 30


def status(today: date, since: date, *, now: bool = False, before: bool = False) -> PepStatus:
    return pep_status(
        term=term_for(today),
        today=today,
        looked_after_from=since,
        held_this_term=now,
        held_last_term=before,
    )


@pytest.mark.parametrize(
    ("today", "since", "now", "before", "expected"),
    [
        # Held this term: held, whatever else.
        (date(2026, 11, 23), date(2020, 1, 1), True, False, PepStatus.HELD),
        # In care for years, last term's held: due until this term's teaching ends.
        (date(2026, 11, 23), date(2020, 1, 1), False, True, PepStatus.DUE),
        (date(2026, 12, 18), date(2020, 1, 1), False, True, PepStatus.DUE),
        # Last term's missed: overdue at once.
        (date(2026, 9, 10), date(2020, 1, 1), False, False, PepStatus.OVERDUE),
        # New to care on 2 November: due within twenty working days, then overdue.
        (date(2026, 11, 30), date(2026, 11, 2), False, False, PepStatus.DUE),
        (date(2026, 12, 1), date(2026, 11, 2), False, False, PepStatus.OVERDUE),
        # Came into care late last term, no PEP yet: the first PEP's clock still runs.
        (date(2026, 9, 3), date(2026, 7, 20), False, False, PepStatus.OVERDUE),
        (date(2026, 7, 30), date(2026, 7, 20), False, False, PepStatus.DUE),
        # Came into care late last term and had a first PEP then: this term's is due.
        (date(2026, 9, 10), date(2026, 7, 1), False, True, PepStatus.DUE),
    ],
)
def test_pep_status(today: date, since: date, now: bool, before: bool, expected: PepStatus) -> None:
    assert status(today, since, now=now, before=before) == expected
