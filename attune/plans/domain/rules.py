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
