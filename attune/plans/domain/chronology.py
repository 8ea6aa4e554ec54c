"""A child's chronology: events from many records, merged into one list in time order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from attune.attendance.domain.codes import ALL_CODES

KINDS: dict[str, str] = {
    "key_adult": "Key adult",
    "team": "Team around the child",
    "plan": "Plans",
    "review": "Plan reviews",
    "meeting": "Meetings",
    "contact": "Contact log",
    "checkin": "Check-ins",
    "attendance": "Attendance",
    "you_said": "You said, we did",
    "incident": "Incidents",
    "intervention": "Interventions",
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


# Check-ins, a week to a line: "4 of 5 check-ins happened; seemed mostly settled."

HAPPENED = frozenset({"happened", "covered"})
MOODS = (
    (1.5, "very unsettled"),
    (2.5, "mostly unsettled"),
    (3.5, "mostly okay"),
    (4.5, "mostly settled"),
    (5.0, "bright and settled"),
)


def mood_words(moods: list[int]) -> str:
    average = sum(moods) / len(moods)
    return next(words for top, words in MOODS if average <= top)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def checkin_weeks(rows: Iterable[tuple[date, str, int | None]]) -> list[Entry]:
    """One entry per week (dated the first check-in of the week, so a date filter keeps it)
    from (day, outcome, mood) rows."""
    weeks: dict[date, list[tuple[date, str, int | None]]] = {}
    for row in rows:
        weeks.setdefault(row[0] - timedelta(days=row[0].weekday()), []).append(row)
    entries = []
    for monday, week in weeks.items():
        happened = sum(outcome in HAPPENED for _, outcome, _ in week)
        declined = sum(outcome == "declined" for _, outcome, _ in week)
        moods = [m for _, _, m in week if m is not None]
        parts = [f"{happened} of {_plural(len(week), 'check-in')} happened"]
        if declined:
            parts.append(f"{declined} declined")
        if moods:
            parts.append(f"seemed {mood_words(moods)}")
        title = f"Check-ins, week of {monday.day} {monday:%b %Y}"
        first = min(on for on, _, _ in week)
        entries.append(Entry(first, "checkin", title, "; ".join(parts) + ".", order=6))
    return entries


# Runs of absence from the register: possible sessions missed one after another.

RUN_SESSIONS = 4  # two school days in a row


def absence_runs(
    marks: Iterable[tuple[date, str, str]], *, at_least: int = RUN_SESSIONS
) -> list[Entry]:
    """Entries for runs of ``at_least`` absent sessions in a row, from (day, session, code)
    rows in register order. Sessions that are not possible (closures, not required) neither
    break a run nor add to it."""
    entries: list[Entry] = []
    run: list[tuple[date, bool]] = []

    def close() -> None:
        if len(run) >= at_least:
            days = len({on for on, _ in run})
            unauthorised = sum(u for _, u in run)
            first, last = run[0][0], run[-1][0]
            detail = f"{_plural(len(run), 'session')} missed over {_plural(days, 'day')}"
            if unauthorised:
                detail += f", {unauthorised} unauthorised"
            title = f"Absent from {first.day} {first:%b} to {last.day} {last:%b %Y}"
            entries.append(Entry(first, "attendance", title, detail + ".", order=7))
        run.clear()

    for on, _session, code in marks:
        known = ALL_CODES.get(code)  # stored codes carry the meaning of their date
        if known is None or not known.possible:
            continue
        if known.is_absence:
            run.append((on, known.category == "unauthorised"))
        else:
            close()
    close()
    return entries
