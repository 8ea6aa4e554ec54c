"""The school's sharing agreement, and what a school-level Virtual School membership sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import Cohort
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn
from attune.virtualschool.models import SharingAgreement
from attune.virtualschool.services import VirtualSchoolError, sharing_agreement_set

pytestmark = pytest.mark.django_db


def url(world: SchoolWorld) -> str:
    return reverse("sharing:edit", kwargs={"urn": world.school.urn})


def agreement(world: SchoolWorld) -> SharingAgreement:
    with school_scope(world.school):
        return SharingAgreement.objects.get()


def test_the_lead_chooses_what_to_share_and_it_is_logged(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    assert client.get(url(world)).status_code == 200

    response = client.post(url(world), {"cohorts": [Cohort.LOOKED_AFTER, Cohort.KINSHIP_CARE]})

    assert response.status_code == 302
    saved = agreement(world)
    assert saved.cohorts == [Cohort.LOOKED_AFTER, Cohort.KINSHIP_CARE]
    assert saved.agreed_by == world.lead
    event = AuditEvent.objects.get(action=Action.VS_SHARING_CHANGED)
    assert event.school_id == world.school.pk
    assert "Last changed by" in client.get(url(world)).text


def test_the_head_may_share_nothing(world: SchoolWorld, signed_in: SignedIn) -> None:
    assert signed_in(world.head).post(url(world), {}).status_code == 302
    assert agreement(world).cohorts == []


def test_only_the_virtual_schools_cohorts_can_be_shared(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(world.lead).post(url(world), {"cohorts": [Cohort.FSM]})
    assert page.status_code == 200
    assert "is not one of the available choices" in page.text
    with pytest.raises(VirtualSchoolError) as error:
        sharing_agreement_set(actor=world.lead, school=world.school, cohorts=[Cohort.FSM])
    assert error.value.code == "sharing.unknown_cohort"


@pytest.mark.parametrize("who", ["teacher", "office", "key_adult_user"])
def test_other_roles_may_not_change_it(world: SchoolWorld, signed_in: SignedIn, who: str) -> None:
    assert signed_in(getattr(world, who)).get(url(world)).status_code == 403


def test_another_school_gets_404(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(other_world.lead).get(url(world)).status_code == 404


def test_a_school_membership_of_the_virtual_school_follows_the_agreement(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(testing.user(world.school, Role.VIRTUAL_SCHOOL))
    pupil = reverse(
        "children:pupil", kwargs={"urn": world.school.urn, "pupil_id": world.looked_after_child.pk}
    )
    assert client.get(pupil).status_code == 200

    testing.share_with_virtual_school(world.school, cohorts=(Cohort.CHILD_IN_NEED,))

    assert client.get(pupil).status_code == 404
