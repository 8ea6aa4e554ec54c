"""Differencing: figures that go beyond the Virtual School's named duty stay hidden however the
dates are moved.

An attacker with an API token (the same figures as the pages and their exports) asks for the
county's table of schools again and again, moving the end of the date range a day at a time,
and sets every answer beside the others. They know what each mark means: a shown count, a
count from 1 up to the threshold (``≤5``), a figure hidden so another cannot be worked out (``*``);
that each column adds up to its "All schools" total; and that counts over a range can only
grow as its end moves on (a child suspended by Tuesday was suspended by Wednesday). From these
they narrow down every figure, each bound tightening the others until nothing moves (interval
propagation, the reasoning of "subtract the shown cells from the total", carried across dates).

On exact counts with cell suppression alone, this attacker recovers a hidden count: a school
whose five suspended children become six is shown at six the next day, and with the total
moving by one and the column's other schools steady, yesterday's hidden five falls out. With
every shown count rounded to the nearest five (the default), nothing hidden is recovered.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from attune import testing
from attune.attendance.models import SessionMark
from attune.people.models import Cohort, Pupil, School
from attune.tenancy import school_scope
from attune.testing import SchoolWorld
from attune.virtualschool import services
from attune.virtualschool.reports import SCHOOLS_CAPTION
from attune.virtualschool.tests.conftest import Authorities

pytestmark = pytest.mark.django_db

BIG = 10_000
# Counts over a range that can only grow as its end moves on.
GROWING = {"Children in the cohorts", "Suspended or excluded", "Had a check-in"}


def children(school: School, n: int) -> list[Pupil]:
    found = [testing.pupil(school) for _ in range(n)]
    for child in found:
        testing.cohort(child, Cohort.LOOKED_AFTER)
    return found


def suspend(school: School, pupils: list[Pupil], day: date) -> None:
    with school_scope(school):
        SessionMark.objects.bulk_create(
            SessionMark(school=school, pupil=p, date=day, session="AM", code="E", original_code="E")
            for p in pupils
        )


@dataclass
class County:
    first: date  # the start of every range asked for
    ends: list[date]  # the ends the attacker moves through
    target: str  # the school whose hidden figure the attack on exact counts recovers
    day_before: date  # the end on which it is hidden


@pytest.fixture
def county(world: SchoolWorld, las: Authorities) -> County:
    """Four more schools in Kent, sharing no child: Ash has five children suspended early on and
    a sixth on ``day``; Beech seven, steady; Cedar eight; Damson nine."""
    day = timezone.localdate() - timedelta(days=3)
    early = day - timedelta(days=20)
    testing.share_with_virtual_school(world.school, cohorts=())
    for urn, name, n, late in (
        ("200001", "Ash Primary", 6, True),
        ("200002", "Beech Primary", 7, False),
        ("200003", "Cedar Primary", 8, False),
        ("200004", "Damson Primary", 9, False),
    ):
        school = testing.school(urn, name)
        testing.share_with_virtual_school(school, cohorts=())
        pupils = children(school, n)
        suspend(school, pupils[:-1] if late else pupils, early)
        if late:
            suspend(school, pupils[-1:], day)
    first = early - timedelta(days=10)
    ends = [day + timedelta(days=n) for n in range(-2, 3)]
    return County(first, ends, "Ash Primary", day - timedelta(days=1))


def api(las: Authorities) -> Callable[[date, date], dict[str, Any]]:
    _, secret = services.api_token_create(actor=las.kent_head, authority=las.kent, name="probe")
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    def ask(first: date, end: date) -> dict[str, Any]:
        query = {"date_from": first.isoformat(), "date_to": end.isoformat()}
        response = client.get("/api/v1/county", query)
        assert response.status_code == 200
        data: dict[str, Any] = response.json()
        return data

    return ask


Key = tuple[int, str, str]  # (which answer, row, column)


@dataclass
class Attacker:
    """What can be known of every figure, narrowed until nothing moves."""

    threshold: int
    base: int
    lo: dict[Key, int]
    hi: dict[Key, int]
    hidden: set[Key]
    sums: list[tuple[list[Key], Key]]
    growing: list[tuple[Key, Key]]

    def tighten(self) -> None:
        changed = True
        while changed:
            changed = False
            for parts, total in self.sums:
                changed |= self._bound(total, sum(self.lo[p] for p in parts), None)
                changed |= self._bound(total, None, sum(self.hi[p] for p in parts))
                for part in parts:
                    others = [p for p in parts if p != part]
                    low = self.lo[total] - sum(self.hi[p] for p in others)
                    high = self.hi[total] - sum(self.lo[p] for p in others)
                    changed |= self._bound(part, low, high)
            for earlier, later in self.growing:
                changed |= self._bound(later, self.lo[earlier], None)
                changed |= self._bound(earlier, None, self.hi[later])

    def _bound(self, key: Key, low: int | None, high: int | None) -> bool:
        moved = False
        if low is not None and low > self.lo[key]:
            self.lo[key], moved = low, True
        if high is not None and high < self.hi[key]:
            self.hi[key], moved = high, True
        assert self.lo[key] <= self.hi[key], f"the true figures break the model at {key}"
        return moved

    def recovered(self) -> set[Key]:
        return {key for key in self.hidden if self.lo[key] == self.hi[key]}


def attack(answers: list[dict[str, Any]], threshold: int, base: int) -> Attacker:
    lo: dict[Key, int] = {}
    hi: dict[Key, int] = {}
    hidden: set[Key] = set()
    sums: list[tuple[list[Key], Key]] = []
    growing: list[tuple[Key, Key]] = []
    for n, answer in enumerate(answers):
        [table] = [t for t in answer["tables"] if t["caption"] == SCHOOLS_CAPTION]
        columns = table["headers"][1:]
        for row in [*table["rows"], table["total"]]:
            for column, cell in zip(columns, row["cells"], strict=True):
                key = (n, row["label"], column)
                if cell["hidden"] == "small":
                    lo[key], hi[key] = 1, threshold
                    hidden.add(key)
                elif cell["hidden"]:
                    lo[key], hi[key] = 0, BIG
                    hidden.add(key)
                elif cell["value"] == 0:
                    lo[key] = hi[key] = 0
                else:
                    value = int(cell["value"])
                    lo[key] = max(value - base // 2, threshold + 1)
                    hi[key] = value + (base - 1) // 2
        for column in columns:
            parts = [(n, row["label"], column) for row in table["rows"]]
            sums.append((parts, (n, table["total"]["label"], column)))
            if n and column in GROWING:
                labels = [row["label"] for row in table["rows"]] + [table["total"]["label"]]
                growing += [((n - 1, label, column), (n, label, column)) for label in labels]
    attacker = Attacker(threshold, base, lo, hi, hidden, sums, growing)
    attacker.tighten()
    return attacker


def replay(county: County, las: Authorities) -> list[dict[str, Any]]:
    ask = api(las)
    return [ask(county.first, end) for end in county.ends]


def test_moving_the_end_of_the_range_recovers_no_hidden_figure(
    county: County, las: Authorities
) -> None:
    answers = replay(county, las)
    attacker = attack(answers, threshold=5, base=5)
    assert attacker.hidden, "the scenario must hide something"
    assert not attacker.recovered()


def test_without_rounding_the_same_attack_recovers_a_hidden_count(
    county: County, las: Authorities, settings: Any
) -> None:
    """The control: cell suppression alone gives the hidden five away."""
    settings.ATTUNE_VIRTUAL_SCHOOL_ROUND_TO = 1
    answers = replay(county, las)
    attacker = attack(answers, threshold=5, base=1)
    found = {(answers[n]["date_to"], row, column) for n, row, column in attacker.recovered()}
    assert (str(county.day_before), county.target, "Suspended or excluded") in found
    n = [a["date_to"] for a in answers].index(str(county.day_before))
    assert attacker.lo[(n, county.target, "Suspended or excluded")] == 5


def test_every_answer_is_the_same_page_the_officer_sees(
    county: County, las: Authorities, signed_in: Callable[..., Client]
) -> None:
    """The API, the CSV and the page are one report: rounded and hidden alike."""
    end = county.ends[0]
    answer = api(las)(county.first, end)
    [table] = [t for t in answer["tables"] if t["caption"] == SCHOOLS_CAPTION]
    texts = [c["text"] for r in [*table["rows"], table["total"]] for c in r["cells"]]
    client = signed_in(las.kent_officer)
    csv = client.get(f"/la/886/?date_from={county.first}&date_to={end}&format=csv").text
    for text in texts:
        assert text in csv
    shown = [int(t.replace(",", "")) for t in texts if t not in ("≤5", "*")]
    assert all(value % 5 == 0 for value in shown)
    assert any(t in ("≤5", "*") for t in texts)
    assert list(itertools.chain(answer["notes"]))[2].startswith("Counts are rounded")
