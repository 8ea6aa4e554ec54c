"""When a key adult's formal supervision is due, with the reasons in plain words.

Formal supervision is counted from the last formal session, or, for someone never supervised,
from the day they first became a key adult. It is *due* on that day plus the school's interval
and *overdue* from the day after. Peer and informal supervision are valued and shown, but they
do not reset the formal clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

DEFAULT_FORMAL_EVERY_WEEKS = 6
DUE_SOON_DAYS = 14


class SupervisionStatus(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UP_TO_DATE = "up_to_date"

    @property
    def label(self) -> str:
        return {
            SupervisionStatus.OVERDUE: "Overdue",
            SupervisionStatus.DUE_SOON: "Due soon",
            SupervisionStatus.UP_TO_DATE: "Up to date",
        }[self]


def say_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def say_weeks(days: int) -> str:
    weeks = days // 7
    if weeks == 0:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{weeks} week{'s' if weeks != 1 else ''}"


@dataclass(frozen=True, slots=True)
class SupervisionState:
    status: SupervisionStatus
    due_on: date
    reasons: list[str] = field(default_factory=list)


def supervision_state(
    *,
    key_adult_since: date,
    last_formal: date | None,
    last_other: date | None,
    every_weeks: int,
    today: date,
    soon_days: int = DUE_SOON_DAYS,
) -> SupervisionState:
    """Whether formal supervision is overdue, due soon or up to date, and why."""
    if every_weeks < 1:
        raise ValueError("supervision is at least one week apart")
    start = last_formal if last_formal is not None else key_adult_since
    due = start + timedelta(weeks=every_weeks)
    aim = f"the school aims for formal supervision every {every_weeks} weeks"
    reasons: list[str] = []
    if today > due:
        status = SupervisionStatus.OVERDUE
        if last_formal is None:
            reasons.append(
                f"No formal supervision recorded since becoming a key adult on "
                f"{say_date(key_adult_since)}, {say_weeks((today - key_adult_since).days)} "
                f"ago; {aim}."
            )
        else:
            reasons.append(
                f"The last formal supervision was on {say_date(last_formal)}, "
                f"{say_weeks((today - last_formal).days)} ago; {aim}."
            )
    elif (due - today).days <= soon_days:
        status = SupervisionStatus.DUE_SOON
        reasons.append(f"Formal supervision is due by {say_date(due)}.")
    else:
        status = SupervisionStatus.UP_TO_DATE
    if status is not SupervisionStatus.UP_TO_DATE and last_other is not None and last_other > start:
        reasons.append(
            f"There was a peer or informal conversation on {say_date(last_other)}; that helps, "
            "but it does not replace formal supervision."
        )
    return SupervisionState(status, due, reasons)
