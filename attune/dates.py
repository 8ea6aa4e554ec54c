"""The dates Attune accepts, from files and from page addresses: 1990 to a year from today.

Nothing Attune holds is older than 1990 (registers, births of children on roll, cohort
histories) and nothing is planned more than a year ahead. A date outside that stretch is a
typo (``0001-01-01``, ``2206-09-01``); let through, it reaches the database and then breaks
the sums that work in school years (Python has no year 0). Files are refused naming the row;
a page's address gets a 400 page saying why (``attune.bad_requests``).

Pure: ``today`` is always passed in.
"""

from __future__ import annotations

from datetime import date

__all__ = ["EARLIEST", "latest", "out_of_range", "within"]

EARLIEST = date(1990, 1, 1)


def latest(today: date) -> date:
    """A year from ``today`` (29 February gives 28 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def out_of_range(day: date, today: date) -> str | None:
    """Why ``day`` cannot be right, or ``None`` when it is within the range."""
    if day < EARLIEST:
        return (
            f"{day.isoformat()} is before 1990; Attune holds nothing that old, so it is "
            "probably a typo."
        )
    if day > latest(today):
        return f"{day.isoformat()} is more than a year from today, so it is probably a typo."
    return None


def within(field: str, since: date | None, until: date | None) -> dict[str, date]:
    """Lookups keeping ``field`` between ``since`` and ``until`` (each end optional, both
    included), to spread into a query's ``filter``."""
    found = {}
    if since is not None:
        found[f"{field}__gte"] = since
    if until is not None:
        found[f"{field}__lte"] = until
    return found
