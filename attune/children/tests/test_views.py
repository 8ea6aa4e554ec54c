"""The pupil list, a child's page, "about me", and the staff page: who sees what, at what cost.

(The staff page lives with the key adults, in ``relationships``.)
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import Cohort, Pupil, Staff
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def url(world: SchoolWorld, name: str, child: Pupil | None = None) -> str:
    kwargs: dict[str, object] = {"urn": world.school.urn}
    if child is not None:
        kwargs["pupil_id"] = child.pk
    namespace = "relationships" if name == "staff" else "children"
    return reverse(f"{namespace}:{name}", kwargs=kwargs)


def relate(child: Pupil, adult: Staff, co_worker: Staff | None = None) -> None:
    with school_scope(child.school_id):
        KeyAdultRelationship.objects.create(
            school_id=child.school_id,
            pupil=child,
            key_adult=adult,
            co_worker=co_worker,
            started_on=date(2025, 9, 1),
            reason="For the test.",
        )


def listed(client: Client, world: SchoolWorld, **params: str) -> list[str]:
    """Forenames of the children the list shows, in order."""
    response = client.get(url(world, "pupils"), params)
    assert response.status_code == 200
    return [p.known_as for p in response.context["page"].object_list]


@pytest.fixture
def classroom(world: SchoolWorld) -> SchoolWorld:
    """Maya (Y4, needs one, none), Leo (Y4, looked after, Priya is his key adult),
    Sam (Y2, does not need one, none)."""
    testing.pupil(
        world.school, forename="Sam", surname="Adeyemi", year_group=2, needs_key_adult=False
    )
    relate(world.looked_after_child, world.key_adult)
    return world


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Sam", "Leo", "Maya"]),
        ({"q": "maya"}, ["Maya"]),
        ({"q": "fletch"}, ["Maya"]),
        ({"q": "Leo Bren"}, ["Leo"]),
        ({"q": "nobody"}, []),
        ({"q": "2B"}, ["Sam"]),
        ({"year_group": "4"}, ["Leo", "Maya"]),
        ({"year_group": "2"}, ["Sam"]),
        ({"cohort": Cohort.LOOKED_AFTER}, ["Leo"]),
        ({"cohort": Cohort.FSM}, []),
        ({"key_adult": "has"}, ["Leo"]),
        ({"key_adult": "needs"}, ["Maya"]),
        ({"key_adult": "none"}, ["Sam", "Maya"]),
        ({"year_group": "4", "key_adult": "none"}, ["Maya"]),
    ],
)
def test_the_lead_searches_and_filters_the_list(
    classroom: SchoolWorld, signed_in: SignedIn, params: dict[str, str], expected: list[str]
) -> None:
    assert listed(signed_in(classroom.lead), classroom, **params) == expected


def test_mine_shows_a_key_adult_only_their_key_children(
    classroom: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(classroom.key_adult_user)

    assert listed(client, classroom, mine="on") == ["Leo"]
    assert listed(client, classroom) == ["Sam", "Leo", "Maya"]


def test_mine_includes_children_the_adult_covers_as_co_worker(
    classroom: SchoolWorld, signed_in: SignedIn
) -> None:
    relate(classroom.child, classroom.other_adult, co_worker=classroom.key_adult)

    assert listed(signed_in(classroom.key_adult_user), classroom, mine="on") == ["Leo", "Maya"]


def test_a_teacher_cannot_filter_by_cohort_or_see_the_groups(
    classroom: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(classroom.teacher)

    response = client.get(url(classroom, "pupils"), {"cohort": Cohort.LOOKED_AFTER})

    assert [p.known_as for p in response.context["page"].object_list] == ["Sam", "Leo", "Maya"]
    assert 'name="cohort"' not in response.text
    assert "Looked after" not in response.text


def test_the_lead_sees_the_groups_in_the_list(classroom: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(classroom.lead).get(url(classroom, "pupils"))

    assert 'name="cohort"' in response.text
    assert '<span class="tag">Looked after</span>' in response.text
    assert "Priya Shah" in response.text


def test_an_htmx_request_gets_only_the_results(classroom: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(classroom.lead)

    partial = client.get(url(classroom, "pupils"), {"q": "maya"}, headers={"HX-Request": "true"})
    whole = client.get(url(classroom, "pupils"), {"q": "maya"})

    assert partial.status_code == 200
    assert partial.templates[0].name == "children/_pupil_results.html"
    assert "<html" not in partial.text
    assert 'role="search"' not in partial.text
    assert "Fletcher, Maya" in partial.text
    assert "Brennan" not in partial.text
    assert "<html" in whole.text and 'role="search"' in whole.text


def _school_of(size: int) -> SchoolWorld:
    world = testing.school_world()
    adults = [testing.staff(world.school) for _ in range(3)]
    for i in range(size):
        child = testing.pupil(world.school, year_group=i % 6 + 1)
        testing.cohort(child, Cohort.FSM)
        if i % 2:
            testing.cohort(child, Cohort.SEN_SUPPORT)
        relate(child, adults[i % 3], co_worker=adults[(i + 1) % 3])
    return world


@pytest.mark.parametrize("params", [{}, {"key_adult": "needs"}, {"q": "a", "cohort": "fsm"}])
def test_the_pupil_list_query_count_does_not_grow_with_the_school(
    db: None,
    signed_in: SignedIn,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    params: dict[str, str],
) -> None:
    world = _school_of(5)
    client = signed_in(world.lead)
    client.get(url(world, "pupils"))  # warm the session

    # 8 to read the page, 7 to log the lead's read of each child shown (one batch per page).
    with django_assert_max_num_queries(15) as small:
        client.get(url(world, "pupils"), params)
    for i in range(25):
        child = testing.pupil(world.school)
        testing.cohort(child, Cohort.FSM)
        relate(child, world.other_adult if i % 2 else world.key_adult)
    with django_assert_max_num_queries(15) as large:
        response = client.get(url(world, "pupils"), params)

    assert len(large) == len(small)
    if not params:
        assert response.context["page"].paginator.count == 32


SENSITIVE = "Groups and needs"


@pytest.mark.parametrize(
    ("who", "sees_flags", "sees_history"),
    [
        ("lead", True, True),
        ("head", True, True),
        ("key_adult_user", True, True),  # Leo is Priya's key child
        ("teacher", False, False),
        ("office", False, False),
    ],
)
def test_the_pupil_page_shows_about_me_to_all_and_flags_only_to_those_allowed(
    world: SchoolWorld, signed_in: SignedIn, who: str, sees_flags: bool, sees_history: bool
) -> None:
    leo = world.looked_after_child
    with school_scope(world.school):
        leo.about_me = "I love drawing dragons"
        leo.what_helps = "A quiet hello at the door"
        leo.save(update_fields=["about_me", "what_helps"])
    relate(leo, world.key_adult)

    page = signed_in(getattr(world, who)).get(url(world, "pupil", leo))

    assert page.status_code == 200
    assert "I love drawing dragons" in page.text
    assert "A quiet hello at the door" in page.text
    assert (SENSITIVE in page.text) is sees_flags
    assert ("Looked after" in page.text) is sees_flags
    assert ("Key adult history" in page.text) is sees_history


def test_a_key_adult_does_not_see_the_flags_of_a_child_who_is_not_theirs(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    relate(world.looked_after_child, world.other_adult)

    page = signed_in(world.key_adult_user).get(url(world, "pupil", world.looked_after_child))

    assert page.status_code == 200
    assert SENSITIVE not in page.text
    assert "Looked after" not in page.text


def test_the_virtual_school_sees_its_cohort_with_flags_and_nothing_else(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(testing.user(world.school, Role.VIRTUAL_SCHOOL))

    page = client.get(url(world, "pupil", world.looked_after_child))

    assert "Looked after" in page.text
    assert client.get(url(world, "pupil", world.child)).status_code == 404
    assert listed(client, world) == ["Leo"]


def test_another_schools_staff_get_404_for_a_pupil(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(other_world.lead)

    assert client.get(url(world, "pupil", world.child)).status_code == 404
    assert client.get(url(world, "pupils")).status_code == 404


def test_every_view_of_a_pupil_page_is_audited(world: SchoolWorld, signed_in: SignedIn) -> None:
    teacher = signed_in(world.teacher)

    for _ in range(3):
        assert teacher.get(url(world, "pupil", world.child)).status_code == 200
    assert teacher.get(url(world, "pupils")).status_code == 200

    events = AuditEvent.objects.filter(action=Action.RECORD_VIEWED)
    assert [(e.pupil_id, e.actor_id, e.school_id) for e in events] == [
        (world.child.pk, world.teacher.pk, world.school.pk)
    ] * 3


def test_a_list_showing_groups_logs_a_read_of_each_child_it_shows(
    classroom: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(classroom.teacher).get(url(classroom, "pupils")).status_code == 200
    assert not AuditEvent.objects.filter(action=Action.RECORD_VIEWED).exists()

    lead = signed_in(classroom.lead)
    assert lead.get(url(classroom, "pupils"), {"year_group": "4"}).status_code == 200

    events = AuditEvent.objects.filter(action=Action.RECORD_VIEWED)
    assert {(e.pupil_id, e.actor_id) for e in events} == {
        (classroom.child.pk, classroom.lead.pk),
        (classroom.looked_after_child.pk, classroom.lead.pk),
    }


def test_a_refused_pupil_page_is_not_logged_as_viewed(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(testing.user(world.school, Role.VIRTUAL_SCHOOL))

    assert client.get(url(world, "pupil", world.child)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.RECORD_VIEWED).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lead", 200),
        ("key_adult_user", 200),  # Leo is Priya's key child
        ("head", 403),
        ("teacher", 403),
        ("office", 403),
    ],
)
def test_who_may_edit_about_me(
    world: SchoolWorld, signed_in: SignedIn, who: str, status: int
) -> None:
    relate(world.looked_after_child, world.key_adult)
    client = signed_in(getattr(world, who))
    edit = url(world, "pupil_about_edit", world.looked_after_child)
    data = {"about_me": "  I like football  ", "what_helps": "A job when I arrive"}

    assert client.get(edit).status_code == status
    response = client.post(edit, data)

    with school_scope(world.school):
        leo = Pupil.objects.get(pk=world.looked_after_child.pk)
    changed = AuditEvent.objects.filter(action=Action.ABOUT_ME_UPDATED)
    if status == 200:
        assert response.status_code == 302
        assert (leo.about_me, leo.what_helps) == ("I like football", "A job when I arrive")
        assert changed.get().changes["about_me"] == ["", "I like football"]
    else:
        assert response.status_code == 403
        assert (leo.about_me, leo.what_helps) == ("", "")
        assert not changed.exists()


def test_a_key_adult_cannot_edit_about_me_of_a_child_who_is_not_theirs(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)

    assert client.get(url(world, "pupil_about_edit", world.child)).status_code == 403


def test_the_staff_page_shows_caseloads_to_those_who_manage_them(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    relate(world.child, world.key_adult, co_worker=world.other_adult)
    relate(world.looked_after_child, world.key_adult, co_worker=world.other_adult)

    lead = signed_in(world.lead).get(url(world, "staff"))

    assert "Key children (limit 5)" in lead.text
    rows = {s.full_name: (s.caseload, s.covering) for s in lead.context["staff_list"]}
    assert rows == {"Tom Okafor": (0, 2), "Priya Shah": (2, 0)}
    assert "<td>2</td>" in lead.text


@pytest.mark.parametrize(("who", "status"), [("teacher", 200), ("key_adult_user", 200)])
def test_the_staff_page_without_caseloads(
    world: SchoolWorld, signed_in: SignedIn, who: str, status: int
) -> None:
    page = signed_in(getattr(world, who)).get(url(world, "staff"))

    assert page.status_code == status
    assert "Priya Shah" in page.text
    assert "Key children" not in page.text


@pytest.mark.parametrize("role", [Role.OFFICE, Role.VIRTUAL_SCHOOL])
def test_office_and_virtual_school_have_no_staff_page(
    world: SchoolWorld, signed_in: SignedIn, role: Role
) -> None:
    client = signed_in(testing.user(world.school, role))

    assert client.get(url(world, "staff")).status_code == 403


def test_the_staff_page_query_count_is_fixed(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(world.lead)
    client.get(url(world, "staff"))
    with django_assert_max_num_queries(8) as small:
        client.get(url(world, "staff"))
    for _ in range(10):
        testing.staff(world.school)

    with django_assert_max_num_queries(8) as large:
        client.get(url(world, "staff"))

    assert len(large) == len(small)


def test_the_pupil_page_links_only_to_what_the_reader_may_open(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    lead = signed_in(world.lead).get(url(world, "pupil", world.child)).text
    teacher = signed_in(world.teacher).get(url(world, "pupil", world.child)).text

    for page in (lead, teacher):
        assert ">Incidents</a>" in page and "Ask to correct or erase something" in page
    assert ">Interventions</a>" in lead and ">Interventions</a>" not in teacher
    assert "Data held about" in lead and "Data held about" not in teacher
