"""Belonging survey scoring and small-group suppression: pure rules, no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.belonging.domain.results import (
    Answered,
    RoundResults,
    Scale,
    Score,
    change,
    hidden_text,
    round_results,
)
from attune.virtualschool.domain.suppression import Reason

SHAPE = {"identity": ("i1", "i2"), "community": ("c1",)}
SCALE = Scale(1, 3)
YEARS = {3: "Year 3", 4: "Year 4", 5: "Year 5"}
COHORTS = {"looked_after": "Looked after", "fsm": "Free school meals"}


def child(year: int = 4, *cohorts: str, **answers: int) -> Answered:
    return Answered(year, frozenset(cohorts), answers or {"i1": 3, "i2": 3, "c1": 3})


def results(responses: list[Answered], threshold: int = 5) -> RoundResults:
    return round_results(
        responses, shape=SHAPE, scale=SCALE, year_groups=YEARS, cohorts=COHORTS, threshold=threshold
    )


@pytest.mark.parametrize(
    ("values", "score"),
    [([1], 0.0), ([3], 100.0), ([2], 50.0), ([1, 3], 50.0), ([3, 3, 2], 100 * 5 / 6), ([], None)],
)
def test_a_score_puts_the_average_answer_on_a_0_to_100_line(
    values: list[int], score: float | None
) -> None:
    assert SCALE.score(values) == (pytest.approx(score) if score is not None else None)


def test_a_five_point_scale_scores_the_same_way() -> None:
    assert Scale(1, 5).score([4]) == 75.0


def test_a_scale_needs_two_different_ends() -> None:
    with pytest.raises(ValueError, match="highest point"):
        Scale(3, 3)


def test_an_empty_round_shows_zero_children_and_no_scores() -> None:
    shown = results([])
    assert shown.all_pupils.respondents.value == 0
    for group in shown.groups():
        assert group.respondents.value == 0
        assert all(score.value is None and score.hidden is None for score in group.strands.values())


def test_six_children_in_one_year_are_shown_and_scored() -> None:
    answers = [child(4, i1=3, i2=1, c1=2) for _ in range(6)]
    shown = results(answers)
    year4 = shown.group("year:4")
    assert year4 is not None
    assert year4.respondents.value == 6
    assert year4.strands["identity"].value == 50.0
    assert year4.strands["community"].value == 50.0
    assert year4.statements["i1"].value == 100.0
    assert shown.all_pupils.respondents.value == 6


def test_five_children_in_one_year_are_hidden() -> None:
    """The default hides 1 to 5, as the DfE's looked-after and children-in-need statistics."""
    shown = results([child(4) for _ in range(5)])
    assert shown.all_pupils.respondents.value is None
    assert hidden_text(shown.all_pupils.respondents) == "5 or fewer"


@pytest.mark.parametrize("small", [1, 2, 3, 4, 5])
def test_a_year_group_under_five_is_hidden_and_so_is_the_next_smallest(small: int) -> None:
    answers = [child(3) for _ in range(small)] + [child(4) for _ in range(6)]
    answers += [child(5) for _ in range(9)]
    shown = results(answers)
    year3, year4, year5 = shown.year_groups
    assert year3.respondents.value is None
    assert hidden_text(year3.respondents) == "5 or fewer"
    assert year3.strands["identity"].value is None
    # Year 3 = total - Year 4 - Year 5, so another year group is hidden as well.
    assert year4.respondents.value is None
    assert year4.respondents.reason is Reason.SECONDARY
    assert year4.strands["identity"].value is None
    assert year5.respondents.value == 9
    assert shown.all_pupils.respondents.value == small + 15


def test_a_cohort_under_five_is_hidden() -> None:
    answers = [child(4, "looked_after") for _ in range(4)] + [child(4) for _ in range(10)]
    looked_after = results(answers).group("cohort:looked_after")
    assert looked_after is not None
    assert looked_after.respondents.value is None
    assert looked_after.strands["identity"].value is None
    assert hidden_text(looked_after.respondents) == "5 or fewer"


