"""The audit search's "What they did" list covers every kind of event Attune writes."""

from __future__ import annotations

from attune.auditlog.actions import Action
from attune.privacy.trail_forms import ACTION_CHOICES


def test_every_kind_of_event_can_be_searched_for() -> None:
    prefixes = [value for value, _ in ACTION_CHOICES if value]
    unsearchable = [a.value for a in Action if not any(a.value.startswith(p) for p in prefixes)]
    assert not unsearchable, f"no search choice for: {unsearchable}"


def test_every_kind_of_event_has_words_for_people() -> None:
    assert all(a.label and a.label[0].isupper() for a in Action)
    assert len({a.value for a in Action}) == len(Action)
