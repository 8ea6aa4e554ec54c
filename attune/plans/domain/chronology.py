"""A child's chronology: events from many records, merged into one list in time order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

KINDS: dict[str, str] = {
    "key_adult": "Key adult",
    "team": "Team around the child",
    "plan": "Plans",
    "review": "Plan reviews",
    "meeting": "Meetings",
    "contact": "Contact log",
}


@dataclass(frozen=True, slots=True)
class Entry:
    on: date
    kind: str
    title: str
    detail: str = ""
    link: str = ""
    order: int = 0  # ties on one day: lower first

    @property
    def day(self) -> str:
        """The date as people read it ("3 Mar 2026"), without a template filter per row."""
        return f"{self.on.day} {self.on:%b %Y}"


def in_range(on: date, since: date | None, until: date | None) -> bool:
    return (since is None or on >= since) and (until is None or on <= until)


def chronology(
    entries: Iterable[Entry],
    *,
    kinds: Iterable[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    newest_first: bool = True,
) -> list[Entry]:
    """Entries of the chosen kinds within the dates, in time order (newest first by default)."""
    wanted = set(kinds) if kinds else set(KINDS)
    chosen = [e for e in entries if e.kind in wanted and in_range(e.on, since, until)]
    chosen.sort(key=lambda e: (e.on, e.order), reverse=newest_first)
    return chosen
