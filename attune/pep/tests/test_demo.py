"""The demo's PEPs: last term's held and reviewed, this term's planned or held."""

from __future__ import annotations

import random

import pytest

from attune.pep.demo import build_peps
from attune.pep.domain.cycle import term_for
from attune.pep.models import Pep, PepStatus, PepTarget
from attune.pep.tests.helpers import today
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_looked_after_child_gets_two_terms(world: SchoolWorld, seed: int) -> None:
    assert build_peps(world.school, random.Random(seed), today()) == 2
    now = term_for(today())
    with school_scope(world.school):
        peps = {p.pep_term: p for p in Pep.objects.filter(pupil=world.looked_after_child)}
        last, current = peps[now.previous], peps[now]
        assert last.status == PepStatus.SIGNED_OFF and last.child_views
        last_targets = list(PepTarget.objects.filter(pep=last))
        assert last_targets and all(t.outcome for t in last_targets)
        assert current.status in (PepStatus.PLANNED, PepStatus.HELD)
        carried = [t for t in last_targets if t.outcome == "carried_forward"]
        assert PepTarget.objects.filter(pep=current, carried_from__in=carried).count() == len(
            carried
        )
        assert not Pep.objects.filter(pupil=world.child).exists()
    # A second run leaves the demo as it is.
    assert build_peps(world.school, random.Random(seed), today()) == 0
