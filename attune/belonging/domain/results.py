"""Belonging survey results: scores by strand and statement, for groups of pupils, made safe.

Plain data in, plain data out. A *score* is the average answer put on a 0-100 line (the least
positive face is 0, the most positive 100), so rounds on 3- and 5-point scales read alike and
a change between rounds is a number of points.

Small groups are hidden with the small-number rules in
:mod:`attune.virtualschool.domain.suppression` (reused, not copied):

* year groups form one column that adds up to "all pupils", so a hidden year group is
  protected by hiding another (secondary suppression);
* each cohort is shown against all pupils, so the pupils *not* in it must be at least the
  threshold as well, or "all pupils minus the cohort" would give a small group away;
* a group's scores are shown only when its number of pupils is shown, and a statement's (or
  strand's) score only when enough answers sit behind it (children may skip a statement).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from attune.virtualschool.domain.suppression import (
    DEFAULT_THRESHOLD,
    Reason,
    ShownCell,
    suppress_count,
    suppress_table,
)

ALL_PUPILS = "all"


@dataclass(frozen=True, slots=True)
class Answered:
    """One child's answers in a round: no name, only what the results are grouped by."""

    year_group: int
    cohorts: frozenset[str]
    answers: Mapping[str, int]  # statement id -> scale value; a skipped statement is absent


@dataclass(frozen=True, slots=True)
class Score:
    """A 0-100 score, or None (hidden, or nothing to score) with the reason in ``hidden``."""

    value: float | None
    answers: int
    hidden: ShownCell | None = None

    @property
    def shown(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class GroupResult:
    key: str
    label: str
    respondents: ShownCell
    strands: Mapping[str, Score]
    statements: Mapping[str, Score]


@dataclass(frozen=True, slots=True)
class RoundResults:
    all_pupils: GroupResult
    year_groups: tuple[GroupResult, ...]
    cohorts: tuple[GroupResult, ...]

    def groups(self) -> tuple[GroupResult, ...]:
        return (self.all_pupils, *self.year_groups, *self.cohorts)

    def group(self, key: str) -> GroupResult | None:
        return next((g for g in self.groups() if g.key == key), None)


@dataclass(frozen=True, slots=True)
class Scale:
    lowest: int
    highest: int

    def __post_init__(self) -> None:
        if self.highest <= self.lowest:
            raise ValueError("A scale needs its highest point above its lowest.")

    def score(self, values: Sequence[int]) -> float | None:
        """The average of ``values`` on a 0-100 line; None when there are none."""
        if not values:
            return None
        mean = sum(values) / len(values)
        return (mean - self.lowest) / (self.highest - self.lowest) * 100


def year_key(year_group: int) -> str:
    return f"year:{year_group}"


def cohort_key(cohort: str) -> str:
    return f"cohort:{cohort}"


def round_results(
    responses: Iterable[Answered],
    *,
    shape: Mapping[str, Sequence[str]],
    scale: Scale,
    year_groups: Mapping[int, str],
    cohorts: Mapping[str, str],
    threshold: int = DEFAULT_THRESHOLD,
) -> RoundResults:
    """Scores for all pupils, each year group (in the order given) and each cohort.

    ``shape`` maps strand id -> statement ids; ``year_groups`` and ``cohorts`` map keys to
    the labels shown. Answers to unknown statements, or from year groups not listed, count
    towards all pupils only.
    """
    everyone = list(responses)
    year_cells = _year_cells(everyone, list(year_groups), threshold)
    total = year_cells[-1]
    all_group = _group(ALL_PUPILS, "All pupils", everyone, total, shape, scale, threshold)
    years = tuple(
        _group(
            year_key(year),
            label,
            [r for r in everyone if r.year_group == year],
            cell,
            shape,
            scale,
            threshold,
        )
        for (year, label), cell in zip(year_groups.items(), year_cells, strict=False)
    )
    groups = []
    for cohort, label in cohorts.items():
        members = [r for r in everyone if cohort in r.cohorts]
        cell = _cohort_cell(len(members), len(everyone), threshold)
        groups.append(_group(cohort_key(cohort), label, members, cell, shape, scale, threshold))
    return RoundResults(all_group, years, tuple(groups))


def _year_cells(everyone: list[Answered], years: list[int], threshold: int) -> list[ShownCell]:
    """Each listed year group's count, then the all-pupils total, after suppression."""
    if not years:
        return [suppress_count(len(everyone), threshold=threshold)]
    counts = [sum(1 for r in everyone if r.year_group == year) for year in years]
    others = len(everyone) - sum(counts)
    rows = [[n] for n in counts] + ([[others]] if others else [])
    table = suppress_table(rows, row_totals=False, column_totals=True, threshold=threshold)
    totals = table.column_totals or (suppress_count(len(everyone), threshold=threshold),)
    return [row[0] for row in table.cells[: len(years)]] + [totals[0]]


def _cohort_cell(members: int, everyone: int, threshold: int) -> ShownCell:
    """The cohort's count, hidden when it or the rest of the pupils is small."""
    table = suppress_table(
        [[members, everyone - members]], row_totals=True, column_totals=False, threshold=threshold
    )
    return table.cell(0, 0)


def _group(
    key: str,
    label: str,
    members: list[Answered],
    respondents: ShownCell,
    shape: Mapping[str, Sequence[str]],
    scale: Scale,
    threshold: int,
) -> GroupResult:
    def score(statement_ids: Sequence[str]) -> Score:
        values = [r.answers[s] for r in members for s in statement_ids if s in r.answers]
        if respondents.suppressed:
            return Score(None, 0, respondents)
        answered = suppress_count(len(values), threshold=threshold)
        if answered.suppressed:
            return Score(None, 0, answered)
        return Score(scale.score(values), len(values))

    strands = {strand: score(ids) for strand, ids in shape.items()}
    statements = {s: score([s]) for ids in shape.values() for s in ids}
    return GroupResult(key, label, respondents, strands, statements)


def change(current: Score | None, previous: Score | None) -> float | None:
    """Points gained (or lost, negative) since the previous round; None unless both are shown."""
    if current is None or previous is None or current.value is None or previous.value is None:
        return None
    return current.value - previous.value


def hidden_text(cell: ShownCell | None) -> str:
    """Words for a hidden figure ("5 or fewer"), or "" when it is shown."""
    if cell is None or not cell.suppressed:
        return ""
    if cell.reason is Reason.SMALL:
        return f"{cell.threshold} or fewer"
    return cell.reason_text
