"""Results of a Relational Approaches Audit: summaries, comparisons over time, action candidates.

Ratings come in as a mapping of item id to red / amber / green, or None (or absent) for an item
not rated yet. Ratings for ids the template does not have are refused with a coded error,
because they mean the answers belong to a different template or version.

How a score is worked out (the toolkit itself gives no score; this one is ours):
  * green = 2 points, amber = 1, red = 0;
  * a group's score is its points as a percentage of the most it could score over the items
    rated so far (2 per rated item), rounded half up to a whole number, so 0..100;
  * items not yet rated don't pull the score down: completeness (rated out of total, rounded
    down so 100 means every item is rated) says how much of the picture the score covers;
  * a group with nothing rated has no score (None), rather than a misleading 0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from attune.wholeschool.domain.audit_template import AuditTemplate, Item, Rating

POINTS: Mapping[Rating, int] = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2}
MAX_POINTS_PER_ITEM = 2

RatingsInput = Mapping[str, Rating | str | None]


class RatingsError(ValueError):
    """Ratings that don't fit the template. ``item_ids`` names the offending ids."""

    UNKNOWN_ITEM = "audit.ratings.unknown_item"
    BAD_VALUE = "audit.ratings.bad_value"

    def __init__(self, message: str, *, code: str, item_ids: tuple[str, ...]) -> None:
        super().__init__(message)
        self.code = code
        self.item_ids = item_ids


def normalise_ratings(template: AuditTemplate, ratings: RatingsInput) -> dict[str, Rating | None]:
    """Every template item id mapped to its Rating or None, in toolkit order."""
    known = template.item_ids()
    known_set = set(known)
    unknown = tuple(item_id for item_id in ratings if item_id not in known_set)
    if unknown:
        raise RatingsError(
            f"These answers don't match any item in this audit: {', '.join(unknown)}.",
            code=RatingsError.UNKNOWN_ITEM,
            item_ids=unknown,
        )
    allowed = {r.value for r in Rating}
    bad = tuple(i for i, v in ratings.items() if v is not None and v not in allowed)
    if bad:
        raise RatingsError(
            f"Each answer should be red, amber or green; these are not: {', '.join(bad)}.",
            code=RatingsError.BAD_VALUE,
            item_ids=bad,
        )
    return {item_id: _as_rating(ratings.get(item_id)) for item_id in known}


def _as_rating(value: Rating | str | None) -> Rating | None:
    return None if value is None else Rating(value)


# --- summaries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of ratings for a group of items, with the score and completeness derived."""

    red: int = 0
    amber: int = 0
    green: int = 0
    unrated: int = 0

    @classmethod
    def of(cls, ratings: list[Rating | None]) -> Tally:
        return cls(
            red=ratings.count(Rating.RED),
            amber=ratings.count(Rating.AMBER),
            green=ratings.count(Rating.GREEN),
            unrated=ratings.count(None),
        )

    @property
    def rated(self) -> int:
        return self.red + self.amber + self.green

    @property
    def total(self) -> int:
        return self.rated + self.unrated

    @property
    def points(self) -> int:
        return self.amber * POINTS[Rating.AMBER] + self.green * POINTS[Rating.GREEN]

    @property
    def max_points(self) -> int:
        return self.rated * MAX_POINTS_PER_ITEM

    @property
    def score(self) -> int | None:
        """Points as a percentage of the maximum over rated items, rounded half up."""
        if self.max_points == 0:
            return None
        # Integer arithmetic: round half up without float surprises.
        return (200 * self.points + self.max_points) // (2 * self.max_points)

    @property
    def completeness(self) -> int:
        """Percentage of items rated, rounded down so 100 only when all are rated."""
        return 100 * self.rated // self.total if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.unrated == 0


@dataclass(frozen=True, slots=True)
class SectionResult:
    area_id: str
    section_id: str
    title: str
    tally: Tally

    @property
    def key(self) -> str:
        """Section ids repeat across areas ("ethos"), so callers key on "area.section"."""
        return f"{self.area_id}.{self.section_id}"


@dataclass(frozen=True, slots=True)
class AreaResult:
    area_id: str
    title: str
    tally: Tally
    sections: tuple[SectionResult, ...]


