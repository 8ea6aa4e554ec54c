"""Where a key adult relationship stands on the principles of attuned interaction (KA-8).

The five principles come from Video Interaction Guidance and build on one another: an
adult first notices the child, then invites and welcomes what the child brings, then the
two take turns in step, and only then does the adult lead and teach. Attune records the
level each relationship has reached and holds back "guiding" targets until the
relationship is recorded as attuned. The descriptions are our own words.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

CITATION = (
    "Kennedy, H., Landor, M. & Todd, L. (eds.) (2011) Video Interaction Guidance. "
    "London: Jessica Kingsley."
)
SOURCE_NOTE = "Based on the principles of attuned interaction in Video Interaction Guidance."


class Principle(IntEnum):
    """In order: each level rests on the ones before it."""

    BEING_ATTENTIVE = 1
    ENCOURAGING_INITIATIVES = 2
    RECEIVING_INITIATIVES = 3
    ATTUNED_INTERACTIONS = 4
    GUIDING = 5

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_LABELS: dict[Principle, str] = {
    Principle.BEING_ATTENTIVE: "Being attentive",
    Principle.ENCOURAGING_INITIATIVES: "Encouraging initiatives",
    Principle.RECEIVING_INITIATIVES: "Receiving initiatives",
    Principle.ATTUNED_INTERACTIONS: "Attuned interactions",
    Principle.GUIDING: "Guiding",
}

_DESCRIPTIONS: dict[Principle, str] = {
    Principle.BEING_ATTENTIVE: (
        "The adult gives the child their full attention: facing them, interested, relaxed "
        "and friendly, noticing what the child is doing and feeling."
    ),
    Principle.ENCOURAGING_INITIATIVES: (
        "The adult waits, leaves space and gently shows they are interested, so the child "
        "feels free to start something, say something or show something."
    ),
    Principle.RECEIVING_INITIATIVES: (
        "When the child does reach out, the adult notices and answers warmly, with words, "
        "a look or a nod, so the child knows they have been heard."
    ),
    Principle.ATTUNED_INTERACTIONS: (
        "Adult and child take turns back and forth, each building on what the other did, "
        "and both seem to enjoy being in step."
    ),
    Principle.GUIDING: (
        "From that shared footing the adult can extend, suggest, name feelings and help "
        "solve problems together, while still following the child's lead."
    ),
}


class Direction(StrEnum):
    MOVING_ON = "moving_on"
    STEADY = "steady"
    STEPPED_BACK = "stepped_back"
    NOT_RECORDED = "not_recorded"


DIRECTION_TEXT: dict[Direction, str] = {
    Direction.MOVING_ON: "The relationship has moved on since it was first recorded.",
    Direction.STEADY: "The relationship is at the same level as when it was first recorded.",
    Direction.STEPPED_BACK: "The relationship has stepped back since it was first recorded.",
    Direction.NOT_RECORDED: "No level has been recorded yet.",
}


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str


@dataclass(frozen=True, slots=True)
class LevelRecord:
    on: date
    level: Principle


@dataclass(frozen=True, slots=True)
class Change:
    on: date
    from_level: Principle
    to_level: Principle


@dataclass(frozen=True, slots=True)
class Progress:
    first: LevelRecord | None
    latest: LevelRecord | None
    highest: Principle | None
    changes: tuple[Change, ...]
    direction: Direction

    @property
    def summary(self) -> str:
        if self.latest is None:
            return DIRECTION_TEXT[Direction.NOT_RECORDED]
        return f"Now at '{self.latest.level.label}'. {DIRECTION_TEXT[self.direction]}"


GUIDING_NEEDS = Principle.ATTUNED_INTERACTIONS


def can_set_guiding_target(level: Principle | None) -> Decision:
    """Guiding targets wait until the relationship is recorded as attuned."""
    if level is not None and level >= GUIDING_NEEDS:
        return Decision(
            True, "The relationship is recorded as attuned, so guiding targets can be set."
        )
    current = level.label.lower() if level is not None else "not yet recorded"
    return Decision(
        False,
        "Guiding targets are held back until the relationship is recorded as attuned "
        f"(currently: {current}). Work on the earlier steps first.",
    )


def progress(history: Iterable[LevelRecord]) -> Progress:
    """First, latest and highest level, each change in date order, and the overall direction."""
    records = sorted(history, key=lambda r: r.on)
    if not records:
        return Progress(None, None, None, (), Direction.NOT_RECORDED)
    changes = tuple(
        Change(after.on, before.level, after.level)
        for before, after in itertools.pairwise(records)
        if after.level != before.level
    )
    first, latest = records[0], records[-1]
    return Progress(
        first=first,
        latest=latest,
        highest=max(r.level for r in records),
        changes=changes,
        direction=_direction(first.level, latest.level),
    )


def _direction(first: Principle, latest: Principle) -> Direction:
    if latest > first:
        return Direction.MOVING_ON
    if latest < first:
        return Direction.STEPPED_BACK
    return Direction.STEADY