def test_a_cohort_is_hidden_when_the_children_outside_it_are_few() -> None:
    # 7 of 9 children get free school meals: all pupils minus the cohort would show 2 children.
    answers = [child(4, "fsm") for _ in range(7)] + [child(4) for _ in range(2)]
    fsm = results(answers).group("cohort:fsm")
    assert fsm is not None
    assert fsm.respondents.value is None
    assert fsm.respondents.reason is Reason.SECONDARY


def test_a_cohort_of_everyone_is_shown() -> None:
    fsm = results([child(4, "fsm") for _ in range(6)]).group("cohort:fsm")
    assert fsm is not None
    assert fsm.respondents.value == 6


def test_a_statement_few_children_answered_is_hidden_though_the_group_is_shown() -> None:
    answers = [child(4, i1=3, i2=3, c1=3) for _ in range(3)] + [
        child(4, i1=2, i2=2) for _ in range(3)
    ]
    all_pupils = results(answers).all_pupils
    assert all_pupils.respondents.value == 6
    assert all_pupils.statements["i1"].value == 75.0
    assert all_pupils.statements["c1"].value is None
    assert hidden_text(all_pupils.statements["c1"].hidden) == "5 or fewer"


def test_the_threshold_can_be_changed() -> None:
    answers = [child(4) for _ in range(3)]
    assert results(answers, threshold=2).all_pupils.respondents.value == 3
    assert results(answers, threshold=3).all_pupils.respondents.value is None


def test_children_in_year_groups_not_listed_count_towards_all_pupils_only() -> None:
    answers = [child(4) for _ in range(6)] + [child(9) for _ in range(6)]
    shown = results(answers)
    assert shown.all_pupils.respondents.value == 12
    assert [g.respondents.value for g in shown.year_groups] == [0, 6, 0]


@pytest.mark.parametrize(
    ("now", "before", "points"),
    [
        (Score(60.0, 10), Score(50.0, 10), 10.0),
        (Score(40.0, 10), Score(50.0, 10), -10.0),
        (Score(None, 0), Score(50.0, 10), None),
        (Score(50.0, 10), Score(None, 0), None),
        (Score(50.0, 10), None, None),
    ],
)
def test_change_since_the_previous_round(
    now: Score, before: Score | None, points: float | None
) -> None:
    assert change(now, before) == points


def test_hidden_text_is_empty_for_a_shown_figure() -> None:
    assert hidden_text(results([child() for _ in range(6)]).all_pupils.respondents) == ""
    assert hidden_text(None) == ""


answer = st.integers(min_value=1, max_value=3)
a_child = st.builds(
    Answered,
    year_group=st.sampled_from([3, 4, 5]),
    cohorts=st.frozensets(st.sampled_from(list(COHORTS))),
    answers=st.dictionaries(st.sampled_from(["i1", "i2", "c1"]), answer),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(a_child, max_size=40))
def test_no_shown_group_has_fewer_than_five_children(children: list[Answered]) -> None:
    for group in results(children).groups():
        value = group.respondents.value
        assert value is None or value == 0 or value >= 5
        for score in (*group.strands.values(), *group.statements.values()):
            if score.value is not None:
                assert 0 <= score.value <= 100
                assert score.answers >= 5
                assert value is not None


@settings(max_examples=150, deadline=None)
@given(st.lists(a_child, max_size=40))
def test_a_hidden_year_group_cannot_be_worked_out_from_the_total(
    children: list[Answered],
) -> None:
    shown = results(children)
    hidden = [g for g in shown.year_groups if g.respondents.value is None]
    assert len(hidden) != 1 or shown.all_pupils.respondents.value is None


@settings(max_examples=150, deadline=None)
@given(st.lists(a_child, max_size=40))
def test_a_shown_cohort_leaves_at_least_five_others_or_none(children: list[Answered]) -> None:
    shown = results(children)
    for cohort in COHORTS:
        group = shown.group(f"cohort:{cohort}")
        assert group is not None
        if group.respondents.value:  # a zero points at nobody, so it is shown
            others = len(children) - group.respondents.value
            assert others == 0 or others >= 5
