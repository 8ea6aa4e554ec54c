"""Churn in the team around a child: too many changes of the same professional, said plainly.

Every new social worker means the child telling their story again to a stranger. The rule: a
role is flagged when the number of different people who held it at any point in the last
``window_days`` (twelve months by default) reaches ``threshold`` (three by default). Family and
community contacts are not counted: a second carer is not churn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# Roles whose changes unsettle a child. Keys match ``TeamRole`` values; labels are singular
# and plural, for the message.
CHURN_ROLES: Mapping[str, tuple[str, str]] = {
    "social_worker": ("social worker", "social workers"),
    "early_help": ("early help worker", "early help workers"),
    "camhs": ("CAMHS practitioner", "CAMHS practitioners"),
    "send_officer": ("SEND officer", "SEND officers"),
    "virtual_school": ("Virtual School contact", "Virtual School contacts"),
    "youth_worker": ("youth worker", "youth workers"),
    "key_adult": ("key adult", "key adults"),
}
ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}


@dataclass(frozen=True, slots=True)
class Period:
    """One person in one role for a while; ``ended_on`` is None while it lasts."""

    role: str
    person: str
    started_on: date
    ended_on: date | None = None


@dataclass(frozen=True, slots=True)
class ChurnFlag:
    role: str
    count: int
    message: str


def people_in_window(periods: Iterable[Period], role: str, today: date, window_days: int) -> int:
    """How many different people held ``role`` at some point in the window ending today."""
    since = today - timedelta(days=window_days)
    return len(
        {
            p.person
            for p in periods
            if p.role == role
            and p.started_on <= today
            and (p.ended_on is None or p.ended_on >= since)
        }
    )


def churn_flags(
    periods: Iterable[Period],
    *,
    today: date,
    child_name: str,
    window_days: int = 365,
    threshold: int = 3,
) -> list[ChurnFlag]:
    """One flag per unsettled role, in the order of ``CHURN_ROLES``."""
    periods = list(periods)
    flags = []
    for role, (one, many) in CHURN_ROLES.items():
        count = people_in_window(periods, role, today, window_days)
        if count < threshold:
            continue
        nth = ORDINALS.get(count, f"{count}th")
        span = "twelve months" if window_days == 365 else f"{window_days} days"
        flags.append(
            ChurnFlag(
                role=role,
                count=count,
                message=(
                    f"{child_name} now has their {nth} {one} within {span} "
                    f"({count} {many}). Each change means starting again with someone new: "
                    "plan the handover with them and keep the adults in school steady."
                ),
            )
        )
    return flags
