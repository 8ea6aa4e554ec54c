"""The contact log: who, how, when, what was agreed; absence notes to a social worker need
their consent on record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.plans.models import ContactLogEntry
from attune.relationships.models import TeamRole, WiderTeamMember
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def url(world: SchoolWorld) -> str:
    return reverse("plans:contacts", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})


def data(**overrides: str) -> dict[str, str]:
    return {
        "contacted_on": timezone.localdate().isoformat(),
        "with_kind": "parent_carer",
        "with_name": "Jo Fletcher",
        "method": "phone",
        "summary": "Maya was up and dressed but could not face the door.",
        "agreed": "Priya will text at 8.15 tomorrow.",
    } | overrides


def logged(world: SchoolWorld) -> list[ContactLogEntry]:
    with school_scope(world.school):
        return list(ContactLogEntry.objects.all())


def social_worker(world: SchoolWorld, *, consent: bool) -> None:
    with school_scope(world.school):
        WiderTeamMember.objects.create(
            school=world.school,
            pupil=world.child,
            role=TeamRole.SOCIAL_WORKER,
            name="Sam Adeyemi",
            started_on=timezone.localdate() - timedelta(days=30),
            consent_to_share=consent,
        )


def test_a_lead_logs_a_contact_and_it_appears_in_the_chronology(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)

    assert client.post(url(world), data()).status_code == 302

    page = client.get(url(world)).text
    assert "could not face the door" in page and "Priya will text at 8.15" in page
    chronology = reverse(
        "plans:chronology", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk}
    )
    assert "Phone call with Jo Fletcher" in client.get(chronology).text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"with_name": ""}, "with_name", "Give their name.", id="name"),
        pytest.param({"summary": ""}, "summary", "what was said", id="summary"),
        pytest.param({"contacted_on": "tomorrow"}, "contacted_on", "future", id="future"),
    ],
)
def test_contact_refusals_keep_the_rest(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    sent = data(**{k: tomorrow if v == "tomorrow" else v for k, v in overrides.items()})

    response = signed_in(world.lead).post(url(world), sent)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field])
    assert form["agreed"].value() == "Priya will text at 8.15 tomorrow."
    assert logged(world) == []


@pytest.mark.parametrize("consent", [False, None])
def test_absence_notes_to_a_social_worker_need_consent_on_record(
    world: SchoolWorld, signed_in: SignedIn, consent: bool | None
) -> None:
    if consent is not None:
        social_worker(world, consent=consent)
    note = data(with_kind="social_worker", with_name="Sam Adeyemi", about_absence="on")

    response = signed_in(world.lead).post(url(world), note)

    assert response.status_code == 200
    assert "has agreed to share information" in response.text
    assert logged(world) == []


def test_with_consent_the_absence_note_is_logged(world: SchoolWorld, signed_in: SignedIn) -> None:
    social_worker(world, consent=True)
    note = data(with_kind="social_worker", with_name="Sam Adeyemi", about_absence="on")

    assert signed_in(world.lead).post(url(world), note).status_code == 302
    [entry] = logged(world)
    assert entry.about_absence is True


def test_contact_log_access(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(other_world.lead).get(url(world)).status_code == 404
    teacher = signed_in(world.teacher)
    # A teacher reads only entries marked for everyone who works with the child (see
    # attune/privacy/tests/test_sensitivity.py), and cannot write.
    assert teacher.get(url(world)).status_code == 200
    assert teacher.post(url(world), data()).status_code == 403
    assert logged(world) == []
