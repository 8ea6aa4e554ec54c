"""The demo school's training and supervision."""

from __future__ import annotations

import random
from datetime import date

import pytest

from attune.demo.generator import build_demo
from attune.tenancy import school_scope
from attune.training.demo import build_training
from attune.training.domain.supervision import SupervisionStatus
from attune.training.selectors import supervision_overview, training_overview

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)


def test_the_demo_has_courses_history_some_overdue_and_supervision() -> None:
    school = build_demo(pupils=120, staff=30, today=TODAY).schools[0]

    made = build_training(school, random.Random(7), TODAY)
    again = build_training(school, random.Random(8), TODAY)

    assert made == again  # idempotent
    assert made.courses == 7
    assert made.attendances > 30
    assert made.supervisions > 5
    with school_scope(school):
        overview = training_overview(school, today=TODAY, within_days=60)
        adults = supervision_overview(today=TODAY, every_weeks=6)
    assert any(item.result.standing == "overdue" for item in overview.due)
    assert all(row.total.trained <= row.total.total for row in overview.courses)
    statuses = {a.state.status for a in adults}
    assert SupervisionStatus.OVERDUE in statuses
    assert len(statuses) > 1  # not everyone is overdue
