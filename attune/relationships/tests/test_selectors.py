"""Reads about relationships: continuity, caseloads, and who could be a child's key adult."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pytest_django import DjangoAssertNumQueries

from attune import testing
from attune.people.models import Pupil, Staff
from attune.relationships.domain.candidates import Candidate
from attune.relationships.models import KeyAdultRelationship, TrustedAdult
from attune.relationships.selectors import (
    caseload_of,
    continuity,
    key_adult_candidates,
    staff_with_caseloads,
)
from attune.testing import SchoolWorld

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_school")]

TODAY = date(2026, 3, 2)


def relate(
    child: Pupil,
    adult: Staff,
    *,
    since: int,
    until: int | None = None,
    co_worker: Staff | None = None,
) -> KeyAdultRelationship:
    """A relationship from ``since`` days ago, ended ``until`` days ago (or still current)."""
    return KeyAdultRelationship.objects.create(
        school_id=child.school_id,
        pupil=child,
        key_adult=adult,
        co_worker=co_worker,
        started_on=TODAY - timedelta(days=since),
        ended_on=None if until is None else TODAY - timedelta(days=until),
        reason="For the test.",
    )


def test_continuity_of_a_child_without_a_key_adult(world: SchoolWorld) -> None:
    assert continuity(world.child, TODAY) == {
        "current_days": 0,
        "key_adults_count": 0,
        "changes": 0,
    }


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        pytest.param([("key_adult", 90, None)], (90, 1, 0), id="one relationship"),
        pytest.param(
            [("other_adult", 400, 40), ("key_adult", 40, None)], (40, 2, 1), id="one change"
        ),
        pytest.param(
            [("key_adult", 700, 500), ("other_adult", 500, 100), ("key_adult", 100, None)],
            (100, 2, 2),
            id="back to the first adult",
        ),
        pytest.param([("key_adult", 300, 30)], (0, 1, 0), id="ended, none now"),
    ],
)
def test_continuity_counts_days_adults_and_changes(
    world: SchoolWorld,
    history: list[tuple[str, int, int | None]],
    expected: tuple[int, int, int],
) -> None:
    for who, since, until in history:
        relate(world.child, getattr(world, who), since=since, until=until)

    result = continuity(world.child, TODAY)

    assert (result["current_days"], result["key_adults_count"], result["changes"]) == expected


def test_caseload_counts_only_current_key_children(world: SchoolWorld) -> None:
    relate(world.child, world.key_adult, since=50)
    relate(world.looked_after_child, world.key_adult, since=50, until=10)
    relate(testing.pupil(world.school), world.key_adult, since=5)
    relate(testing.pupil(world.school), world.other_adult, since=5, co_worker=world.key_adult)

    assert caseload_of(world.key_adult) == 2
    assert caseload_of(world.other_adult) == 1


def test_staff_with_caseloads_counts_key_children_and_cover_for_active_staff_of_this_school(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    leaver = testing.staff(world.school, first_name="Zed", last_name="Gone")
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    relate(world.child, world.key_adult, since=50, co_worker=world.other_adult)
    relate(world.looked_after_child, world.key_adult, since=50, co_worker=world.other_adult)
    relate(testing.pupil(world.school), world.key_adult, since=90, until=60)

    rows = {s.full_name: (s.caseload, s.covering) for s in staff_with_caseloads()}  # type: ignore[attr-defined]

    assert rows == {"Tom Okafor": (0, 2), "Priya Shah": (2, 0)}


def test_staff_with_caseloads_has_a_fixed_query_count(
    world: SchoolWorld, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(5):
        relate(testing.pupil(world.school), testing.staff(world.school), since=10)

    with django_assert_num_queries(2):  # staff with counts, then their working days
        days = [len(s.working_days.all()) for s in staff_with_caseloads(with_days=True)]

    assert days == [5] * 7
    with django_assert_num_queries(1):  # the homes count caseloads and never show the days
        loads = [s.caseload for s in staff_with_caseloads()]  # type: ignore[attr-defined]
    assert sorted(loads) == [0, 0, 1, 1, 1, 1, 1]


def names(candidates: list[Candidate]) -> list[str]:
    return [c.name for c in candidates]


def test_candidates_rank_availability_and_room_over_everything_but_the_childs_choice(
    world: SchoolWorld,
) -> None:
    testing.staff(world.school, first_name="Ada", last_name="Ames", weekdays=(0, 3))
    full = testing.staff(world.school, first_name="Ben", last_name="Bell")
    for _ in range(5):  # key children in other years, so the child's class plays no part
        relate(testing.pupil(world.school, year_group=1), full, since=10)
    relate(testing.pupil(world.school, year_group=2), world.other_adult, since=10)

    ranked = key_adult_candidates(world.child)

    # Priya: every day, no key children; Tom: every day, one; Ada: two days; Ben: full.
    assert names(ranked) == ["Priya Shah", "Tom Okafor", "Ada Ames", "Ben Bell"]
    assert [c.caseload_full for c in ranked] == [False, False, False, True]
    by_name = {c.name: c for c in ranked}
    assert by_name["Ada Ames"].reasons == (
        "In school 2 days a week, about 14 hours.",
        "Has room for 5 more (currently 0 of 5).",
    )
    assert "Caseload is full: 5 key children of 5." in by_name["Ben Bell"].reasons
    assert "Has room for 4 more (currently 1 of 5)." in by_name["Tom Okafor"].reasons


def test_a_trusted_adult_named_by_the_child_comes_first_with_their_words(
    world: SchoolWorld,
) -> None:
    part_time = testing.staff(world.school, first_name="Ada", last_name="Ames", weekdays=(2,))
    TrustedAdult.objects.create(
        school=world.school,
        pupil=world.child,
        staff=part_time,
        child_words="She helps me with reading",
        recorded_on=TODAY,
    )

    ranked = key_adult_candidates(world.child)

    assert ranked[0].name == "Ada Ames"
    assert ranked[0].reasons[0] == (
        'Maya named them as someone they trust ("She helps me with reading").'
    )
    # Only Maya's preference counts, not another child's.
    assert names(key_adult_candidates(world.looked_after_child))[-1] == "Ada Ames"


def test_candidates_leave_out_the_current_key_adult_leavers_and_other_schools(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    relate(world.child, world.key_adult, since=30)
    testing.staff(world.school, first_name="Cy", last_name="Cole", weekdays=())
    leaver = testing.staff(world.school, first_name="Zed", last_name="Gone")
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])

    ranked = key_adult_candidates(world.child)

    assert names(ranked) == ["Tom Okafor", "Cy Cole"]
    assert ranked[1].reasons[0] == (
        "No working days recorded, so we cannot tell when they are in school."
    )


def test_the_head_and_the_office_do_not_outrank_an_adult_who_is_with_children_all_day() -> None:
    from attune.relationships.domain.candidates import CandidateFacts, rank_candidates

    def adult(name: str, role: str) -> CandidateFacts:
        return CandidateFacts(name, name, 5, 5 * 6 * 60, 0, False, role=role)

    everyone = [adult("Head", "headteacher"), adult("Office", "office")]
    ranked = rank_candidates(
        [*everyone, adult("TA", "teaching_assistant")],
        caseload_limit=4,
        child_name="Maya",
    )
    assert [c.name for c in ranked] == ["TA", "Head", "Office"]


def test_an_adult_who_already_works_with_the_childs_class_comes_next(world: SchoolWorld) -> None:
    """After the child's own choice, the child's class and then year lift an adult: they see
    the child every day. Their class is shown beside their name."""
    same_class = testing.staff(world.school, first_name="Cal", last_name="Cass")
    same_year = testing.staff(world.school, first_name="Yas", last_name="Yates")
    relate(testing.pupil(world.school, year_group=world.child.year_group), same_class, since=10)
    other = testing.pupil(world.school, year_group=world.child.year_group)
    other.registration_group = "Elm"
    other.save(update_fields=["registration_group"])
    relate(other, same_year, since=10)

    ranked = key_adult_candidates(world.child)

    assert names(ranked)[:2] == ["Cal Cass", "Yas Yates"]
    by_name = {c.name: c for c in ranked}
    assert "Already key adult to 1 child in Maya's class." in by_name["Cal Cass"].reasons
    assert "Already key adult to 1 child in Maya's year." in by_name["Yas Yates"].reasons
    assert by_name["Cal Cass"].class_label == world.child.registration_group
    assert by_name["Yas Yates"].class_label == "Elm"
    assert by_name["Priya Shah"].class_label == ""
