"""Need to know: notes carry a sensitivity level, and one rule decides who reads each level."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.access.children import levels as readable_levels
from attune.access.levels import Sensitivity
from attune.accounts.models import Membership, User
from attune.accounts.roles import Role
from attune.accounts.two_factor import needs_two_factor
from attune.people.models import Pupil
from attune.plans.models import ContactLogEntry, Meeting
from attune.plans.services import contact_log
from attune.plans.testing import meeting
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn, make_dsl, user

pytestmark = pytest.mark.django_db

EVERYONE, TEAM, DSL = "everyone", "team", "dsl"


def key_adult_for(world: SchoolWorld, child: Pupil) -> None:
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=child,
            key_adult=world.key_adult,
            started_on=timezone.localdate() - timedelta(days=40),
            reason="Maya asked for her.",
        )


def contact(world: SchoolWorld, level: str, summary: str) -> ContactLogEntry:
    with school_scope(world.school):
        return contact_log(
            actor=world.lead,
            pupil=world.child,
            contacted_on=timezone.localdate(),
            with_kind="parent_carer",
            with_name="Jo Fletcher",
            method="phone",
            summary=summary,
            agreed="",
            about_absence=False,
            sensitivity=level,
            today=timezone.localdate(),
        )


def levels(account: User, child: Pupil) -> set[str]:
    membership = Membership.objects.select_related("school").get(user=account)
    with school_scope(membership.school):
        return set(readable_levels(membership, child))


def test_the_rule_for_each_reader(world: SchoolWorld) -> None:
    key_adult_for(world, world.child)
    virtual = user(world.school, Role.VIRTUAL_SCHOOL)
    assert levels(world.teacher, world.child) == {EVERYONE}
    assert levels(world.office, world.child) == {EVERYONE}
    assert levels(world.key_adult_user, world.child) == {EVERYONE, TEAM}
    assert levels(world.key_adult_user, world.looked_after_child) == {EVERYONE}
    assert levels(world.lead, world.child) == {EVERYONE, TEAM}
    assert levels(world.head, world.child) == {EVERYONE, TEAM}
    assert levels(virtual, world.looked_after_child) == {EVERYONE, TEAM}
    assert levels(user(world.school, Role.ADMINISTRATOR), world.child) == set()
    make_dsl(world.head)
    assert levels(world.head, world.child) == {EVERYONE, TEAM, DSL}
    # The DSL flag alone opens nothing: a teacher who is DSL still needs break glass.
    make_dsl(world.teacher)
    assert levels(world.teacher, world.child) == {EVERYONE}


def test_new_notes_are_for_the_childs_team_unless_the_writer_says_otherwise(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    url = reverse("plans:contacts", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})
    client = signed_in(world.lead)
    form = client.get(url).text
    assert 'name="sensitivity"' in form and "Designated safeguarding lead only" in form
    base = {
        "contacted_on": timezone.localdate().isoformat(),
        "with_kind": "parent_carer",
        "with_name": "Jo Fletcher",
        "method": "phone",
        "summary": "Talked about mornings.",
    }
    assert client.post(url, base).status_code == 302  # none chosen: the child's team
    assert client.post(url, base | {"sensitivity": "dsl"}).status_code == 302
    refused = client.post(url, base | {"sensitivity": "the world"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.text
    with school_scope(world.school):
        assert sorted(ContactLogEntry.objects.values_list("sensitivity", flat=True)) == [DSL, TEAM]
    assert ContactLogEntry._meta.get_field("sensitivity").default == Sensitivity.TEAM


def test_the_contact_log_shows_each_reader_only_their_levels(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    key_adult_for(world, world.child)
    contact(world, EVERYONE, "Mornings are easier with a job to do.")
    contact(world, TEAM, "Mum is worried about the move.")
    contact(world, DSL, "Disclosure passed to children's services.")
    make_dsl(world.head)
    url = reverse("plans:contacts", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})

    def seen(account: User) -> tuple[bool, bool, bool]:
        page = signed_in(account).get(url).text
        return ("a job to do" in page, "worried about the move" in page, "Disclosure" in page)

    assert seen(world.teacher) == (True, False, False)
    assert seen(world.key_adult_user) == (True, True, False)
    assert seen(world.lead) == (True, True, False)
    assert seen(world.head) == (True, True, True)
    teacher = signed_in(world.teacher)
    assert 'name="summary"' not in teacher.get(url).text  # reads, does not write
    assert teacher.post(url, {"summary": "x"}).status_code == 403


def test_teachers_see_what_helps_but_no_sensitive_notes(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    contact(world, TEAM, "Mum is worried about the move.")
    meeting(world, TEAM, "Referral to the school nurse.")
    teacher = signed_in(world.teacher)
    kwargs = {"urn": world.school.urn, "pupil_id": world.child.pk}
    pupil_page = teacher.get(reverse("children:pupil", kwargs=kwargs))
    assert pupil_page.status_code == 200
    assert "worried about the move" not in pupil_page.text
    assert "school nurse" not in pupil_page.text
    assert teacher.get(reverse("plans:chronology", kwargs=kwargs)).status_code == 403
    assert teacher.get(reverse("plans:pupil_plans", kwargs=kwargs)).status_code == 403


def test_meetings_open_by_level(world: SchoolWorld, signed_in: SignedIn) -> None:
    shared = meeting(world, EVERYONE, "A calm corner in class.")
    team = meeting(world, TEAM, "Referral to the school nurse.")
    secret = meeting(world, DSL, "Strategy meeting with police.")
    make_dsl(world.head)

    def status(account: User, item: Meeting) -> int:
        kwargs = {"urn": world.school.urn, "meeting_id": item.public_id}
        return signed_in(account).get(reverse("plans:meeting", kwargs=kwargs)).status_code

    assert [status(world.teacher, m) for m in (shared, team, secret)] == [200, 404, 404]
    assert [status(world.lead, m) for m in (shared, team, secret)] == [200, 200, 404]
    assert [status(world.head, m) for m in (shared, team, secret)] == [200, 200, 200]


def test_the_chronology_and_plans_page_hide_notes_for_the_dsl_only(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    meeting(world, TEAM, "Referral to the school nurse.")
    meeting(world, DSL, "Strategy meeting with police.")
    contact(world, DSL, "Disclosure passed to children's services.")
    make_dsl(world.head)
    kwargs = {"urn": world.school.urn, "pupil_id": world.child.pk}
    for name in ("plans:chronology", "plans:pupil_plans"):
        lead_page = signed_in(world.lead).get(reverse(name, kwargs=kwargs)).text
        head_page = signed_in(world.head).get(reverse(name, kwargs=kwargs)).text
        if name == "plans:chronology":
            assert "school nurse" in lead_page and "police" not in lead_page
            assert "Disclosure" not in lead_page
            assert "police" in head_page and "Disclosure" in head_page
        else:
            assert lead_page.count("Team around the child meeting") == 1
            assert head_page.count("Team around the child meeting") == 2


def test_the_dsl_flag_needs_two_factor_whatever_the_role(world: SchoolWorld) -> None:
    assert not needs_two_factor(world.teacher)
    make_dsl(world.teacher)
    assert needs_two_factor(world.teacher)


def test_only_a_dsl_exports_a_child_with_notes_for_the_dsl_only(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    kwargs = {"urn": world.school.urn, "pupil_id": world.child.pk}
    export = reverse("privacy:export_json", kwargs=kwargs)
    child_page = reverse("privacy:child", kwargs=kwargs)
    contact(world, TEAM, "Mum is worried about the move.")
    assert signed_in(world.lead).get(export).status_code == 200
    contact(world, DSL, "Disclosure passed to children's services.")
    lead = signed_in(world.lead)
    assert lead.get(export).status_code == 403
    assert "Ask the DSL to make it" in lead.get(child_page).text
    make_dsl(world.head)
    head = signed_in(world.head)
    assert "Ask the DSL" not in head.get(child_page).text
    assert b"Disclosure passed" in head.get(export).content
