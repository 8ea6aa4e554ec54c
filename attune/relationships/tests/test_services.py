"""Key adult services: every refusal has a code and a field, every change keeps the history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from attune import testing
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import Staff
from attune.relationships.models import KeyAdultRelationship, TrustedAdult
from attune.relationships.services import (
    KeyAdultError,
    co_worker_set,
    key_adult_assign,
    key_adult_assignment_notices,
    key_adult_end,
    trusted_adult_add,
)
from attune.testing import SchoolWorld

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_school")]

TODAY = date(2026, 3, 2)


def assign(world: SchoolWorld, **overrides: Any) -> KeyAdultRelationship:
    """Priya becomes Maya's key adult today, with Tom as co-worker, unless told otherwise."""
    kwargs: dict[str, Any] = {
        "actor": world.lead,
        "pupil": world.child,
        "key_adult": world.key_adult,
        "co_worker": world.other_adult,
        "started_on": TODAY,
        "reason": "In school every day and Maya already talks to her.",
        "chosen_by_child": True,
        "child_words": "She is kind to me.",
        "today": TODAY,
    } | overrides
    return key_adult_assign(**kwargs)


def give_caseload(world: SchoolWorld, adult: Staff, count: int) -> None:
    """``count`` other children who already have ``adult`` as their key adult."""
    for _ in range(count):
        child = testing.pupil(world.school)
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=child,
            key_adult=adult,
            started_on=TODAY - timedelta(days=100),
            reason="Set up for the test.",
        )


