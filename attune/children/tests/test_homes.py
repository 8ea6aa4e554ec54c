"""Each role's home puts what needs them today first, each item a link to the act, at a
pinned cost; children named for a sensitive fact are logged as read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from attune import testing
from attune.accounts.roles import Role
from attune.attendance import week_counts
from attune.attendance.domain.calculations import summarise_counts, week_of
from attune.attendance.models import SessionMark
from attune.attendance.tests.test_views_school import register
from attune.children.head_charts import LAST_YEAR, TITLES, _weekly_attendance, chart
from attune.earlyyears.models import ChildVisit
from attune.earlyyears.tests.conftest import Setting, setting
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn
from attune.wholeschool.domain.audit_template import default_template
from attune.wholeschool.services import (
    Answer,
    relational_audit_answers_save,
    relational_audit_complete,
    relational_audit_start,
)

pytestmark = pytest.mark.django_db

__all__ = ["setting"]  # the early years setting, shared


def home(world: SchoolWorld) -> str:
    return reverse("children:school_home", kwargs={"urn": world.school.urn})


def test_the_lead_sees_children_waiting_first_with_a_link_to_choose(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(world.lead)
    with django_assert_max_num_queries(40):
        page = client.get(home(world)).content.decode()
    assert "Needs you today" in page
    assert "children waiting for a key adult" in page
    choose = reverse(
        "relationships:assign", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk}
    )
    assert choose in page
    assert "plan reviews overdue" in page  # all clear, still named so the lead knows
    assert "key adults due supervision" in page


def test_a_key_adult_is_sent_to_today(world: SchoolWorld, signed_in: SignedIn) -> None:
    page = signed_in(world.key_adult_user).get(home(world)).content.decode()
    assert reverse("checkins:today", kwargs={"urn": world.school.urn}) in page
    assert "waiting for a key adult" not in page  # not theirs to choose
    assert "signed in as key adult." in page


def test_in_a_nursery_the_key_adult_is_greeted_as_a_key_person(
    setting: Setting, signed_in: SignedIn
) -> None:
    world = setting.world
    page = signed_in(world.key_adult_user).get(home(world)).content.decode()
    assert "signed in as key person." in page
    assert "signed in as key adult" not in page


def chart_url(world: SchoolWorld, key: str) -> str:
    return reverse("children:home_chart", kwargs={"urn": world.school.urn, "key": key})


def test_the_head_sees_needs_first_and_each_chart_follows_with_its_table(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(world.head)
    with django_assert_max_num_queries(30):
        page = client.get(home(world)).content.decode()
    assert "Needs you today" in page
    assert page.count("<canvas") == 0  # the charts come once the home is shown
    for key, title in TITLES.items():
        assert f'hx-get="{chart_url(world, key)}"' in page
        with django_assert_max_num_queries(20):
            drawn = client.get(chart_url(world, key), headers={"HX-Request": "true"})
        assert drawn.status_code == 200
        html = drawn.content.decode()
        assert "<html" not in html  # the chart alone, put in place of its placeholder
        assert f'<h2 id="{key}-heading">{title}</h2>' in html
        assert html.count("<table") == 1 and html.count("<canvas") == 1


def test_without_javascript_a_chart_opens_as_a_page_of_its_own(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(world.head).get(home(world)).content.decode()
    assert f'<noscript><a href="{chart_url(world, "chart-coverage")}">' in page
    alone = signed_in(world.head).get(chart_url(world, "chart-coverage")).content.decode()
    assert "<html" in alone and "the school at a glance</h1>" in alone
    assert "Key-adult coverage (children)</h2>" in alone and "<table" in alone


def test_only_a_head_s_home_has_charts_and_no_other_key_is_one(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(world.lead).get(chart_url(world, "chart-completion")).status_code == 404
    assert signed_in(world.head).get(chart_url(world, "chart-nothing")).status_code == 404
    lead_home = signed_in(world.lead).get(home(world)).content.decode()
    assert "/charts/" not in lead_home


def test_another_school_s_head_cannot_fetch_this_school_s_charts(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    stranger = signed_in(other_world.head)
    assert stranger.get(chart_url(other_world, "chart-completion")).status_code == 200
    for key in TITLES:
        answer = stranger.get(chart_url(world, key), headers={"HX-Request": "true"})
        assert answer.status_code == 404, key


def test_office_sees_register_gaps_and_unexplained_absences(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    today = timezone.localdate()
    with school_scope(world.school):
        for session in ("AM", "PM"):
            SessionMark.objects.create(
                school=world.school,
                pupil=world.looked_after_child,
                date=today,
                session=session,
                code="N",
                original_code="N",
            )
    client = signed_in(world.office)
    with django_assert_max_num_queries(25):
        page = client.get(home(world)).content.decode()
    assert "children with no register mark" in page
    assert "absences with no reason yet this week" in page
    leo = reverse(
        "attendance:pupil",
        kwargs={"urn": world.school.urn, "pupil_id": world.looked_after_child.pk},
    )
    assert leo in page
    # and the office can open the child it is asked to chase
    assert client.get(leo).status_code == 200


def test_the_virtual_school_sees_its_children_needing_a_pep(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    officer = testing.user(world.school, Role.VIRTUAL_SCHOOL)
    page = signed_in(officer).get(home(world)).content.decode()
    assert "looked-after children whose PEP is due or overdue" in page
    assert "Leo" in page
    assert "Maya" not in page  # not in a cohort the school shares


def test_the_nursery_manager_sees_each_room_s_ratio_in_red_when_breached(
    setting: Setting, world: SchoolWorld, signed_in: SignedIn
) -> None:
    room = setting.room
    now = timezone.localtime()
    with school_scope(world.school):
        ChildVisit.objects.create(
            school=world.school,
            pupil=world.child,
            room=room,
            on=now.date(),
            signed_in_at=(now - timedelta(minutes=5)).time(),
            brought_by="Mum",
        )
    page = signed_in(world.lead).get(home(world)).content.decode()
    assert "Ratios now" in page
    assert "home-room-breach" in page
    assert "rooms out of ratio now" in page


def test_the_head_s_new_charts_carry_their_figures_in_tables(world: SchoolWorld) -> None:
    today = date(2026, 12, 2)  # a Wednesday in the autumn term
    items = default_template().item_ids()
    with school_scope(world.school):
        for day, code in ((today, "/"), (today - LAST_YEAR, "N")):
            SessionMark.objects.create(
                school=world.school, pupil=world.child, date=day, session="AM", code=code
            )
            # Counted as an import counts them: a part week with nothing marked on its other
            # days is read from its counts.
            week_counts.refresh(world.school.pk, [(world.child.pk, day)])
        run = relational_audit_start(actor=world.lead, school=world.school, today=today)
        ratings = {i: Answer("green" if n < 30 else "red") for n, i in enumerate(items)}
        relational_audit_answers_save(actor=world.lead, run=run, answers=ratings)
        relational_audit_complete(actor=world.lead, run=run, today=today)
        membership = world.head.memberships.get()
        charts = {key: chart(membership, key, today) for key in TITLES}
    assert all(charts.values())
    weeks = charts["chart-attendance-weeks"]
    audit = charts["chart-audit"]
    assert weeks is not None and audit is not None
    assert weeks.kind == "line" and [s[0] for s in weeks.series] == ["This year", "Last year"]
    assert weeks.rows[-1][1:] == ("100.0%", "0.0%")  # this week, and the same week last year
    assert audit.rows == [("2 Dec 2026", 10, 0, 30)] and audit.stacked


def _weeks_from_every_mark(since: date, until: date) -> dict[int, float | None]:
    """The head's weekly chart as it was first worked out: every mark in the range, by week."""
    counts: dict[date, dict[str, int]] = {}
    for day, code in SessionMark.objects.filter(date__range=(since, until)).values_list(
        "date", "code"
    ):
        by_code = counts.setdefault(week_of(day), {})
        by_code[code] = by_code.get(code, 0) + 1
    shown: dict[int, float | None] = {}
    for week, by_code in counts.items():
        summary = summarise_counts(by_code)
        number = (week - week_of(since)).days // 7 + 1
        shown[number] = (
            round(summary.present * 100 / summary.possible, 1) if summary.possible else None
        )
    return shown


def test_the_weekly_attendance_chart_adds_up_what_every_mark_says_for_any_range(
    world: SchoolWorld,
) -> None:
    """Whole weeks from the weekly counts and part weeks from their marks give what adding up
    every mark gives, wherever the range starts and ends: mid-week, on a Monday or a Sunday,
    within one week, or where there are no marks."""
    codes = ["/", "\\", "N", "/", "L", "C", "#", "/", "B", "O"] * 5  # present, absent, closed
    register(world.child, codes, days=25)
    register(world.looked_after_child, list(reversed(codes)), days=22)
    today = timezone.localdate()
    with school_scope(world.school):
        first = SessionMark.objects.order_by("date").values_list("date", flat=True)[0]
        starts = [first - timedelta(days=3), *(first + timedelta(days=n) for n in range(9))]
        ends = [today - timedelta(days=n) for n in (0, 1, 2, 3, 5, 8, 12, 30)]
        for since in starts:
            for until in [*ends, since, since + timedelta(days=2), since + timedelta(days=6)]:
                if until < since:
                    continue
                assert _weekly_attendance(since, until) == _weeks_from_every_mark(since, until), (
                    since,
                    until,
                )
