"""Belonging survey pages: rounds, results, and the pupil kiosk from start to finish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.belonging.domain.survey_template import default_template
from attune.belonging.models import SurveyMode, SurveyResponse, SurveyRound
from attune.belonging.services import SurveyError, survey_answer_record, survey_round_create
from attune.people.models import Cohort, Pupil
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]
ANSWERS = dict.fromkeys(default_template().statement_ids(), 3)


def a_round(
    world: SchoolWorld,
    *,
    mode: str = SurveyMode.NAMED,
    opens_on: date | None = None,
    closes_on: date | None = None,
    title: str = "Autumn 2026",
) -> SurveyRound:
    today = timezone.localdate()
    with school_scope(world.school):
        return survey_round_create(
            actor=world.lead,
            school=world.school,
            title=title,
            opens_on=opens_on or today - timedelta(days=1),
            closes_on=closes_on or today + timedelta(days=7),
            mode=mode,
            year_groups=[4],
        )


def url(world: SchoolWorld, name: str, survey_round: SurveyRound | None = None) -> str:
    kwargs: dict[str, object] = {"urn": world.school.urn}
    if survey_round is not None:
        kwargs["round_id"] = survey_round.pk
    return reverse(f"belonging:{name}", kwargs=kwargs)


# --- rounds -----------------------------------------------------------------------------


def test_the_lead_sets_up_a_round(world: SchoolWorld, signed_in: SignIn) -> None:
    client = signed_in(world.lead)
    page = client.get(url(world, "round_list"))
    assert page.status_code == 200
    assert "Virtual School Kent" in page.content.decode()
    response = client.post(
        url(world, "round_list"),
        {
            "title": "Spring 2027",
            "opens_on": "2027-01-11",
            "closes_on": "2027-01-22",
            "mode": "anonymous",
            "year_groups": ["4"],
        },
        follow=True,
    )
    assert "Spring 2027 is set up." in response.content.decode()
    with school_scope(world.school):
        saved = SurveyRound.objects.get()
        assert saved.year_groups == [4]
        assert saved.mode == SurveyMode.ANONYMOUS
        assert AuditEvent.objects.filter(action=Action.BELONGING_ROUND_CREATED).count() == 1


def test_a_round_that_closes_before_it_opens_is_refused(
    world: SchoolWorld, signed_in: SignIn
) -> None:
    response = signed_in(world.lead).post(
        url(world, "round_list"),
        {
            "title": "Backwards",
            "opens_on": "2027-01-22",
            "closes_on": "2027-01-11",
            "mode": "named",
            "year_groups": ["4"],
        },
    )
    assert response.status_code == 200
    assert "on or after the opening date" in response.content.decode()
    assert 'aria-describedby="id_closes_on_error"' in response.content.decode()
    with school_scope(world.school):
        assert not SurveyRound.objects.exists()


def test_a_round_needs_a_year_group(world: SchoolWorld, signed_in: SignIn) -> None:
    response = signed_in(world.lead).post(
        url(world, "round_list"),
        {"title": "X", "opens_on": "2027-01-11", "closes_on": "2027-01-12", "mode": "named"},
    )
    assert "Choose at least one year group" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": " "}, "belonging.no_title"),
        ({"closes_on": date(2026, 1, 1)}, "belonging.dates"),
        ({"mode": "secret"}, "belonging.mode"),
        ({"year_groups": []}, "belonging.no_year_groups"),
        ({"year_groups": [98]}, "belonging.no_year_groups"),
    ],
)
def test_round_create_error_codes(world: SchoolWorld, change: dict[str, object], code: str) -> None:
    values: dict[str, object] = {
        "title": "Autumn",
        "opens_on": date(2026, 11, 1),
        "closes_on": date(2026, 11, 30),
        "mode": "named",
        "year_groups": [4],
    } | change
    with school_scope(world.school), pytest.raises(SurveyError) as refused:
        survey_round_create(actor=world.lead, school=world.school, **values)  # type: ignore[arg-type]
    assert refused.value.code == code


def test_roles_without_manage_surveys_are_refused(world: SchoolWorld, signed_in: SignIn) -> None:
    survey_round = a_round(world)
    for user in (world.teacher, world.key_adult_user, world.office):
        client = signed_in(user)
        assert client.get(url(world, "round_list")).status_code == 403
        assert client.get(url(world, "round_results", survey_round)).status_code == 403


def test_the_head_may_manage_surveys(world: SchoolWorld, signed_in: SignIn) -> None:
    assert signed_in(world.head).get(url(world, "round_list")).status_code == 200


def test_another_schools_round_is_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignIn
) -> None:
    theirs = a_round(other_world)
    client = signed_in(world.lead)
    for name in ("round_results", "kiosk_choose", "kiosk_answer", "kiosk_thanks"):
        target = reverse(
            f"belonging:{name}", kwargs={"urn": world.school.urn, "round_id": theirs.pk}
        )
        assert client.get(target).status_code == 404
        assert client.post(target, {"pupil": str(other_world.child.pk)}).status_code == 404


# --- results ----------------------------------------------------------------------------


def year4_children(world: SchoolWorld, count: int) -> list[Pupil]:
    return [testing.pupil(world.school, year_group=4) for _ in range(count)]


def answer_all(
    world: SchoolWorld, survey_round: SurveyRound, children: list[Pupil], value: int
) -> None:
    with school_scope(world.school):
        for child in children:
            survey_answer_record(
                actor=world.lead,
                survey_round=survey_round,
                pupil=child,
                answers=dict.fromkeys(ANSWERS, value),
                today=timezone.localdate(),
            )


def test_results_show_scores_hide_small_groups_and_compare_rounds(
    world: SchoolWorld, signed_in: SignIn, django_assert_max_num_queries: object
) -> None:
    today = timezone.localdate()
    earlier = a_round(
        world,
        title="Summer 2026",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=1),
    )
    children = year4_children(world, 6)
    answer_all(world, earlier, children, 2)
    with school_scope(world.school):
        SurveyRound.objects.filter(pk=earlier.pk).update(
            opens_on=today - timedelta(days=120), closes_on=today - timedelta(days=110)
        )
    now = a_round(world, title="Autumn 2026")
    answer_all(world, now, [*children, world.looked_after_child], 3)

    client = signed_in(world.lead)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        page = client.get(url(world, "round_results", now))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Autumn 2026: results" in text
    assert "Compared with" in text and "Summer 2026" in text
    assert "5 or fewer" in text  # the one looked-after child
    assert "100 (+50)" in text  # all pupils: every face the happiest, up from the middle
    assert "Virtual School Kent" in text

    group_page = client.get(url(world, "round_results", now) + "?group=cohort:looked_after")
    assert "Looked after: score for each sentence" in group_page.content.decode()


def test_results_of_an_empty_round(world: SchoolWorld, signed_in: SignIn) -> None:
    page = signed_in(world.lead).get(url(world, "round_results", a_round(world)))
    assert page.status_code == 200
    assert "no answers" in page.content.decode()
    assert "No earlier round to compare with" in page.content.decode()


# --- the kiosk --------------------------------------------------------------------------


def test_kiosk_home_lists_open_rounds(world: SchoolWorld, signed_in: SignIn) -> None:
    a_round(world, title="Open now")
    a_round(world, title="Long gone", opens_on=date(2025, 1, 1), closes_on=date(2025, 1, 31))
    page = signed_in(world.teacher).get(url(world, "kiosk_home"))
    assert "Open now" in page.content.decode()
    assert "Long gone" not in page.content.decode()


def test_office_staff_cannot_open_the_kiosk(world: SchoolWorld, signed_in: SignIn) -> None:
    survey_round = a_round(world)
    client = signed_in(world.office)
    assert client.get(url(world, "kiosk_home")).status_code == 403
    assert client.get(url(world, "kiosk_choose", survey_round)).status_code == 403


def walk_kiosk(client: Client, world: SchoolWorld, survey_round: SurveyRound, child: Pupil) -> None:
    chosen = client.post(url(world, "kiosk_choose", survey_round), {"pupil": str(child.pk)})
    assert chosen.status_code == 302
    answer = url(world, "kiosk_answer", survey_round)
    first = client.get(answer)
    assert "Sentence 1 of 12" in first.content.decode()
    assert "Read it to me" in first.content.decode()
    client.post(answer, {"answer": "1"})
    client.post(answer, {"back": "1"})  # changes their mind
    assert "Sentence 1 of 12" in client.get(answer).content.decode()
    client.post(answer, {"answer": "2"})
    client.post(answer, {"answer": "skip"})
    for _ in range(10):
        client.post(answer, {"answer": "3"})
    finish = client.get(answer)
    assert "You answered 11 of 12 sentences" in finish.content.decode()
    done = client.post(answer, {"finish": "1"})
    assert done.status_code == 302
    assert done["Location"] == url(world, "kiosk_thanks", survey_round)


def test_a_child_answers_in_a_named_round(world: SchoolWorld, signed_in: SignIn) -> None:
    survey_round = a_round(world)
    client = signed_in(world.key_adult_user)
    walk_kiosk(client, world, survey_round, world.looked_after_child)
    with school_scope(world.school):
        saved = SurveyResponse.objects.get()
        event = AuditEvent.objects.get(action=Action.BELONGING_RESPONSE_RECORDED)
    assert saved.pupil_id == world.looked_after_child.pk
    assert saved.looked_after is True
    assert saved.answered_on == timezone.localdate()
    assert saved.answers["identity.1"] == 2
    assert "identity.2" not in saved.answers
    assert event.pupil_id == world.looked_after_child.pk

    # The same child cannot answer twice: marked on the list and refused if chosen.
    choose = client.get(url(world, "kiosk_choose", survey_round) + "?year=4")
    assert "already answered" in choose.content.decode()
    again = client.post(
        url(world, "kiosk_choose", survey_round), {"pupil": str(world.looked_after_child.pk)}
    )
    assert again.status_code == 422
    assert "has already answered in this round" in again.content.decode()


def test_an_anonymous_round_keeps_no_link_to_the_child(
    world: SchoolWorld, signed_in: SignIn
) -> None:
    survey_round = a_round(world, mode=SurveyMode.ANONYMOUS)
    testing.cohort(world.looked_after_child, Cohort.FSM)
    client = signed_in(world.teacher)
    walk_kiosk(client, world, survey_round, world.looked_after_child)
    with school_scope(world.school):
        saved = SurveyResponse.objects.get()
        events = list(AuditEvent.objects.filter(action__startswith="belonging.").values())
    assert saved.pupil_id is None
    assert (saved.year_group, saved.looked_after, saved.fsm, saved.send) == (4, True, True, False)
    assert all(e["pupil_id"] is None for e in events)
    assert all(str(saved.pk) not in str(e) for e in events)
    assert "belonging_kiosk" not in client.session


def test_finishing_with_nothing_answered_is_refused_gently(
    world: SchoolWorld, signed_in: SignIn
) -> None:
    survey_round = a_round(world)
    client = signed_in(world.teacher)
    client.post(url(world, "kiosk_choose", survey_round), {"pupil": str(world.child.pk)})
    answer = url(world, "kiosk_answer", survey_round)
    for _ in range(12):
        client.post(answer, {"answer": "skip"})
    refused = client.post(answer, {"finish": "1"})
    assert refused.status_code == 422
    assert "Choose a face for at least one sentence" in refused.content.decode()
    with school_scope(world.school):
        assert not SurveyResponse.objects.exists()


def test_the_kiosk_refuses_unknown_children_and_odd_answers(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignIn
) -> None:
    survey_round = a_round(world)
    client = signed_in(world.teacher)
    choose = url(world, "kiosk_choose", survey_round)
    for bad in (str(other_world.child.pk), "not-a-uuid", ""):
        assert client.post(choose, {"pupil": bad}).status_code == 422
    year6 = testing.pupil(world.school, year_group=6)
    assert client.post(choose, {"pupil": str(year6.pk)}).status_code == 422
    client.post(choose, {"pupil": str(world.child.pk)})
    answer = url(world, "kiosk_answer", survey_round)
    client.post(answer, {"answer": "7"})
    assert "Sentence 1 of 12" in client.get(answer).content.decode()


def test_the_kiosk_without_a_chosen_child_goes_back_to_the_list(
    world: SchoolWorld, signed_in: SignIn
) -> None:
    survey_round = a_round(world)
    response = signed_in(world.teacher).get(url(world, "kiosk_answer", survey_round))
    assert response.status_code == 302
    assert response["Location"] == url(world, "kiosk_choose", survey_round)


def test_a_closed_round_cannot_be_answered(world: SchoolWorld, signed_in: SignIn) -> None:
    closed = a_round(world, opens_on=date(2025, 1, 1), closes_on=date(2025, 1, 31))
    client = signed_in(world.teacher)
    assert client.get(url(world, "kiosk_choose", closed)).status_code == 409
    assert client.get(url(world, "kiosk_answer", closed)).status_code == 409
    with school_scope(world.school), pytest.raises(SurveyError) as refused:
        survey_answer_record(
            actor=world.lead,
            survey_round=closed,
            pupil=world.child,
            answers=ANSWERS,
            today=timezone.localdate(),
        )
    assert refused.value.code == "belonging.round_closed"


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({}, "belonging.no_answers"),
        ({"identity.1": 9}, "belonging.bad_answer"),
        ({"made.up": 2}, "belonging.bad_answer"),
    ],
)
def test_answer_record_error_codes(world: SchoolWorld, answers: dict[str, int], code: str) -> None:
    survey_round = a_round(world)
    with school_scope(world.school), pytest.raises(SurveyError) as refused:
        survey_answer_record(
            actor=world.lead,
            survey_round=survey_round,
            pupil=world.child,
            answers=answers,
            today=timezone.localdate(),
        )
    assert refused.value.code == code


def test_answer_record_refuses_a_second_answer_and_the_wrong_year(world: SchoolWorld) -> None:
    survey_round = a_round(world)
    answer_all(world, survey_round, [world.child], 3)
    year6 = testing.pupil(world.school, year_group=6)
    for child, code in (
        (world.child, "belonging.already_answered"),
        (year6, "belonging.wrong_year"),
    ):
        with school_scope(world.school), pytest.raises(SurveyError) as refused:
            survey_answer_record(
                actor=world.lead,
                survey_round=survey_round,
                pupil=child,
                answers=ANSWERS,
                today=timezone.localdate(),
            )
        assert refused.value.code == code


def test_the_kiosk_page_has_no_inline_script_or_style(
    world: SchoolWorld, signed_in: SignIn
) -> None:
    survey_round = a_round(world)
    client = signed_in(world.teacher)
    client.post(url(world, "kiosk_choose", survey_round), {"pupil": str(world.child.pk)})
    text = client.get(url(world, "kiosk_answer", survey_round)).content.decode()
    assert "<script>" not in text and "style=" not in text
    assert "belonging/kiosk.js" in text


def test_list_pages_keep_their_query_counts(
    world: SchoolWorld, signed_in: SignIn, django_assert_max_num_queries: Any
) -> None:
    survey_round = a_round(world)
    year4_children(world, 20)
    answer_all(world, survey_round, [world.child], 3)
    for n in range(3):
        a_round(world, title=f"Round {n}")
    client = signed_in(world.lead)
    with django_assert_max_num_queries(12):
        assert client.get(url(world, "round_list")).status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(url(world, "kiosk_choose", survey_round) + "?year=4")
    assert page.content.decode().count('name="pupil"') == 21  # Leo and 20 more; Maya is done
