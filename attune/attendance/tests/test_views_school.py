"""The school-wide attendance pages: figures, filters, warnings, cohorts, terms, concerns."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from attune import testing
from attune.accounts.models import Membership, User
from attune.accounts.roles import Role
from attune.attendance import attention, imports, tasks, views, warnings, week_counts
from attune.attendance.domain.calculations import AttendanceSummary
from attune.attendance.domain.early_warning import EarlyWarning, Severity, WarningKind
from attune.attendance.imports import attendance_csv_import
from attune.attendance.models import (
    AttendanceConcern,
    AttentionEntry,
    AttentionRun,
    SchoolTerm,
    SessionMark,
)
from attune.attendance.tasks import refresh_attention
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import Cohort, Pupil
from attune.relationships.services import key_adult_assign
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

url = SchoolUrls("attendance")


def school_days(count: int, end: date | None = None) -> list[date]:
    days: list[date] = []
    day = end or timezone.localdate()
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def register(child: Pupil, codes: list[str], days: int = 10) -> None:
    """One code a session, AM then PM, over ``days`` school days up to today (fewer codes
    leave the last sessions unmarked), with the weekly counts kept as an import keeps them."""
    sessions = [(day, s) for day in school_days(days) for s in ("AM", "PM")]
    with school_scope(child.school_id):
        SessionMark.objects.bulk_create(
            SessionMark(
                school_id=child.school_id,
                pupil=child,
                date=day,
                session=session,
                code=code,
                original_code=code,
            )
            for (day, session), code in zip(sessions, codes, strict=False)
        )
        week_counts.refresh(child.school_id, [(child.pk, day) for day, _ in sessions])


def give_marks(pupil: Pupil, absent_days: int, days: int = 10) -> None:
    """``days`` school days up to today; the last ``absent_days`` of them missed (N)."""
    register(pupil, ["/"] * 2 * (days - absent_days) + ["N"] * 2 * absent_days, days)


@pytest.fixture
def marked(world: SchoolWorld) -> SchoolWorld:
    """Maya misses 6 of 10 days (severe); Leo (looked after) misses 2 (persistent)."""
    give_marks(world.child, 6)
    give_marks(world.looked_after_child, 2)
    return world


# --- the school page -------------------------------------------------------------------------


def test_the_school_page_lists_every_pupil_with_their_figures(
    marked: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(marked.lead)
    with django_assert_max_num_queries(12):
        page = client.get(url(marked, "school"))

    assert page.status_code == 200
    text = page.text
    assert "Maya Fletcher" in text and "Leo Brennan" in text
    assert "40.0%" in text and "80.0%" in text
    assert "Severely absent (1)" in text
    assert "Persistently absent (2)" in text
    assert 'data-testid="bands-table"' in text
    assert 'id="bands-data"' in text  # the chart's data, for the external script


def test_the_query_count_does_not_grow_with_the_school(
    marked: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(15):
        give_marks(testing.pupil(marked.school), 1)
    client = signed_in(marked.lead)
    with django_assert_max_num_queries(12):
        page = client.get(url(marked, "school"))
    assert page.context["page"].pupils.__len__() == 17


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"only": "sa"}, "Maya Fletcher", "Leo Brennan"),
        ({"cohort": Cohort.LOOKED_AFTER}, "Leo Brennan", "Maya Fletcher"),
        ({"year_group": "5"}, None, "Maya Fletcher"),
        ({"registration_group": "4B"}, "Maya Fletcher", None),
    ],
)
def test_filters_narrow_the_list(
    marked: SchoolWorld,
    signed_in: SignedIn,
    query: dict[str, str],
    shown: str | None,
    hidden: str | None,
) -> None:
    page = signed_in(marked.lead).get(url(marked, "school"), query)

    table = page.text.split('data-testid="pupils-table"')[-1].split("</table>")[0]
    if 'data-testid="pupils-table"' not in page.text:
        table = ""
    if shown:
        assert shown in table
    if hidden:
        assert hidden not in table


def test_a_date_range_before_the_marks_shows_no_figures(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    long_ago = {"date_from": "2020-01-01", "date_to": "2020-01-31"}
    page = signed_in(marked.lead).get(url(marked, "school"), long_ago)

    assert page.context["page"].cohort.pupils_with_possible_sessions == 0
    assert "No figure" in page.text


def test_sorting_by_attendance_puts_the_lowest_first(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    testing.pupil(marked.school, forename="Ada", surname="Ng")  # no marks, so no figure
    page = signed_in(marked.lead).get(url(marked, "school"), {"sort": "attendance"})
    names = [p.name for p in page.context["page"].pupils]
    assert names == ["Maya Fletcher", "Leo Brennan", "Ada Ng"]
    page = signed_in(marked.lead).get(
        url(marked, "school"), {"sort": "attendance", "order": "desc"}
    )
    names = [p.name for p in page.context["page"].pupils]
    assert names == ["Leo Brennan", "Maya Fletcher", "Ada Ng"]
    assert 'aria-sort="descending"' in page.text


def test_office_staff_see_figures_but_not_the_cohort_filter(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(marked.office).get(url(marked, "school"), {"cohort": Cohort.LOOKED_AFTER})

    assert page.status_code == 200
    assert 'name="cohort"' not in page.text
    assert len(page.context["page"].pupils) == 2  # the cohort asked for is ignored


@pytest.mark.parametrize(
    "name", ["school", "attention", "cohorts", "cohorts_csv", "upload", "terms"]
)
def test_the_other_school_gets_not_found(
    marked: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn, name: str
) -> None:
    assert signed_in(other_world.lead).get(url(marked, name)).status_code == 404


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("teacher", "school"),
        ("key_adult_user", "school"),
        ("office", "attention"),
        ("office", "cohorts"),
        ("office", "cohorts_csv"),
        ("teacher", "upload"),
        ("teacher", "terms"),
    ],
)
def test_roles_without_permission_are_refused(
    marked: SchoolWorld, signed_in: SignedIn, who: str, name: str
) -> None:
    assert signed_in(getattr(marked, who)).get(url(marked, name)).status_code == 403


# --- who needs attention ----------------------------------------------------------------------


def _keep_todays_list(world: SchoolWorld) -> None:
    with school_scope(world.school):
        warnings.refresh(timezone.localdate())


def test_the_attention_list_gives_each_warning_with_its_reason(
    marked: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    _keep_todays_list(marked)
    client = signed_in(marked.lead)
    # 10 for the page and the kept list (run, counts, one page), 6 to log the reads.
    with django_assert_max_num_queries(16):
        page = client.get(url(marked, "attention"))

    assert page.status_code == 200
    children = page.context["children"]
    assert [c.pupil.name for c in children] == ["Maya Fletcher", "Leo Brennan"]
    assert "Missed 12 of 20 sessions this school year (60.0%)" in page.text
    assert "severe absence" in page.text
    assert "2 children with early warnings: 1 high, 1 medium and 0 low" in page.text
    assert 'data-testid="attention-pages' not in page.text  # one page: no links above or after
    assert all(c.warnings[0].severity == c.top_severity for c in children)


def test_the_attention_list_logs_a_read_of_each_child_it_shows(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    signed_in(marked.lead).get(url(marked, "attention"))

    read = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).values_list("pupil_id", flat=True)
    assert set(read) == {marked.child.pk, marked.looked_after_child.pk}


def test_the_attention_list_is_paged_and_reads_only_the_children_shown(
    marked: SchoolWorld, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "CHILDREN_PER_PAGE", 1)
    _keep_todays_list(marked)
    client = signed_in(marked.lead)

    page = client.get(url(marked, "attention") + "?page=2")

    assert [c.pupil.name for c in page.context["children"]] == ["Leo Brennan"]
    assert "2 children with early warnings: 1 high, 1 medium and 0 low" in page.text
    assert "Showing 2 to 2." in page.text
    assert 'aria-label="Pages of children"' in page.text
    assert 'href="?page=1" rel="prev"' in page.text
    # On a phone the list is long: the pages are linked above it as well as after it.
    top, _, rest = page.text.partition('data-testid="attention-pages-top"')
    assert 'data-testid="attention-list"' not in top and 'data-testid="attention-list"' in rest
    assert 'data-testid="attention-pages"' in rest.split('data-testid="attention-list"')[1]
    read = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).values_list("pupil_id", flat=True)
    assert list(read) == [marked.looked_after_child.pk]


@pytest.fixture
def sunday_6_december(monkeypatch: pytest.MonkeyPatch) -> date:
    """Today is Sunday 6 December 2026, so the marks end on Friday 4 December, the day whose
    list these tests keep (on a Monday the marks would run on past it)."""
    day = date(2026, 12, 6)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


def test_an_earlier_days_list_is_shown_with_its_day_while_todays_is_queued(
    sunday_6_december: date,
    marked: SchoolWorld,
    signed_in: SignedIn,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    friday = date(2026, 12, 4)
    with school_scope(marked.school):
        warnings.refresh(friday)
    queued: list[int] = []
    monkeypatch.setattr(tasks, "refresh_attention", type("Task", (), {"enqueue": queued.append}))
    monkeypatch.setattr(warnings, "work_out", lambda ids, today: pytest.fail("worked out"))
    client = signed_in(marked.lead)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(url(marked, "attention"))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url(marked, "attention"))  # queued already: not queued again

    assert "Worked out on Friday 4 December; today's list is being worked out." in page.text
    assert [c.pupil.name for c in page.context["children"]] == ["Maya Fletcher", "Leo Brennan"]
    assert queued == [marked.school.pk]


def test_a_school_with_good_attendance_has_nobody_on_the_list(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    give_marks(world.child, 0)
    page = signed_in(world.lead).get(url(world, "attention"))
    assert "No child's register needs attention today." in page.text


def _back_every_day_csv(world: SchoolWorld, child: Pupil) -> str:
    return "school_urn,upn,date,session,code,minutes_late\n" + "".join(
        f"{world.school.urn},{child.upn},{day},{s},{'/' if s == 'AM' else chr(92)},\n"
        for day in school_days(10)
        for s in ("AM", "PM")
    )


def test_a_big_schools_list_is_worked_out_once_then_kept_up_to_date_by_each_import(
    marked: SchoolWorld,
    signed_in: SignedIn,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(marked.lead)
    first = client.get(url(marked, "attention"))  # never kept before: worked out there and then
    with school_scope(marked.school):
        run = AttentionRun.objects.get()
        kept = dict(AttentionEntry.objects.values_list("pupil_id", "pk"))
    assert run.day == timezone.localdate()
    assert set(kept) == {marked.child.pk, marked.looked_after_child.pk}

    with django_assert_max_num_queries(16):  # the kept rows, not a year of marks; the reads
        again = client.get(url(marked, "attention"))
    names = [c.pupil.name for c in again.context["children"]]
    assert names == [c.pupil.name for c in first.context["children"]]
    assert again.context["children"][0].warnings == first.context["children"][0].warnings
    with school_scope(marked.school):
        assert AttentionRun.objects.get().worked_out_at == run.worked_out_at

    # A new register arrives: Maya is back every day. The import works out Maya alone again.
    worked_out: list[list[uuid.UUID] | None] = []
    real_work_out = warnings.work_out

    def counting(ids: list[uuid.UUID] | None, today: date) -> warnings.Found:
        worked_out.append(ids)
        return real_work_out(ids, today)

    monkeypatch.setattr(warnings, "work_out", counting)
    attendance_csv_import(
        stream=io.StringIO(_back_every_day_csv(marked, marked.child)),
        file_name="new.csv",
        today=timezone.localdate(),
    )
    assert worked_out == [[marked.child.pk]]

    # Straight after it the list is right, read from the kept rows: no school-wide work.
    with django_assert_max_num_queries(16):
        after = client.get(url(marked, "attention"))
    assert [c.pupil.name for c in after.context["children"]] == ["Leo Brennan"]
    assert worked_out == [[marked.child.pk]]
    with school_scope(marked.school):
        assert AttentionRun.objects.get().worked_out_at > run.worked_out_at
        # Leo's row was left as it was.
        assert dict(AttentionEntry.objects.values_list("pupil_id", "pk")) == {
            marked.looked_after_child.pk: kept[marked.looked_after_child.pk]
        }


def test_an_import_on_a_day_with_nothing_kept_leaves_the_school_to_the_background(
    marked: SchoolWorld,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    queued: list[list[int]] = []
    monkeypatch.setattr(imports, "_enqueue_attention", queued.append)
    monkeypatch.setattr(warnings, "work_out", lambda ids, today: pytest.fail("worked out"))
    with django_capture_on_commit_callbacks(execute=True):
        attendance_csv_import(
            stream=io.StringIO(_back_every_day_csv(marked, marked.child)),
            file_name="new.csv",
            today=timezone.localdate(),
        )
    assert queued == [[marked.school.pk]]


def test_a_file_too_big_to_work_in_leaves_each_list_to_the_background_and_says_so(
    marked: SchoolWorld,
    signed_in: SignedIn,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    """A county's day changes 250,000 children: worked in within the import, minutes."""
    _keep_todays_list(marked)
    elsewhere = testing.school(urn="100002", name="Elsewhere Primary")
    with school_scope(elsewhere):
        warnings.refresh(timezone.localdate())
        untouched = AttentionRun.objects.get()
    with school_scope(marked.school):
        before = AttentionRun.objects.get()
    monkeypatch.setattr(imports, "KEEP_IN_IMPORT_UP_TO", 0)
    queued: list[list[int]] = []
    monkeypatch.setattr(imports, "_enqueue_attention", queued.append)
    real_work_out = warnings.work_out
    monkeypatch.setattr(warnings, "work_out", lambda ids, today: pytest.fail("worked out"))

    with django_capture_on_commit_callbacks(execute=True):
        attendance_csv_import(
            stream=io.StringIO(_back_every_day_csv(marked, marked.child)),
            file_name="county.csv",
            today=timezone.localdate(),
        )

    assert queued == [[marked.school.pk]]
    with school_scope(marked.school):
        run = AttentionRun.objects.get()
    assert run.version == before.version + 1 and run.marks_waiting_since is not None
    with school_scope(elsewhere):  # a school the file did not touch keeps its run as it was
        after = AttentionRun.objects.get()
    assert (after.version, after.marks_waiting_since) == (untouched.version, None)
    client = signed_in(marked.lead)
    page = client.get(url(marked, "attention"))
    assert 'data-testid="attention-catching-up"' in page.text
    assert "is still being worked in" in page.text
    names = [c.pupil.name for c in page.context["children"]]
    assert names == ["Maya Fletcher", "Leo Brennan"]  # as before the import, and said so

    monkeypatch.setattr(warnings, "work_out", real_work_out)
    refresh_attention.call(marked.school.pk)  # the queued refresh works the marks in
    page = client.get(url(marked, "attention"))
    assert 'data-testid="attention-catching-up"' not in page.text
    assert [c.pupil.name for c in page.context["children"]] == ["Leo Brennan"]


