"""Rules for plans: who owns a commitment, whether a review is due, how far a target has come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

OWNER_KINDS = ("staff", "parent", "child", "professional")
DUE_SOON_DAYS = 14


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    field: str
    message: str


def owner_problem(kind: str, has_staff: bool, name: str) -> Problem | None:
    """Why this owner will not do, or None. Every step and target needs someone named."""
    if kind not in OWNER_KINDS:
        return Problem("plans.owner_required", "owner_kind", "Say who is responsible for this.")
    if kind == "staff" and not has_staff:
        return Problem(
            "plans.owner_required", "owner_staff", "Choose the adult in school responsible."
        )
    if kind in ("parent", "professional") and not name.strip():
        return Problem("plans.owner_required", "owner_name", "Give the name of who is responsible.")
    return None


def criteria_problem(success_criteria: str) -> Problem | None:
    if success_criteria.strip():
        return None
    return Problem(
        "plans.success_criteria_required",
        "success_criteria",
        "Say how everyone will know this has worked.",
    )


@dataclass(frozen=True, slots=True)
class ReviewState:
    status: str  # "overdue", "due_soon" or "on_track"
    days: int  # days overdue, or days until due
    label: str


def review_state(due_on: date, today: date) -> ReviewState:
    days = (due_on - today).days
    if days < 0:
        late = -days
        return ReviewState("overdue", late, f"Review overdue by {late} day{'s' * (late != 1)}")
    if days == 0:
        return ReviewState("due_soon", 0, "Review due today")
    if days <= DUE_SOON_DAYS:
        return ReviewState("due_soon", days, f"Review due in {days} day{'s' * (days != 1)}")
    return ReviewState("on_track", days, f"Next review {due_on:%-d %B %Y}")


def progress_share(baseline: Decimal, target: Decimal, value: Decimal | None) -> int | None:
    """How far from the baseline towards the target, as a whole percentage (may pass 100 or
    fall below 0); None without a value or when the target equals the baseline."""
    if value is None or target == baseline:
        return None
    return round((value - baseline) / (target - baseline) * 100)


def you_said_problem(
    status: str, what_we_did: str, has_done_by: bool, done_on: date | None, reason: str
) -> Problem | None:
    """Why this response to a "you said" item will not do, or None."""
    if status in ("in_hand", "done") and not what_we_did.strip():
        return Problem("you_said.what_required", "what_we_did", "Say what we did, or are doing.")
    if status == "done" and not has_done_by:
        return Problem("you_said.done_by_required", "done_by", "Say who did it.")
    if status in ("done", "not_taken_forward") and done_on is None:
        return Problem("you_said.done_on_required", "done_on", "Give the date it was decided.")
    if status == "not_taken_forward" and not reason.strip():
        return Problem(
            "you_said.reason_required",
            "not_forward_reason",
            "Say why it is not being taken forward; the person who raised it deserves a reason.",
        )
    return None
