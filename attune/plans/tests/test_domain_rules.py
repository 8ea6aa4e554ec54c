"""Pure plan rules: owners, success criteria, review dates, progress; and the chronology merge."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune.plans.domain.chronology import KINDS, Entry, chronology
from attune.plans.domain.handover import ALL_SECTIONS, sections_for
from attune.plans.domain.rules import (
    criteria_problem,
    owner_problem,
    progress_share,
    review_state,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("kind", "has_staff", "name", "field"),
    [
        ("", False, "", "owner_kind"),
        ("someone", True, "X", "owner_kind"),
        ("staff", False, "Ms Lee", "owner_staff"),
        ("parent", False, "  ", "owner_name"),
        ("professional", True, "", "owner_name"),
        ("staff", True, "", None),
        ("parent", False, "Dad", None),
        ("child", False, "", None),
    ],
)
def test_owner_problem(kind: str, has_staff: bool, name: str, field: str | None) -> None:
    problem = owner_problem(kind, has_staff, name)

    assert (problem.field if problem else None) == field
    if problem:
        assert problem.code == "plans.owner_required"


def test_success_criteria_are_needed() -> None:
    assert criteria_problem("  ") is not None
    assert criteria_problem("In school four mornings a week") is None


@pytest.mark.parametrize(
    ("days", "status", "label"),
    [
        (-1, "overdue", "Review overdue by 1 day"),
        (-30, "overdue", "Review overdue by 30 days"),
        (0, "due_soon", "Review due today"),
        (14, "due_soon", "Review due in 14 days"),
        (15, "on_track", "Next review 8 December 2026"),
    ],
)
def test_review_state(days: int, status: str, label: str) -> None:
    state = review_state(TODAY + timedelta(days=days), TODAY)

    assert (state.status, state.label) == (status, label)


@pytest.mark.parametrize(
    ("baseline", "target", "value", "share"),
    [
        ("20", "60", "40", 50),
        ("20", "60", None, None),
        ("20", "20", "30", None),
        ("5", "1", "2", 75),  # fewer late marks: a target can go down
        ("20", "60", "10", -25),
    ],
)
def test_progress_share(baseline: str, target: str, value: str | None, share: int | None) -> None:
    measured = Decimal(value) if value is not None else None

    assert progress_share(Decimal(baseline), Decimal(target), measured) == share


entries = st.lists(
    st.builds(
        Entry,
        on=st.dates(date(2021, 1, 1), TODAY),
        kind=st.sampled_from(sorted(KINDS)),
        title=st.text(max_size=5),
        order=st.integers(0, 3),
    ),
    max_size=40,
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)  # a busy CI box
@given(entries, st.sets(st.sampled_from(sorted(KINDS))), st.dates(date(2021, 1, 1), TODAY))
def test_chronology_keeps_only_what_was_asked_in_time_order(
    found: list[Entry], kinds: set[str], since: date
) -> None:
    shown = chronology(found, kinds=kinds, since=since)

    assert all(e.kind in (kinds or KINDS) and e.on >= since for e in shown)
    assert [(e.on, e.order) for e in shown] == sorted(
        ((e.on, e.order) for e in shown), reverse=True
    )
    expected = [e for e in found if e.kind in (kinds or KINDS) and e.on >= since]
    assert len(shown) == len(expected)


def test_chronology_oldest_first_and_until() -> None:
    a = Entry(date(2025, 1, 1), "plan", "A")
    b = Entry(date(2025, 6, 1), "review", "B")
    c = Entry(date(2026, 1, 1), "team", "C")

    assert chronology([c, a, b], until=date(2025, 12, 31), newest_first=False) == [a, b]


@pytest.mark.parametrize(
    ("recipient", "sensitive"),
    [
        ("key_adult", True),
        ("next_school", True),
        ("teacher", False),
        ("office", False),
        ("?", False),
    ],
)
def test_handover_sections_follow_what_the_recipient_may_see(
    recipient: str, sensitive: bool
) -> None:
    sections = sections_for(recipient)

    assert {"profile", "relationships"} <= set(sections)
    assert ({"needs", "contacts", "plans", "chronology"} <= set(sections)) is sensitive
    assert not sensitive or sections == ALL_SECTIONS