def actions(world: SchoolWorld) -> list[str]:
    return list(
        AuditEvent.objects.filter(pupil_id=world.child.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def _deactivate(staff: Staff) -> Staff:
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    return staff


TOMORROW = TODAY + timedelta(days=1)
CHANGE = {"co_worker": None, "change_reason": "Tom moves class."}

# (case, existing relationship (who, days ago), overrides, code, field)
ERRORS: list[tuple[str, tuple[str, int] | None, dict[str, Any], str, str]] = [
    ("other school key adult", None, {"key_adult": "other"}, "other_school", "key_adult"),
    ("other school co-worker", None, {"co_worker": "other"}, "other_school", "co_worker"),
    ("key adult has left", None, {"key_adult": "inactive"}, "inactive", "key_adult"),
    ("co-worker has left", None, {"co_worker": "inactive"}, "inactive", "co_worker"),
    ("co-worker is the key adult", None, {"co_worker": "key_adult"}, "co_worker_same", "co_worker"),
    ("starts tomorrow", None, {"started_on": TOMORROW}, "start_in_future", "started_on"),
    ("blank reason", None, {"reason": "   "}, "reason_required", "reason"),
    ("already theirs", ("key_adult", 400), {"co_worker": None}, "already_current", "key_adult"),
    ("no change reason", ("other_adult", 800), {"co_worker": None}, "change_reason_required",
     "change_reason"),
    ("starts before current", ("other_adult", 30),
     CHANGE | {"started_on": TODAY - timedelta(days=60)}, "start_before_current", "started_on"),
    ("young relationship", ("other_adult", 30), CHANGE, "needs_confirmation", "confirmed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("existing", "overrides", "code", "field"),
    [pytest.param(*row[1:], id=row[0]) for row in ERRORS],
)
def test_assign_refuses_with_a_code_and_a_field(
    world: SchoolWorld,
    other_world: SchoolWorld,
    existing: tuple[str, int] | None,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    if existing is not None:
        who, days_ago = existing
        assign(
            world,
            key_adult=getattr(world, who),
            co_worker=None,
            started_on=TODAY - timedelta(days=days_ago),
        )
    people = {
        "other": other_world.key_adult,
        "key_adult": world.key_adult,
        "inactive": testing.staff(world.school),
    }
    _deactivate(people["inactive"])
    resolved = {k: people.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    before = list(KeyAdultRelationship.objects.values_list("pk", "ended_on"))
    events = AuditEvent.objects.count()

    with pytest.raises(KeyAdultError) as caught:
        assign(world, **resolved)

    assert (caught.value.code, caught.value.field) == (f"key_adult.{code}", field)
    assert caught.value.message
    assert list(KeyAdultRelationship.objects.values_list("pk", "ended_on")) == before
    assert AuditEvent.objects.count() == events


def test_a_first_assignment_records_the_childs_choice_and_is_audited(world: SchoolWorld) -> None:
    relationship = assign(world)

    relationship.refresh_from_db()
    assert relationship.is_current
    assert relationship.key_adult == world.key_adult
    assert relationship.co_worker == world.other_adult
    assert relationship.chosen_by_child is True
    assert relationship.child_words == "She is kind to me."
    assert relationship.created_by == world.lead
    event = AuditEvent.objects.get(action=Action.KEY_ADULT_ASSIGNED)
    assert event.pupil_id == world.child.pk
    assert event.actor == world.lead
    assert event.changes["key_adult"] == [None, "Priya Shah"]
    assert event.changes["co_worker"] == [None, "Tom Okafor"]


def test_a_change_of_key_adult_ends_the_old_one_and_keeps_the_history(world: SchoolWorld) -> None:
    old = assign(
        world, key_adult=world.other_adult, co_worker=None, started_on=TODAY - timedelta(days=800)
    )
    start = TODAY - timedelta(days=3)

    new = assign(world, co_worker=None, started_on=start, change_reason="  Tom is leaving.  ")

    old.refresh_from_db()
    assert old.ended_on == start
    assert old.end_reason == "Tom is leaving."
    assert new.is_current and new.key_adult == world.key_adult
    history = KeyAdultRelationship.objects.filter(pupil=world.child).order_by("started_on")
    assert [(r.key_adult_id, r.ended_on) for r in history] == [
        (world.other_adult.pk, start),
        (world.key_adult.pk, None),
    ]
    assert actions(world) == [
        Action.KEY_ADULT_ASSIGNED,
        Action.KEY_ADULT_ENDED,
        Action.KEY_ADULT_ASSIGNED,
    ]
    last = AuditEvent.objects.filter(action=Action.KEY_ADULT_ASSIGNED).last()
    assert last is not None
    assert last.changes["key_adult"] == ["Tom Okafor", "Priya Shah"]


@pytest.mark.parametrize(
    ("limit", "load", "warned"),
    [(5, 3, False), (5, 4, False), (5, 5, True), (5, 6, True), (2, 2, True), (2, 1, False)],
)
def test_caseload_warning_at_the_schools_limit(
    world: SchoolWorld, limit: int, load: int, warned: bool
) -> None:
    world.school.caseload_limit = limit
    world.school.save(update_fields=["caseload_limit"])
    give_caseload(world, world.key_adult, load)

    notices = key_adult_assignment_notices(
        pupil=world.child, key_adult=world.key_adult, today=TODAY
    )

    assert [n.code for n in notices] == (["key_adult.caseload_full"] if warned else [])
    if warned:
        assert f"already has {load} key children" in notices[0].message
        with pytest.raises(KeyAdultError) as caught:
            assign(world)
        assert caught.value.code == "key_adult.needs_confirmation"
    else:
        assert assign(world).is_current


# 24 months is round(24 * 30.44) = 731 days.
@pytest.mark.parametrize(("days", "warned"), [(10, True), (365, True), (730, True), (731, False)])
def test_changing_a_relationship_younger_than_the_target_warns(
    world: SchoolWorld, days: int, warned: bool
) -> None:
    assign(world, key_adult=world.other_adult, co_worker=None, started_on=TODAY - timedelta(days))

    notices = key_adult_assignment_notices(
        pupil=world.child, key_adult=world.key_adult, today=TODAY
    )

    assert [n.code for n in notices] == (["key_adult.relationship_young"] if warned else [])
    if warned:
        assert "Tom Okafor" in notices[0].message
        assert f"about {days // 30} month" in notices[0].message


def test_no_continuity_warning_for_the_current_key_adult_themself(world: SchoolWorld) -> None:
    assign(world, started_on=TODAY - timedelta(days=5))
    give_caseload(world, world.key_adult, 10)

    assert (
        key_adult_assignment_notices(pupil=world.child, key_adult=world.key_adult, today=TODAY)
        == []
    )


def test_confirmed_goes_ahead_and_records_the_warnings_confirmed(world: SchoolWorld) -> None:
    assign(world, key_adult=world.other_adult, co_worker=None, started_on=TODAY - timedelta(30))
    give_caseload(world, world.key_adult, 5)

    relationship = assign(world, co_worker=None, change_reason="Tom moves class.", confirmed=True)

    assert relationship.is_current
    event = AuditEvent.objects.filter(action=Action.KEY_ADULT_ASSIGNED).last()
    assert event is not None
    assert event.changes["warnings_confirmed"] == [
        "key_adult.caseload_full",
        "key_adult.relationship_young",
    ]
    assert (
        KeyAdultRelationship.objects.filter(pupil=world.child, ended_on__isnull=True).count() == 1
    )


def test_co_worker_set_changes_clears_and_is_audited(world: SchoolWorld) -> None:
    relationship = assign(world, co_worker=None)
    cover = testing.staff(world.school, first_name="Ana", last_name="Lopes")

    co_worker_set(actor=world.lead, relationship=relationship, co_worker=cover)
    relationship.refresh_from_db()
    assert relationship.co_worker == cover

    co_worker_set(actor=world.lead, relationship=relationship, co_worker=None)
    relationship.refresh_from_db()
    assert relationship.co_worker is None
    changes = list(
        AuditEvent.objects.filter(action=Action.CO_WORKER_CHANGED)
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert changes == [{"co_worker": [None, "Ana Lopes"]}, {"co_worker": ["Ana Lopes", None]}]


@pytest.mark.parametrize(
    ("who", "code"),
    [("key_adult", "co_worker_same"), ("other_school", "other_school"), ("inactive", "inactive")],
)
def test_co_worker_set_refuses(
    world: SchoolWorld, other_world: SchoolWorld, who: str, code: str
) -> None:
    relationship = assign(world)
    people = {
        "key_adult": world.key_adult,
        "other_school": other_world.other_adult,
        "inactive": _deactivate(testing.staff(world.school)),
    }

    with pytest.raises(KeyAdultError) as caught:
        co_worker_set(actor=world.lead, relationship=relationship, co_worker=people[who])

    assert (caught.value.code, caught.value.field) == (f"key_adult.{code}", "co_worker")
    relationship.refresh_from_db()
    assert relationship.co_worker == world.other_adult


def test_key_adult_end_without_a_successor(world: SchoolWorld) -> None:
    relationship = assign(world, started_on=TODAY - timedelta(days=50))

    key_adult_end(
        actor=world.lead,
        relationship=relationship,
        ended_on=TODAY,
        end_reason="Maya has moved school.",
        today=TODAY,
    )

    relationship.refresh_from_db()
    assert (relationship.ended_on, relationship.end_reason) == (TODAY, "Maya has moved school.")
    assert not KeyAdultRelationship.objects.filter(
        pupil=world.child, ended_on__isnull=True
    ).exists()
    assert actions(world)[-1] == Action.KEY_ADULT_ENDED
    # Why it ended is read only with the sensitive record: the audit keeps a digest.
    ended = AuditEvent.objects.get(action=Action.KEY_ADULT_ENDED)
    assert "moved school" not in str(ended.changes)
    assert ended.changes["end_reason"]["length"] == len("Maya has moved school.")


@pytest.mark.parametrize(
    ("ended_on", "reason", "code", "field"),
    [
        (TODAY - timedelta(days=51), "Moved.", "bad_end_date", "ended_on"),
        (TODAY + timedelta(days=1), "Moved.", "bad_end_date", "ended_on"),
        (TODAY, " ", "change_reason_required", "end_reason"),
    ],
)
def test_key_adult_end_refuses(
    world: SchoolWorld, ended_on: date, reason: str, code: str, field: str
) -> None:
    relationship = assign(world, started_on=TODAY - timedelta(days=50))

    with pytest.raises(KeyAdultError) as caught:
        key_adult_end(
            actor=world.lead,
            relationship=relationship,
            ended_on=ended_on,
            end_reason=reason,
            today=TODAY,
        )

    assert (caught.value.code, caught.value.field) == (f"key_adult.{code}", field)
    relationship.refresh_from_db()
    assert relationship.is_current


def test_key_adult_end_refuses_a_relationship_already_ended(world: SchoolWorld) -> None:
    relationship = assign(world, started_on=TODAY - timedelta(days=50))
    end: dict[str, Any] = {
        "actor": world.lead,
        "relationship": relationship,
        "end_reason": "Moved.",
        "today": TODAY,
    }
    key_adult_end(ended_on=TODAY - timedelta(days=1), **end)

    with pytest.raises(KeyAdultError) as caught:
        key_adult_end(ended_on=TODAY, **end)

    assert caught.value.code == "key_adult.already_ended"
    relationship.refresh_from_db()
    assert relationship.ended_on == TODAY - timedelta(days=1)


def test_trusted_adult_add_records_and_updates_the_childs_words(world: SchoolWorld) -> None:
    first = trusted_adult_add(
        actor=world.lead,
        pupil=world.child,
        staff=world.other_adult,
        child_words=" He plays football. ",
        today=TODAY - timedelta(days=7),
    )
    again = trusted_adult_add(
        actor=world.lead,
        pupil=world.child,
        staff=world.other_adult,
        child_words="He listens.",
        today=TODAY,
    )

    assert first.pk == again.pk
    trusted = TrustedAdult.objects.get(pupil=world.child)
    assert (trusted.staff, trusted.child_words, trusted.recorded_on) == (
        world.other_adult,
        "He listens.",
        TODAY,
    )
    assert actions(world) == [Action.TRUSTED_ADULT_RECORDED] * 2


def test_trusted_adult_must_work_at_the_childs_school(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    with pytest.raises(KeyAdultError) as caught:
        trusted_adult_add(
            actor=world.lead,
            pupil=world.child,
            staff=other_world.other_adult,
            child_words="",
            today=TODAY,
        )

    assert (caught.value.code, caught.value.field) == ("key_adult.other_school", "staff")
    assert not TrustedAdult.objects.exists()


def _row(world: SchoolWorld, **overrides: Any) -> KeyAdultRelationship:
    fields: dict[str, Any] = {
        "school": world.school,
        "pupil": world.child,
        "key_adult": world.key_adult,
        "started_on": TODAY - timedelta(days=10),
        "reason": "Written straight to the database.",
    } | overrides
    return KeyAdultRelationship.objects.create(**fields)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param({}, {"key_adult": "other_adult"}, id="two current key adults"),
        pytest.param(None, {"ended_on": TODAY - timedelta(days=11)}, id="ends before it starts"),
        pytest.param(None, {"co_worker": "key_adult"}, id="co-worker is the key adult"),
    ],
)
def test_the_database_refuses_what_the_services_refuse(
    world: SchoolWorld, first: dict[str, Any] | None, second: dict[str, Any]
) -> None:
    if first is not None:
        _row(world, **first)
    resolved = {k: getattr(world, v) if isinstance(v, str) else v for k, v in second.items()}

    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, **resolved)

    assert KeyAdultRelationship.objects.count() == (0 if first is None else 1)


def test_the_database_allows_many_ended_relationships_for_one_child(world: SchoolWorld) -> None:
    for days in (300, 200, 100):
        _row(world, started_on=TODAY - timedelta(days), ended_on=TODAY - timedelta(days - 50))
    _row(world)

    assert KeyAdultRelationship.objects.filter(pupil=world.child).count() == 4
