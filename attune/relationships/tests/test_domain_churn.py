"""The churn rule: three different people in one role within twelve months is flagged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.relationships.domain.churn import Period, churn_flags, people_in_window

TODAY = date(2026, 11, 23)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize(
    ("periods", "flagged"),
    [
        pytest.param([], [], id="nobody"),
        pytest.param(
            [
                Period("social_worker", "a", ago(900), ago(200)),
                Period("social_worker", "b", ago(200)),
            ],
            [],
            id="two social workers",
        ),
        pytest.param(
            [
                Period("social_worker", "a", ago(900), ago(300)),
                Period("social_worker", "b", ago(300), ago(100)),
                Period("social_worker", "c", ago(100)),
            ],
            [("social_worker", 3)],
            id="third social worker within a year",
        ),
        pytest.param(
            [
                Period("social_worker", "a", ago(900), ago(400)),
                Period("social_worker", "b", ago(400), ago(100)),
                Period("social_worker", "c", ago(100)),
            ],
            [],
            id="the first left more than a year ago",
        ),
        pytest.param(
            [Period("social_worker", "a", ago(50), ago(40))] * 3,
            [],
            id="the same person three times counts once",
        ),
        pytest.param(
            [Period("parent_carer", p, ago(30)) for p in "abcd"],
            [],
            id="family members are not churn",
        ),
        pytest.param(
            [Period("camhs", p, ago(10 * i), ago(10 * i - 5)) for i, p in enumerate("abcd", 1)]
            + [Period("key_adult", p, ago(9)) for p in "xyz"],
            [("camhs", 4), ("key_adult", 3)],
            id="several roles, in a fixed order",
        ),
        pytest.param(
            [Period("youth_worker", p, TODAY + timedelta(days=3)) for p in "abc"],
            [],
            id="not started yet",
        ),
    ],
)
def test_churn_flags(periods: list[Period], flagged: list[tuple[str, int]]) -> None:
    flags = churn_flags(periods, today=TODAY, child_name="Maya")

    assert [(f.role, f.count) for f in flags] == flagged


def test_the_message_says_it_plainly() -> None:
    periods = [Period("social_worker", p, ago(20)) for p in "abc"]

    [flag] = churn_flags(periods, today=TODAY, child_name="Maya")

    assert flag.message.startswith(
        "Maya now has their third social worker within twelve months (3 social workers)."
    )


periods_strategy = st.lists(
    st.builds(
        Period,
        role=st.sampled_from(["social_worker", "camhs", "parent_carer"]),
        person=st.sampled_from("abcdef"),
        started_on=st.dates(ago(800), TODAY),
        ended_on=st.none(),
    ),
    max_size=12,
)


@given(periods_strategy, st.integers(0, 800))
def test_a_person_who_left_before_the_window_never_adds_to_the_count(
    periods: list[Period], left_days_ago: int
) -> None:
    old = Period("social_worker", "old", ago(2000), ago(366 + left_days_ago))
    before = people_in_window(periods, "social_worker", TODAY, 365)

    assert people_in_window([*periods, old], "social_worker", TODAY, 365) == before
    assert before <= len({p.person for p in periods})
