"""Scoring, comparing and planning from Relational Approaches Audit ratings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.wholeschool.domain.audit_scoring import (
    Movement,
    RatingsError,
    Tally,
    action_candidates,
    compare,
    movement,
    normalise_ratings,
    summarise,
)
from attune.wholeschool.domain.audit_template import Rating, default_template

R, A, G = Rating.RED, Rating.AMBER, Rating.GREEN
TEMPLATE = default_template()
IDS = TEMPLATE.item_ids()


# --- the score -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("red", "amber", "green", "unrated", "score", "completeness"),
    [
        (0, 0, 0, 0, None, 0),
        (0, 0, 0, 5, None, 0),
        (1, 0, 0, 0, 0, 100),
        (0, 1, 0, 0, 50, 100),
        (0, 0, 1, 0, 100, 100),
        (1, 1, 1, 0, 50, 100),
        (0, 1, 1, 1, 75, 66),
        (2, 1, 0, 0, 17, 100),  # 1 of 6 points = 16.7%
        (0, 1, 2, 0, 83, 100),  # 5 of 6 points = 83.3%
        (3, 1, 0, 0, 13, 100),  # 1 of 8 points = 12.5%, rounded half up
        (1, 0, 0, 2, 0, 33),
        (0, 0, 7, 1, 100, 87),  # completeness rounds down: 100 only when all are rated
    ],
)
def test_tally_score_and_completeness(
    red: int, amber: int, green: int, unrated: int, score: int | None, completeness: int
) -> None:
    tally = Tally(red, amber, green, unrated)
    assert tally.score == score
    assert tally.completeness == completeness
    assert tally.is_complete is (unrated == 0)


# --- summaries -----------------------------------------------------------------------------


def test_nothing_rated_yet() -> None:
    result = summarise(TEMPLATE, {})
    assert result.tally == Tally(unrated=40)
    assert result.tally.score is None
    assert result.tally.completeness == 0
    assert [s.tally.unrated for s in result.sections()] == [8, 7, 2, 6, 2, 3, 6, 6]


def test_summary_per_area_and_section() -> None:
    ratings: dict[str, Rating | None] = {
        "safe.ethos.1": G,
        "safe.ethos.2": G,
        "safe.ethos.3": A,
        "safe.ethos.4": R,
        "safe.practice.1": R,
        "personal.ethos.1": G,
        "personal.ethos.2": G,
        "personal.individual.1": None,  # explicitly not rated yet
    }
    result = summarise(TEMPLATE, ratings)
    assert (result.template_id, result.template_version) == ("relational-approaches-2025", 1)

    ethos = result.section("safe.ethos")
    assert ethos.tally == Tally(red=1, amber=1, green=2, unrated=4)
    assert ethos.tally.score == 63  # 5 of 8 points = 62.5%, rounded half up
    assert ethos.tally.completeness == 50
    assert ethos.title == "Whole-school values and ethos"

    assert result.section("safe.practice").tally == Tally(red=1, unrated=6)
    assert result.section("safe.practice").tally.score == 0
    assert result.section("personal.ethos").tally.score == 100
    assert result.section("personal.ethos").tally.is_complete
    assert result.section("relationships.individual").tally.score is None

    safe, personal, relationships = result.areas
    assert safe.tally == Tally(red=2, amber=1, green=2, unrated=10)
    assert safe.tally.score == 50
    assert personal.tally == Tally(green=2, unrated=8)
    assert relationships.tally == Tally(unrated=15)
    assert result.tally == Tally(red=2, amber=1, green=4, unrated=33)
    assert result.tally.score == 64  # 9 of 14 points = 64.3%
    assert result.tally.completeness == 17


def test_section_lookup_needs_area_and_section() -> None:
    result = summarise(TEMPLATE, {"personal.ethos.1": G})
    assert result.section("personal.ethos").tally.green == 1
    assert result.section("safe.ethos").tally.green == 0
    with pytest.raises(KeyError):
        result.section("ethos")


def test_ratings_may_be_plain_strings_as_stored() -> None:
    result = summarise(TEMPLATE, {"safe.ethos.1": "green", "safe.ethos.2": "amber"})
    assert result.section("safe.ethos").tally == Tally(amber=1, green=1, unrated=6)


def test_ratings_for_unknown_items_are_refused_with_a_code() -> None:
    with pytest.raises(RatingsError) as caught:
        summarise(TEMPLATE, {"safe.ethos.1": G, "safe.ethos.9": R, "belonging.1": A})
    assert caught.value.code == "audit.ratings.unknown_item"
    assert caught.value.item_ids == ("safe.ethos.9", "belonging.1")


@pytest.mark.parametrize("value", ["purple", "Red", "", 2])
def test_ratings_that_are_not_red_amber_green_are_refused(value: object) -> None:
    with pytest.raises(RatingsError) as caught:
        normalise_ratings(TEMPLATE, {"safe.ethos.1": value})  # type: ignore[dict-item]
    assert caught.value.code == "audit.ratings.bad_value"
    assert caught.value.item_ids == ("safe.ethos.1",)


def test_normalised_ratings_cover_every_item_in_toolkit_order() -> None:
    normal = normalise_ratings(TEMPLATE, {"relationships.individual.6": "red"})
    assert tuple(normal) == IDS
    assert normal["relationships.individual.6"] is R
    assert normal["safe.ethos.1"] is None


# --- comparing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (R, A, Movement.IMPROVED),
        (R, G, Movement.IMPROVED),
        (A, G, Movement.IMPROVED),
        (G, A, Movement.SLIPPED),
        (G, R, Movement.SLIPPED),
        (A, R, Movement.SLIPPED),
        (R, R, Movement.UNCHANGED),
        (A, A, Movement.UNCHANGED),
        (G, G, Movement.UNCHANGED),
        (None, R, Movement.NEWLY_RATED),
        (None, G, Movement.NEWLY_RATED),
        (A, None, Movement.NO_LONGER_RATED),
        (None, None, Movement.NOT_RATED),
    ],
)
def test_movement(before: Rating | None, after: Rating | None, expected: Movement) -> None:
    assert movement(before, after) is expected


def test_compare_lists_every_item_and_section_change() -> None:
    earlier = {"safe.ethos.1": R, "safe.ethos.2": A, "safe.ethos.3": G, "safe.practice.1": A}
    later = {
        "safe.ethos.1": A,
        "safe.ethos.2": A,
        "safe.ethos.3": A,
        "safe.practice.1": G,
        "personal.ethos.1": G,
    }
    result = compare(TEMPLATE, earlier, later)

    assert [c.item_id for c in result.items] == list(IDS)
    by_id = {c.item_id: c for c in result.items}
    assert by_id["safe.ethos.1"].movement is Movement.IMPROVED
    assert by_id["safe.ethos.2"].movement is Movement.UNCHANGED
    assert by_id["safe.ethos.3"].movement is Movement.SLIPPED
    assert (by_id["safe.ethos.3"].before, by_id["safe.ethos.3"].after) == (G, A)
    assert by_id["personal.ethos.1"].movement is Movement.NEWLY_RATED
    assert by_id["personal.ethos.1"].area_id == "personal"
    assert by_id["relationships.ethos.1"].movement is Movement.NOT_RATED
    assert [c.item_id for c in result.moved(Movement.IMPROVED)] == [
        "safe.ethos.1",
        "safe.practice.1",
    ]

    sections = {s.key: s for s in result.sections}
    assert list(sections) == [
        "safe.ethos",
        "safe.practice",
        "personal.ethos",
        "personal.practice",
        "personal.individual",
        "relationships.ethos",
        "relationships.practice",
        "relationships.individual",
    ]
    assert (sections["safe.ethos"].before, sections["safe.ethos"].after) == (50, 50)
    assert sections["safe.ethos"].change == 0
    assert sections["safe.practice"].change == 50
    # A section rated for the first time has a score now but no change to report.
    assert (sections["personal.ethos"].before, sections["personal.ethos"].after) == (None, 100)
    assert sections["personal.ethos"].change is None
    assert sections["relationships.ethos"].change is None

    areas = {a.key: a for a in result.areas}
    assert (areas["safe"].before, areas["safe"].after, areas["safe"].change) == (50, 63, 13)
    assert (result.overall.before, result.overall.after) == (50, 70)
    assert result.later.section("personal.ethos").tally.green == 1


def test_compare_a_slip_shows_as_a_negative_change() -> None:
    result = compare(TEMPLATE, {"personal.ethos.1": G}, {"personal.ethos.1": R})
    personal_ethos = next(s for s in result.sections if s.key == "personal.ethos")
    assert personal_ethos.change == -100
    assert result.moved(Movement.SLIPPED)[0].item_id == "personal.ethos.1"


def test_compare_refuses_unknown_items_on_either_side() -> None:
    with pytest.raises(RatingsError) as caught:
        compare(TEMPLATE, {}, {"safe.ethos.99": G})
    assert caught.value.code == "audit.ratings.unknown_item"


# --- action candidates ------------------------------------------------------------------------


def test_action_candidates_red_first_then_amber_in_toolkit_order() -> None:
    ratings = {
        "relationships.practice.2": R,
        "safe.ethos.4": A,
        "personal.practice.3": R,
        "safe.ethos.1": G,
        "safe.practice.7": A,
        "safe.ethos.2": R,
        "personal.ethos.1": None,
    }
    found = action_candidates(TEMPLATE, ratings)
    assert [(c.item.id, c.rating) for c in found] == [
        ("safe.ethos.2", R),
        ("personal.practice.3", R),
        ("relationships.practice.2", R),
        ("safe.ethos.4", A),
        ("safe.practice.7", A),
    ]
    first = found[0]
    assert (first.area_title, first.section_title) == (
        "Feeling safe in school",
        "Whole-school values and ethos",
    )
    assert first.item.text.startswith("We are committed to listening")


def test_no_action_candidates_when_all_green_or_unrated() -> None:
    assert action_candidates(TEMPLATE, {}) == ()
    assert action_candidates(TEMPLATE, dict.fromkeys(IDS, G)) == ()


# --- properties ------------------------------------------------------------------------------

ratings_maps = st.dictionaries(
    st.sampled_from(IDS), st.sampled_from([R, A, G, None]), max_size=len(IDS)
)


@given(ratings_maps)
def test_every_score_is_within_0_to_100_and_none_only_when_nothing_rated(
    ratings: dict[str, Rating | None],
) -> None:
    result = summarise(TEMPLATE, ratings)
    tallies = [
        result.tally,
        *(a.tally for a in result.areas),
        *(s.tally for s in result.sections()),
    ]
    for tally in tallies:
        if tally.rated == 0:
            assert tally.score is None
        else:
            assert tally.score is not None
            assert 0 <= tally.score <= 100
        assert 0 <= tally.completeness <= 100
    assert result.tally.total == 40


@given(
    ratings_maps,
    st.sampled_from(IDS),
    st.sampled_from([(R, A), (R, G), (A, G)]),
)
def test_raising_one_rating_never_lowers_its_section_score(
    ratings: dict[str, Rating | None], item_id: str, step: tuple[Rating, Rating]
) -> None:
    low, high = step
    before = summarise(TEMPLATE, {**ratings, item_id: low})
    after = summarise(TEMPLATE, {**ratings, item_id: high})
    key = item_id.rsplit(".", 1)[0]
    low_score, high_score = before.section(key).tally.score, after.section(key).tally.score
    assert low_score is not None
    assert high_score is not None
    assert high_score >= low_score
    # Other sections are untouched.
    for b, a in zip(before.sections(), after.sections(), strict=True):
        if b.key != key:
            assert a.tally == b.tally
    assert (
        compare(TEMPLATE, {**ratings, item_id: low}, {**ratings, item_id: high})
        .moved(Movement.IMPROVED)[0]
        .item_id
        == item_id
    )
