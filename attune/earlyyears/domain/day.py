"""The day's record in early years: sign-in and sign-out, hours, sleeps, and who was key person.

Plain data in, plain data out. Times are times of day on one date (a setting's day does not
cross midnight); the caller passes the date and the time "now" where a rule needs them.

Source for what the record must hold: the EYFS statutory framework for group and school-based
providers (see ``ratios.FRAMEWORK_VERSION``), section 3 - a daily record of the names of the
children looked after, their hours of attendance and the names of each child's key person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a person should fix, with the form field it belongs to."""

    code: str
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Visit:
    """One stretch of attendance: signed in, and (once collected) signed out."""

    signed_in: time
    signed_out: time | None = None


@dataclass(frozen=True, slots=True)
class Sleep:
    went_down: time
    woke: time | None = None


@dataclass(frozen=True, slots=True)
class KeyPersonToday:
    """Who was the child's key person on the day, and who covered if they were away."""

    key_person: str | None
    covered_by: str | None = None
    key_person_away: bool = False

    @property
    def acting(self) -> str | None:
        """The adult who actually looked after the child as key person that day."""
        return self.covered_by if self.key_person_away else self.key_person


def minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def check_sign_in(existing: Iterable[Visit], at: time) -> Problem | None:
    """A child cannot be signed in while already in, nor inside a stretch already recorded."""
    for visit in existing:
        if visit.signed_out is None:
            return Problem(
                "register.already_in",
                "signed_in_at",
                f"Already signed in at {visit.signed_in:%H:%M} and not yet signed out: "
                "sign them out first, or amend that time.",
            )
        if visit.signed_in <= at < visit.signed_out:
            return Problem(
                "register.already_in",
                "signed_in_at",
                f"Already recorded as here from {visit.signed_in:%H:%M} to "
                f"{visit.signed_out:%H:%M}; choose a sign-in time outside that.",
            )
    return None


def check_sign_out(signed_in: time, at: time) -> Problem | None:
    if at <= signed_in:
        return Problem(
            "register.out_before_in",
            "signed_out_at",
            f"The sign-out time must be after the sign-in time ({signed_in:%H:%M}).",
        )
    return None


def check_sleep(sleep: Sleep) -> Problem | None:
    if sleep.woke is not None and sleep.woke <= sleep.went_down:
        return Problem(
            "care.woke_before_down",
            "woke_at",
            f"The waking time must be after the time they went down ({sleep.went_down:%H:%M}).",
        )
    return None


def open_sleep_problem(sleeps: Iterable[Sleep]) -> Problem | None:
    """Before a child goes home (or the day is closed) every sleep needs a waking time."""
    for sleep in sleeps:
        if sleep.woke is None:
            return Problem(
                "care.sleep_open",
                "woke_at",
                f"The sleep from {sleep.went_down:%H:%M} has no waking time: add when they woke.",
            )
    return None


def day_problems(
    visits: Sequence[Visit], sleeps: Sequence[Sleep], *, day_over: bool
) -> list[Problem]:
    """What is still missing from a child's record once the day is over."""
    if not day_over:
        return []
    problems: list[Problem] = []
    if any(v.signed_out is None for v in visits):
        problems.append(
            Problem(
                "register.no_sign_out",
                "signed_out_at",
                "No sign-out time was recorded: add it as an amendment.",
            )
        )
    open_sleep = open_sleep_problem(sleeps)
    if open_sleep is not None:
        problems.append(open_sleep)
    return problems


def minutes_attended(visits: Iterable[Visit], *, until: time | None = None) -> int:
    """Minutes present. A stretch still open counts up to ``until`` (now), or not at all."""
    total = 0
    for visit in visits:
        end = visit.signed_out or until
        if end is not None and end > visit.signed_in:
            total += minutes(end) - minutes(visit.signed_in)
    return total


def hours_label(total_minutes: int) -> str:
    hours, mins = divmod(total_minutes, 60)
    if hours and mins:
        return f"{hours} h {mins:02d} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"


def key_person_today(
    key_person: str | None, co_worker: str | None, *, away: bool
) -> KeyPersonToday:
    """With the key person away, the named co-worker covers (if there is one)."""
    if key_person is None:
        return KeyPersonToday(None)
    if not away:
        return KeyPersonToday(key_person)
    return KeyPersonToday(key_person, covered_by=co_worker, key_person_away=True)
