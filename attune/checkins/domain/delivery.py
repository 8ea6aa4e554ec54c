"""When to try sending an email home again after an attempt failed.

The waits double from one minute (1, 2, 4, 8 ... minutes) up to an hour between tries, and
after ``MAX_ATTEMPTS`` the worker stops trying on its own: the message then waits, shown to
the attachment lead, for someone to press "try again" (for example once the address is fixed).
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 6
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def next_attempt_at(attempts: int, failed_at: datetime) -> datetime | None:
    """After ``attempts`` failed tries (at least one), the time of the next; None to stop."""
    if attempts < 1:
        raise ValueError("next_attempt_at is asked after a failed attempt")
    if attempts >= MAX_ATTEMPTS:
        return None
    wait: timedelta = min(FIRST_WAIT * (2 ** min(attempts - 1, 10)), LONGEST_WAIT)
    return failed_at + wait