@dataclass(frozen=True, slots=True)
class AuditResult:
    template_id: str
    template_version: int
    tally: Tally
    areas: tuple[AreaResult, ...]

    def sections(self) -> Iterator[SectionResult]:
        for area in self.areas:
            yield from area.sections

    def section(self, key: str) -> SectionResult:
        """The section result for "area.section", e.g. "safe.ethos"."""
        for section in self.sections():
            if section.key == key:
                return section
        raise KeyError(key)


def summarise(template: AuditTemplate, ratings: RatingsInput) -> AuditResult:
    """Counts, score and completeness for the whole audit, each area and each section."""
    rated = normalise_ratings(template, ratings)
    areas = []
    for area in template.areas:
        sections = tuple(
            SectionResult(
                area.id, section.id, section.title, Tally.of([rated[i.id] for i in section.items])
            )
            for section in area.sections
        )
        areas.append(
            AreaResult(area.id, area.title, Tally.of([rated[i.id] for i in area.items()]), sections)
        )
    overall = Tally.of(list(rated.values()))
    return AuditResult(template.id, template.version, overall, tuple(areas))


# --- comparing two audits -----------------------------------------------------------------


class Movement(StrEnum):
    IMPROVED = "improved"
    SLIPPED = "slipped"
    UNCHANGED = "unchanged"
    NEWLY_RATED = "newly_rated"
    # Not named in the brief, but both happen and neither fits the four above.
    NO_LONGER_RATED = "no_longer_rated"
    NOT_RATED = "not_rated"


@dataclass(frozen=True, slots=True)
class ItemChange:
    item_id: str
    area_id: str
    section_id: str
    before: Rating | None
    after: Rating | None
    movement: Movement


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """Before and after scores of one group; change is None unless both have a score."""

    key: str
    title: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class Comparison:
    items: tuple[ItemChange, ...]
    sections: tuple[ScoreChange, ...]
    areas: tuple[ScoreChange, ...]
    overall: ScoreChange
    earlier: AuditResult = field(repr=False)
    later: AuditResult = field(repr=False)

    def moved(self, movement: Movement) -> tuple[ItemChange, ...]:
        return tuple(change for change in self.items if change.movement is movement)


def movement(before: Rating | None, after: Rating | None) -> Movement:
    if before is None:
        return Movement.NOT_RATED if after is None else Movement.NEWLY_RATED
    if after is None:
        return Movement.NO_LONGER_RATED
    if POINTS[after] > POINTS[before]:
        return Movement.IMPROVED
    if POINTS[after] < POINTS[before]:
        return Movement.SLIPPED
    return Movement.UNCHANGED


def compare(template: AuditTemplate, earlier: RatingsInput, later: RatingsInput) -> Comparison:
    """What moved between two audits against the same template, item by item and by group."""
    before = normalise_ratings(template, earlier)
    after = normalise_ratings(template, later)
    items = tuple(
        ItemChange(
            item.id,
            area.id,
            section.id,
            before[item.id],
            after[item.id],
            movement(before[item.id], after[item.id]),
        )
        for area, section, item in template.locate()
    )
    first, second = summarise(template, before), summarise(template, after)
    sections = tuple(
        ScoreChange(a.key, a.title, a.tally.score, b.tally.score)
        for a, b in zip(first.sections(), second.sections(), strict=True)
    )
    areas = tuple(
        ScoreChange(a.area_id, a.title, a.tally.score, b.tally.score)
        for a, b in zip(first.areas, second.areas, strict=True)
    )
    overall = ScoreChange(template.id, template.title, first.tally.score, second.tally.score)
    return Comparison(items, sections, areas, overall, first, second)


# --- turning results into an action plan --------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionCandidate:
    item: Item
    rating: Rating
    area_id: str
    area_title: str
    section_id: str
    section_title: str


def action_candidates(
    template: AuditTemplate, ratings: RatingsInput
) -> tuple[ActionCandidate, ...]:
    """Items worth planning action for: every red, then every amber, each in toolkit order.

    Green and unrated items are left out: green needs no action and unrated needs rating first.
    """
    rated = normalise_ratings(template, ratings)
    found = [
        ActionCandidate(item, rating, area.id, area.title, section.id, section.title)
        for area, section, item in template.locate()
        if (rating := rated[item.id]) is not None and rating is not Rating.GREEN
    ]
    # sorted() is stable, so toolkit order holds within red and within amber.
    return tuple(sorted(found, key=lambda c: POINTS[c.rating]))
