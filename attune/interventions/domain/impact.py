"""Impact of an intervention: did the children who took part move in the good direction?

Each allocation may have a baseline and, later, a follow-up score on the same scale. Only
children with both count towards impact. "Better" depends on the scale: on a Boxall Profile
developmental strand a higher score is better; on an SDQ total difficulties score a lower one is.
Changes are reported as *improvement*: positive always means the child moved the good way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import mean, median

__all__ = ["Impact", "MeasurePair", "describe_change", "impact", "improvement", "in_range"]


@dataclass(frozen=True, slots=True)
class MeasurePair:
    baseline: float | None
    follow_up: float | None

    @property
    def complete(self) -> bool:
        return self.baseline is not None and self.follow_up is not None


@dataclass(frozen=True, slots=True)
class Impact:
    allocated: int  # every allocation counted, measured or not
    measured: int  # with both a baseline and a follow-up
    improved: int
    unchanged: int
    worsened: int
    median_improvement: float | None  # None when nobody has both measures yet
    mean_improvement: float | None

    @property
    def awaiting_follow_up(self) -> int:
        return self.allocated - self.measured

    @property
    def summary(self) -> str:
        """One plain sentence with the numbers."""
        if self.measured == 0:
            return "No child has both a baseline and a follow-up yet."
        children = "child" if self.measured == 1 else "children"
        return (
            f"{self.improved} of {self.measured} {children} with both measures moved the "
            f"good way; the median change was {describe_change(self.median_improvement)}."
        )


def describe_change(value: float | None) -> str:
    """An improvement in words: "2.5 points better", "1 point worse", "no change"."""
    if value is None:
        return "not known yet"
    size = round(abs(value), 1)
    if size == 0:
        return "no change"
    points = "point" if size == 1 else "points"
    return f"{size:g} {points} {'better' if value > 0 else 'worse'}"


def improvement(pair: MeasurePair, *, higher_is_better: bool) -> float | None:
    """Follow-up minus baseline, with the sign turned so that positive is always good."""
    if pair.baseline is None or pair.follow_up is None:
        return None
    change = pair.follow_up - pair.baseline
    return change if higher_is_better else -change


def impact(pairs: Iterable[MeasurePair], *, higher_is_better: bool) -> Impact:
    everyone = list(pairs)
    changes = [
        c
        for c in (improvement(p, higher_is_better=higher_is_better) for p in everyone)
        if c is not None
    ]
    return Impact(
        allocated=len(everyone),
        measured=len(changes),
        improved=sum(1 for c in changes if c > 0),
        unchanged=sum(1 for c in changes if c == 0),
        worsened=sum(1 for c in changes if c < 0),
        median_improvement=median(changes) if changes else None,
        mean_improvement=mean(changes) if changes else None,
    )


def in_range(score: float, *, lowest: float, highest: float) -> bool:
    return lowest <= score <= highest