def test_a_refresh_that_read_the_marks_before_an_import_never_overwrites_its_rows(
    marked: SchoolWorld, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    _keep_todays_list(marked)
    real_work_out = warnings.work_out
    imported: list[bool] = []

    def import_lands_meanwhile(ids: list[uuid.UUID] | None, day: date) -> warnings.Found:
        found = real_work_out(ids, day)  # the whole school's marks, read before the import
        if ids is None and not imported:
            imported.append(True)  # Maya is back every day, and her row is kept up to date
            attendance_csv_import(
                stream=io.StringIO(_back_every_day_csv(marked, marked.child)),
                file_name="new.csv",
                today=today,
            )
        return found

    monkeypatch.setattr(warnings, "work_out", import_lands_meanwhile)
    with school_scope(marked.school):
        warnings.refresh(today)
        kept = set(AttentionEntry.objects.values_list("pupil_id", flat=True))
    assert imported
    assert kept == {marked.looked_after_child.pk}  # not Maya's warnings from before the import

    monkeypatch.setattr(warnings, "work_out", lambda ids, today: pytest.fail("worked out"))
    page = signed_in(marked.lead).get(url(marked, "attention"))
    assert [c.pupil.name for c in page.context["children"]] == ["Leo Brennan"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner is PostgreSQL's")
def test_a_refresh_leaves_the_planner_knowing_the_new_days_rows(
    world: SchoolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every kept row moves to a new day: planning on statistics from before, the first read
    after it expected one row and read the whole list twice over (14 ms, not 0.3, at 2,000)."""
    with school_scope(world.school):
        pupils = Pupil.objects.bulk_create(
            Pupil(
                school=world.school,
                upn=f"X{n:012d}",
                legal_forename="Sam",
                legal_surname=f"Pupil {n}",
                date_of_birth=date(2017, 3, 14),
                year_group=4,
            )
            for n in range(1_000)
        )
    warning = EarlyWarning(WarningKind.FALLING_TREND, "falling", Severity.HIGH)
    found = {p.pk: ((warning,), AttendanceSummary(possible=10, present=8)) for p in pupils}
    monkeypatch.setattr(warnings, "work_out", lambda ids, today: found)
    with school_scope(world.school):
        warnings.refresh(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [AttentionEntry._meta.db_table],
        )
        assert cursor.fetchone()[0] == 1_000


def test_the_nightly_command_and_the_import_task_keep_the_days_warnings(
    marked: SchoolWorld,
) -> None:
    out = io.StringIO()
    call_command("refresh_attention", school=marked.school.urn, stdout=out)
    assert "2 children with a warning" in out.getvalue()
    with school_scope(marked.school):
        AttentionRun.objects.all().delete()
    assert refresh_attention.call(marked.school.pk) == 2
    with school_scope(marked.school):
        assert AttentionRun.objects.filter(day=timezone.localdate()).exists()
    with pytest.raises(CommandError, match="don't have a school"):
        call_command("refresh_attention", school="999999", stdout=out)


def _assign(world: SchoolWorld, child: Pupil) -> None:
    today = timezone.localdate()
    with school_scope(world.school):
        key_adult_assign(
            actor=world.lead,
            pupil=child,
            key_adult=world.key_adult,
            co_worker=None,
            started_on=today,
            reason="Chosen",
            chosen_by_child=True,
            child_words="",
            today=today,
            confirmed=True,
        )


def _render_tag(user: User, world: SchoolWorld) -> str:
    membership = Membership.objects.select_related("staff").get(user=user, school=world.school)
    template = Template("{% load attendance_tags %}{% attention_for_key_adult membership.staff %}")
    with school_scope(world.school):
        return template.render(Context({"membership": membership, "school": world.school}))


def test_the_tag_shows_a_key_adult_only_their_own_children(
    marked: SchoolWorld, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    Membership.objects.filter(user=marked.key_adult_user).update(staff=marked.key_adult)
    _assign(marked, marked.child)

    with django_assert_max_num_queries(6):
        html = _render_tag(marked.key_adult_user, marked)

    assert "Maya Fletcher" in html
    assert "Missed 12 of 20 sessions" in html
    assert "Leo Brennan" not in html


def test_the_tag_works_out_a_few_children_and_reads_a_bigger_group_from_the_kept_list(
    sunday_6_december: date, marked: SchoolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    Membership.objects.filter(user=marked.key_adult_user).update(staff=marked.key_adult)
    _assign(marked, marked.child)
    assert "Maya Fletcher" in _render_tag(marked.key_adult_user, marked)  # on the spot
    with school_scope(marked.school):
        assert not AttentionRun.objects.exists()  # a handful is not kept

    with school_scope(marked.school):
        warnings.refresh(date(2026, 12, 4))
    monkeypatch.setattr(attention, "SMALL_GROUP", 0)  # as if this adult had hundreds
    monkeypatch.setattr(attention, "_queue_refresh", lambda run, now: None)
    monkeypatch.setattr(warnings, "work_out", lambda ids, today: pytest.fail("worked out"))
    html = _render_tag(marked.key_adult_user, marked)
    assert "Maya Fletcher" in html
    assert "Leo Brennan" not in html


def test_the_tag_works_out_a_few_children_while_a_big_imports_marks_are_still_waiting(
    marked: SchoolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The school's list says it is catching up; a key adult's handful is simply right."""
    Membership.objects.filter(user=marked.key_adult_user).update(staff=marked.key_adult)
    _assign(marked, marked.child)
    _keep_todays_list(marked)
    assert "Maya Fletcher" in _render_tag(marked.key_adult_user, marked)  # from the kept rows
    monkeypatch.setattr(imports, "KEEP_IN_IMPORT_UP_TO", 0)
    monkeypatch.setattr(imports, "_enqueue_attention", lambda school_ids: None)
    attendance_csv_import(
        stream=io.StringIO(_back_every_day_csv(marked, marked.child)),
        file_name="county.csv",
        today=timezone.localdate(),
    )
    with school_scope(marked.school):
        assert AttentionRun.objects.get().marks_waiting_since is not None

    html = _render_tag(marked.key_adult_user, marked)

    assert "Maya Fletcher" not in html  # back every day now, worked out on the spot
    assert "None of your key children" in html


def test_the_tag_shows_nothing_to_an_adult_without_the_sensitive_record(
    marked: SchoolWorld,
) -> None:
    teacher_staff = testing.staff(marked.school)
    Membership.objects.filter(user=marked.teacher).update(staff=teacher_staff)
    assert "Attendance" not in _render_tag(marked.teacher, marked)


def test_today_includes_the_key_adults_warnings(marked: SchoolWorld, signed_in: SignedIn) -> None:
    Membership.objects.filter(user=marked.key_adult_user).update(staff=marked.key_adult)
    _assign(marked, marked.child)
    page = signed_in(marked.key_adult_user).get(
        reverse("checkins:today", kwargs={"urn": marked.school.urn})
    )
    assert 'data-testid="key-adult-attention"' in page.text
    assert "Missed 12 of 20 sessions" in page.text


# --- cohorts ---------------------------------------------------------------------------------


def test_cohort_figures_compare_each_cohort_with_all_pupils(
    marked: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(marked.lead)
    with django_assert_max_num_queries(12):
        page = client.get(url(marked, "cohorts"))

    figures = {f.label: f for f in page.context["figures"]}
    everyone, looked_after = figures["All pupils"], figures["Looked after"]
    assert (everyone.cohort.pupils, everyone.cohort.persistently_absent) == (2, 2)
    assert everyone.cohort.severely_absent == 1
    assert (looked_after.cohort.pupils, looked_after.cohort.severely_absent) == (1, 0)
    assert looked_after.attendance_pct == 80.0
    assert everyone.attendance_pct == 60.0  # 16 missed of 40
    assert 'id="cohort-data"' in page.text


def test_the_cohort_csv_has_the_counts_behind_the_rates(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(marked.lead).get(url(marked, "cohorts_csv"))

    rows = list(csv.DictReader(io.StringIO(page.content.decode())))
    assert page["Content-Type"].startswith("text/csv")
    everyone = rows[0]
    assert everyone["cohort"] == "All pupils"
    assert everyone["possible_sessions"] == "40"
    assert everyone["absence_sessions"] == "16"
    assert everyone["attendance_pct"] == "60.00"
    assert everyone["persistent_absence_pct"] == "100.00"
    assert rows[1]["cohort"] == "Looked after"


def test_factor_counts_by_cohort(marked: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(marked.lead)
    client.post(
        url(marked, "concern_new", pupil_id=marked.looked_after_child.pk),
        {
            "opened_on": timezone.localdate().isoformat(),
            "status": "open",
            "notes": "",
            "factors": ["ebsa", "bullying"],
        },
    )
    page = client.get(url(marked, "cohorts"))
    figures = {f.label: f for f in page.context["figures"]}
    counts = dict(figures["Looked after"].factor_counts())
    assert counts["Emotionally based school avoidance"] == 1
    assert counts["Bullying"] == 1
    assert figures["All pupils"].pupils_with_concern == 1
    assert figures["Free school meals"].pupils_with_concern == 0


# --- concerns -------------------------------------------------------------------------------


def test_opening_and_changing_a_concern_is_audited(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(marked.lead)
    today = timezone.localdate().isoformat()
    response = client.post(
        url(marked, "concern_new", pupil_id=marked.child.pk),
        {"opened_on": today, "status": "open", "notes": "Worried", "factors": ["mental_health"]},
    )
    assert response.status_code == 302
    with school_scope(marked.school):
        concern = AttendanceConcern.objects.get()
    response = client.post(
        url(marked, "concern", pupil_id=marked.child.pk, concern_id=concern.pk),
        {"opened_on": today, "status": "closed", "notes": "Better", "factors": ["illness"]},
    )
    assert response.status_code == 302
    with school_scope(marked.school):
        concern.refresh_from_db()
        assert concern.closed_on == timezone.localdate()
        assert list(concern.factors.values_list("factor", flat=True)) == ["illness"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="attendance.concern").values_list(
            "action", flat=True
        )
    )
    assert actions == [Action.ATTENDANCE_CONCERN_OPENED, Action.ATTENDANCE_CONCERN_CHANGED]
    page = client.get(url(marked, "pupil", pupil_id=marked.child.pk))
    assert "Illness or a health condition" in page.text


def test_a_concerns_notes_reach_the_audit_record_only_as_a_digest(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    notes = "Mum says the bus driver frightens him"
    signed_in(marked.lead).post(
        url(marked, "concern_new", pupil_id=marked.child.pk),
        {
            "opened_on": timezone.localdate().isoformat(),
            "status": "open",
            "notes": notes,
            "factors": ["other"],
        },
    )

    event = AuditEvent.objects.get(action=Action.ATTENDANCE_CONCERN_OPENED)
    assert notes not in str(event.changes)
    assert event.changes["notes"][1]["length"] == len(notes)


def test_opening_a_concern_logs_a_read_and_a_refusal_logs_none(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    signed_in(marked.teacher).get(url(marked, "concern_new", pupil_id=marked.child.pk))
    assert not AuditEvent.objects.filter(action=Action.RECORD_VIEWED).exists()

    signed_in(marked.lead).get(url(marked, "concern_new", pupil_id=marked.child.pk))
    event = AuditEvent.objects.get(action=Action.RECORD_VIEWED)
    assert (event.pupil_id, event.actor_id) == (marked.child.pk, marked.lead.pk)


def test_the_virtual_school_reads_a_childs_attendance_but_opens_no_concern(
    marked: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(testing.user(marked.school, Role.VIRTUAL_SCHOOL))
    child = marked.looked_after_child
    assert client.get(url(marked, "pupil", pupil_id=child.pk)).status_code == 200
    post = {
        "opened_on": timezone.localdate().isoformat(),
        "status": "open",
        "notes": "",
        "factors": ["illness"],
    }
    assert client.post(url(marked, "concern_new", pupil_id=child.pk), post).status_code == 403
    with school_scope(marked.school):
        assert not AttendanceConcern.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"factors": []}, "This field is required."),
        ({"factors": ["other"], "notes": ""}, "say what in the notes"),
        ({"opened_on": "2099-01-01"}, "can&#x27;t be opened in the future"),
    ],
)
def test_a_concern_with_a_problem_is_not_saved(
    marked: SchoolWorld, signed_in: SignedIn, data: dict[str, object], message: str
) -> None:
    post = {
        "opened_on": timezone.localdate().isoformat(),
        "status": "open",
        "notes": "",
        "factors": ["illness"],
        **data,
    }
    page = signed_in(marked.lead).post(url(marked, "concern_new", pupil_id=marked.child.pk), post)
    assert page.status_code == 200
    assert message in page.text
    with school_scope(marked.school):
        assert not AttendanceConcern.objects.exists()


def test_a_teacher_cannot_open_a_concern(marked: SchoolWorld, signed_in: SignedIn) -> None:
    page = signed_in(marked.teacher).get(url(marked, "concern_new", pupil_id=marked.child.pk))
    assert page.status_code == 404


def test_another_schools_child_is_not_found(
    marked: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(marked.lead).get(url(marked, "concern_new", pupil_id=other_world.child.pk))
    assert page.status_code == 404


# --- term dates -------------------------------------------------------------------------------


def test_with_no_terms_entered_the_typical_dates_are_used(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(world.office).get(url(world, "terms"))
    assert page.status_code == 200
    assert "typical dates for England" in page.text
    assert len(page.context["year"].terms) == 6


def test_office_staff_add_change_and_remove_a_term(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.office)
    today = timezone.localdate()
    response = client.post(
        url(world, "terms"),
        {
            "name": "This half",
            "starts_on": (today - timedelta(days=20)).isoformat(),
            "ends_on": (today + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(url(world, "terms"))
    assert not page.context["year"].entered or "This half" in page.text
    with school_scope(world.school):
        term = SchoolTerm.objects.get()
    response = client.post(
        url(world, "term_edit", term_id=term.pk),
        {
            "name": "Renamed",
            "starts_on": term.starts_on.isoformat(),
            "ends_on": term.ends_on.isoformat(),
        },
    )
    assert response.status_code == 302
    assert client.post(url(world, "term_remove", term_id=term.pk)).status_code == 302
    with school_scope(world.school):
        assert not SchoolTerm.objects.exists()
    actions = set(
        AuditEvent.objects.filter(action__startswith="attendance.term").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        Action.TERM_ADDED,
        Action.TERM_CHANGED,
        Action.TERM_REMOVED,
    }


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("2026-09-10", "2026-09-01", "The last day must be on or after the first day."),
        ("2026-09-05", "2026-09-30", "These dates overlap Autumn 1"),
    ],
)
def test_a_bad_term_is_refused(
    world: SchoolWorld, signed_in: SignedIn, starts: str, ends: str, message: str
) -> None:
    with school_scope(world.school):
        SchoolTerm.objects.create(
            school=world.school,
            name="Autumn 1",
            starts_on=date(2026, 9, 2),
            ends_on=date(2026, 10, 23),
        )
    page = signed_in(world.lead).post(
        url(world, "terms"), {"name": "New", "starts_on": starts, "ends_on": ends}
    )
    assert page.status_code == 200
    assert message in page.text


def test_another_schools_term_is_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    with school_scope(other_world.school):
        theirs = SchoolTerm.objects.create(
            school=other_world.school,
            name="Theirs",
            starts_on=date(2026, 9, 2),
            ends_on=date(2026, 10, 23),
        )
    client = signed_in(world.lead)
    assert client.get(url(world, "term_edit", term_id=theirs.pk)).status_code == 404
    assert client.post(url(world, "term_remove", term_id=theirs.pk)).status_code == 404
