"""Who a course is for, and coverage counted per group."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from attune.training.domain.audience import (
    Audience,
    Person,
    attune_roles_of,
    coverage,
)
from attune.training.domain.catalogue import SUGGESTED_COURSES

EMOTION = Audience(False, frozenset({"teacher"}), frozenset({"key_adult"}))
TA_KEY = Person("1", "teaching_assistant", frozenset({"key_adult"}))
TEACHER = Person("2", "teacher", frozenset())
TEACHER_KEY = Person("3", "teacher", frozenset({"key_adult"}))
OFFICE = Person("4", "office", frozenset())


def test_a_key_adult_is_anyone_holding_key_children_or_signing_in_as_one() -> None:
    assert attune_roles_of([], holds_key_children=True) == {"key_adult"}
    assert attune_roles_of(["key_adult"], holds_key_children=False) == {"key_adult"}
    assert attune_roles_of(["teacher"], holds_key_children=False) == {"teacher"}


def test_coverage_counts_each_person_once_in_the_total_and_once_per_group() -> None:
    people = [TA_KEY, TEACHER, TEACHER_KEY, OFFICE]
    total, groups = coverage(EMOTION, people, {"1": True, "3": True, "4": True})
    assert (total.trained, total.total) == (2, 3)  # office staff are not in the audience
    assert [(g.kind, g.value, g.trained, g.total) for g in groups] == [
        ("attune", "key_adult", 2, 2),
        ("job", "teacher", 1, 2),
    ]
    assert total.percent == 67


def test_everyone_is_one_group() -> None:
    audience = Audience(True, frozenset(), frozenset())
    total, groups = coverage(audience, [TEACHER, OFFICE], {})
    assert (total.trained, total.total, total.percent) == (0, 2, 0)
    assert [(g.kind, g.total) for g in groups] == [("everyone", 2)]


def test_the_suggested_catalogue_has_what_the_requirements_name() -> None:
    names = " ".join(c.name for c in SUGGESTED_COURSES)
    for needed in ("Attachment lead", "Trauma", "VIG", "VERP", "Emotion coaching", "EBSA"):
        assert needed in names
    safeguarding = next(c for c in SUGGESTED_COURSES if c.name == "Safeguarding")
    assert safeguarding.everyone and safeguarding.renew_every_months == 12
    assert all(c.everyone or c.job_roles or c.attune_roles for c in SUGGESTED_COURSES)


roles = st.sampled_from(["teacher", "office", "elsa", "teaching_assistant"])
people = st.lists(
    st.builds(
        Person,
        id=st.uuids().map(str),
        job_role=roles,
        attune_roles=st.frozensets(st.sampled_from(["key_adult", "attachment_lead"])),
    ),
    max_size=20,
    unique_by=lambda p: p.id,
)


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(people=people, trained=st.data())
def test_trained_never_exceeds_total_and_groups_fit_inside(
    people: list[Person], trained: st.DataObject
) -> None:
    current = {p.id: trained.draw(st.booleans()) for p in people}
    total, groups = coverage(EMOTION, people, current)
    assert 0 <= total.trained <= total.total <= len(people)
    for g in groups:
        assert g.trained <= g.total <= total.total
        assert g.trained <= total.trained
