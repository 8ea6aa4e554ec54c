"""Warnings about check-ins that are not happening, each with a plain reason and numbers.

Three warnings (REQUIREMENTS 2 and 5):

* check-ins not happening several times in a row (default 3);
* a child not seen by any of their adults for several school days (default 3);
* a key adult away today with nobody to cover.

"Not happening" choice: both *missed* and *child declined* count. A decline is the child's
voice and is respected, but from the relationship's point of view the child still went
without the contact, and a run of declines is often the first sign that the arrangement
(time, place, adult) needs talking about again. The message says how many of the run
were declines so the adult reads it that way. A check-in *covered by the co-worker* did
happen.

"Not seen" counts school days after the last time any of the child's adults saw them, up
to but not including ``today`` (today is not over yet). Days the child was absent count
too: a child off school for days with no contact is exactly when someone should reach out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from attune.checkins.domain.schedule import (
    Cover,
    DoneBy,
    SchoolCalendar,
    school_days_between,
    who_does_it,
)

DEFAULT_MISSED_IN_A_ROW = 3
DEFAULT_NOT_SEEN_SCHOOL_DAYS = 3


class WarningError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Outcome(StrEnum):
    HAPPENED = "happened"
    MISSED = "missed"
    DECLINED = "declined"
    COVERED = "covered"


NOT_HAPPENING = frozenset({Outcome.MISSED, Outcome.DECLINED})


class WarningKind(StrEnum):
    MISSED_IN_A_ROW = "checkins.missed_in_a_row"
    NOT_SEEN = "checkins.not_seen"
    NO_COVER = "checkins.no_cover"


@dataclass(frozen=True, slots=True)
class CheckinRecord:
    """One logged check-in. ``order`` separates check-ins on the same day (0 = first)."""

    on: date
    outcome: Outcome
    order: int = 0


@dataclass(frozen=True, slots=True)
class CheckinWarning:
    kind: WarningKind
    message: str
    count: int
    threshold: int
    since: date | None = None


def missed_in_a_row(
    records: Iterable[CheckinRecord], *, threshold: int = DEFAULT_MISSED_IN_A_ROW
) -> CheckinWarning | None:
    """Warn when the latest ``threshold`` or more check-ins all did not happen."""
    _check_threshold(threshold)
    run = _latest_run(sorted(records, key=lambda r: (r.on, r.order)))
    if len(run) < threshold:
        return None
    declined = sum(1 for r in run if r.outcome is Outcome.DECLINED)
    return CheckinWarning(
        WarningKind.MISSED_IN_A_ROW,
        _missed_message(len(run), declined),
        count=len(run),
        threshold=threshold,
        since=run[0].on,
    )


def not_seen(
    *,
    last_seen: date | None,
    known_since: date,
    today: date,
    calendar: SchoolCalendar,
    threshold: int = DEFAULT_NOT_SEEN_SCHOOL_DAYS,
) -> CheckinWarning | None:
    """Warn when no adult has seen the child for ``threshold`` or more school days.

    ``known_since`` is when the child's adults were first named (the count starts there
    when the child has never been seen).
    """
    _check_threshold(threshold)
    start = (last_seen or known_since - timedelta(days=1)) + timedelta(days=1)
    yesterday = today - timedelta(days=1)
    days = school_days_between(start, yesterday, calendar.closures, calendar.terms)
    if days < threshold:
        return None
    if last_seen is None:
        message = f"None of the child's adults has seen them yet: {days} school days so far."
    else:
        message = (
            f"None of the child's adults has seen them for {days} school days "
            f"(last seen {last_seen:%A} {last_seen.day} {last_seen:%B})."
        )
    return CheckinWarning(
        WarningKind.NOT_SEEN, message, count=days, threshold=threshold, since=start
    )


def no_cover(cover: Cover, *, today: date) -> CheckinWarning | None:
    """Warn when the key adult is away and nobody can step in."""
    done_by, _ = who_does_it(cover)
    if done_by is not DoneBy.NOBODY:
        return None
    if cover.co_worker is None:
        message = "The key adult is away today and no co-worker has been named to cover."
    else:
        message = "The key adult and their co-worker are both away today, so nobody is covering."
    return CheckinWarning(WarningKind.NO_COVER, message, count=1, threshold=1, since=today)


def _latest_run(records: Sequence[CheckinRecord]) -> list[CheckinRecord]:
    run: list[CheckinRecord] = []
    for record in reversed(records):
        if record.outcome not in NOT_HAPPENING:
            break
        run.append(record)
    run.reverse()
    return run


def _missed_message(count: int, declined: int) -> str:
    message = f"The last {count} check-ins did not happen"
    if declined == count:
        return f"{message}: the child said no each time."
    if declined:
        return f"{message} ({declined} of them because the child said no)."
    return f"{message}."


def _check_threshold(threshold: int) -> None:
    if threshold < 1:
        raise WarningError("A warning threshold must be at least 1.", "warnings.threshold")
