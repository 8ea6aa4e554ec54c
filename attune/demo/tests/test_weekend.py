"""The demo on a Saturday: Today and the nursery register open on Friday, the last school day,
say so, and each daily job can still be done."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from django.test import override_settings
from django.utils import timezone

from attune.accounts.models import User
from attune.attendance.domain.terms import last_school_day
from attune.checkins.models import Checkin
from attune.demo.generator import build_demo
from attune.earlyyears.models import ChildVisit
from attune.people.models import School
from attune.tenancy import school_scope
from attune.testing import SignedIn

pytestmark = pytest.mark.django_db

SATURDAY = date(2026, 12, 5)
FRIDAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 12, 2), date(2026, 12, 2)),  # a Wednesday in term is itself
        (SATURDAY, FRIDAY),
        (date(2026, 12, 6), FRIDAY),  # Sunday
        (date(2026, 12, 28), date(2026, 12, 18)),  # Christmas: the last day of the autumn term
        (date(2026, 8, 10), date(2026, 7, 24)),  # summer: the last day of the summer term
        (date(2026, 4, 1), date(2026, 3, 27)),  # Easter 2026 (5 April): the spring term's end
    ],
)
def test_the_last_school_day(on: date, expected: date) -> None:
    assert last_school_day(on) == expected


@pytest.fixture
def frozen_saturday(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock says Saturday mid-morning (``timezone.now`` is left alone for sessions)."""
    saturday = timezone.make_aware(datetime.combine(SATURDAY, time(10, 30)))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: SATURDAY)
    monkeypatch.setattr(timezone, "localtime", lambda *a, **k: saturday)


@override_settings(DEMO_DAY=FRIDAY)
def test_on_a_saturday_the_demo_s_daily_jobs_open_on_friday(
    frozen_saturday: None, signed_in: SignedIn
) -> None:
    build_demo(pupils=60, staff=12, today=last_school_day(SATURDAY))
    school = School.objects.get(urn="100001")
    key_adult = signed_in(User.objects.get(email="keyadult@demo.attune.test"))

    page = key_adult.get(f"/s/{school.urn}/check-ins/").content.decode()
    assert 'data-testid="demo-day"' in page and "Friday 4 December 2026" in page
    assert "It is the weekend" not in page
    # Friday's check-ins are still to log: log one, as on the day.
    form = re.search(r'action="([^"]+/log[^"]*)"', page)
    assert form, "no check-in left to log on Friday"
    with school_scope(school):
        before = Checkin.objects.filter(on=FRIDAY).count()
    slot = re.search(r'name="slot" value="([^"]+)"', page)
    assert slot
    data = {"on": FRIDAY.isoformat(), "slot": slot.group(1), "outcome": "happened"}
    assert key_adult.post(form.group(1), data).status_code == 302
    with school_scope(school):
        assert Checkin.objects.filter(on=FRIDAY).count() == before + 1

    nursery = School.objects.get(urn="100002")
    lead = signed_in(User.objects.get(email="nurserylead@demo.attune.test"))
    register = lead.get(f"/s/{nursery.urn}/early-years/").content.decode()
    assert "Register for Friday 4 December 2026" in register
    assert 'data-testid="demo-day"' in register
    waiting = re.search(r'name="pupil" value="([^"]+)"', register)
    assert waiting, "every child is already in: nothing left to try"
    answer = lead.post(
        f"/s/{nursery.urn}/early-years/",
        {"action": "sign_in", "pupil": waiting.group(1)},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    with school_scope(nursery):
        assert ChildVisit.objects.filter(pupil_id=waiting.group(1), on=FRIDAY).exists()


def test_outside_the_demo_the_day_is_today(frozen_saturday: None) -> None:
    from attune.clock import working_day

    assert working_day() == SATURDAY
