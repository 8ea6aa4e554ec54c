"""The Virtual School's counts: per school, looked-after children, PEPs held, overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from attune import testing
from attune.people.models import Cohort, CohortMembership
from attune.pep.selectors import PepCounts, pep_status_counts
from attune.pep.tests.helpers import make_pep, this_term, today
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


def test_counts_per_school(
    world: SchoolWorld, other_world: SchoolWorld, django_assert_num_queries: Any
) -> None:
    # Hollybrook: Leo held this term's; Ada missed last term's (overdue); Ben had last term's
    # (due); Cal is new to care this term (due, not overdue); Dot left care (not counted).
    make_pep(world, held=True)
    ada = testing.pupil(world.school, forename="Ada")
    testing.cohort(ada, Cohort.LOOKED_AFTER)
    ben = testing.pupil(world.school, forename="Ben")
    testing.cohort(ben, Cohort.LOOKED_AFTER)
    make_pep(world, pupil=ben, term=this_term().previous, held=True)
    cal = testing.pupil(world.school, forename="Cal")
    testing.cohort(cal, Cohort.LOOKED_AFTER, since=today())
    dot = testing.pupil(world.school, forename="Dot")
    with school_scope(world.school):
        CohortMembership.objects.create(
            school=world.school,
            pupil=dot,
            cohort=Cohort.LOOKED_AFTER,
            start_date=date(2020, 1, 1),
            end_date=date(2021, 1, 1),
        )
    # A planned (not held) PEP this term does not count as held.
    make_pep(world, pupil=ada)
    ids = [world.school.pk, other_world.school.pk, 999_999]
    with django_assert_num_queries(1):
        counts = pep_status_counts(ids, today())
    assert counts[world.school.pk] == PepCounts(looked_after=4, held=1, overdue=1)
    assert counts[world.school.pk].due == 2
    # Riverside's Leo has no PEPs at all and has been in care since 2024.
    assert counts[other_world.school.pk] == PepCounts(looked_after=1, held=0, overdue=1)
    assert 999_999 not in counts


def test_counts_cost_one_query_for_many_schools(
    world: SchoolWorld, django_assert_num_queries: Any
) -> None:
    schools = [testing.school(f"2000{n:02d}", f"School {n}") for n in range(8)]
    for place in schools:
        child = testing.pupil(place)
        testing.cohort(child, Cohort.LOOKED_AFTER)
    with django_assert_num_queries(1):
        counts = pep_status_counts([s.pk for s in schools], today())
    assert len(counts) == 8
    assert all(c.looked_after == 1 for c in counts.values())


def test_no_schools_no_counts(db: None) -> None:
    assert pep_status_counts([], today()) == {}
