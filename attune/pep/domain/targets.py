"""PEP targets: how a term's targets add up, and the checks on a target and its review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from attune.pep.domain.cycle import PepTerm

__all__ = [
    "FUNDING_CEILING",
    "Outcome",
    "Problem",
    "TargetSums",
    "funding_problem",
    "meeting_problem",
    "review_problem",
    "target_sums",
]

# Pupil Premium Plus is a few thousand pounds a child a year; more than this on one target is
# far more likely a slip of the keyboard than a plan.
FUNDING_CEILING = Decimal(10000)


class Outcome(StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    CARRIED_FORWARD = "carried_forward"


@dataclass(frozen=True, slots=True)
class TargetSums:
    met: int = 0
    partly: int = 0
    not_met: int = 0
    carried_forward: int = 0
    open: int = 0  # not reviewed yet

    @property
    def total(self) -> int:
        return self.met + self.partly + self.not_met + self.carried_forward + self.open

    @property
    def reviewed(self) -> int:
        return self.total - self.open


def target_sums(outcomes: Iterable[str | None]) -> TargetSums:
    """Count a PEP's targets by review outcome ('' or None: not reviewed yet)."""
    counts = dict.fromkeys(("met", "partly", "not_met", "carried_forward", "open"), 0)
    for outcome in outcomes:
        counts[Outcome(outcome).value if outcome else "open"] += 1
    return TargetSums(**counts)


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    code: str
    field: str


def meeting_problem(term: PepTerm, meeting_on: date) -> Problem | None:
    """A term's PEP meeting falls within that term (its holiday before included)."""
    if term.contains(meeting_on):
        return None
    return Problem(
        f"The meeting for {term.label} should be between {term.starts_on:%-d %B %Y} and "
        f"{term.ends_on:%-d %B %Y}.",
        "pep.meeting_outside_term",
        "meeting_on",
    )


def funding_problem(amount: Decimal | None) -> Problem | None:
    if amount is None or Decimal(0) <= amount <= FUNDING_CEILING:
        return None
    if amount < 0:
        message = "Funding cannot be less than nothing: leave it empty if there is none."
    else:
        message = f"That is more than £{FUNDING_CEILING:,} for one target: check the amount."
    return Problem(message, "pep.funding_out_of_range", "funding")


def review_problem(outcome: str, note: str) -> Problem | None:
    """A target carried forward needs a word on why, so next term's meeting knows."""
    if outcome not in set(Outcome):
        return Problem("Choose how the target went.", "pep.outcome_required", "outcome")
    if outcome == Outcome.CARRIED_FORWARD and not note.strip():
        return Problem("Say why the target is carried into next term.", "pep.note_required", "note")
    return None
