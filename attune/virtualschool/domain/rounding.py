"""Rounding counts to a base, so that figures shown beyond the Virtual School's own children
cannot be worked out by differencing.

Primary and secondary suppression (``suppression.py``) protect one table. They cannot protect a
table that can be asked for again and again with the end of its date range moved: a count that
changes by one between two days, with every other count in its column shown exactly, gives the
hidden count away (``tests/test_differencing.py`` replays this). Rounding every shown count to
the nearest multiple of a base (5 by default), totals included, leaves no exact figure to
subtract from: a shown count is within ``base // 2`` of the true one, and so is every
difference. Zero is shown as zero: it points at nobody.
"""

from __future__ import annotations


def round_count(value: int, base: int) -> int:
    """``value`` to the nearest multiple of ``base`` (a half rounds up); ``base`` 1 changes
    nothing."""
    if base < 1:
        raise ValueError("The rounding base must be at least 1.")
    if value < 0:
        raise ValueError("A count cannot be negative.")
    return ((2 * value + base) // (2 * base)) * base


def bounds(shown: int, base: int) -> tuple[int, int]:
    """The true counts a shown, rounded count can stand for (what a reader can know)."""
    if shown == 0:
        return (0, 0) if base == 1 else (0, (base - 1) // 2)
    low = shown - base // 2
    high = shown + (base - 1) // 2
    return max(low, 0), high
