"""Supervision of key adults over HTTP: recording, the overdue warning, and who may read it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import Staff
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn
from attune.training.models import Supervision, SupervisionSettings
from attune.training.tests.helpers import make_key_adult, url

pytestmark = pytest.mark.django_db

NOTE = "Finding mornings with Maya hard; talked about a calmer start."


def form(world: SchoolWorld, **overrides: object) -> dict[str, object]:
    return {
        "kind": "formal",
        "held_on": timezone.localdate().isoformat(),
        "supervisee": str(world.key_adult.pk),
        "supervisor": str(world.other_adult.pk),
        "themes": ["child_distress", "wellbeing"],
        "other_themes": "Transition to Year 5",
        "notes": NOTE,
        "agreed_support": "Ten minutes protected each morning.",
        "follow_ups": "Check how mornings are going.",
        "follow_up_by": "",
    } | overrides


def records(world: SchoolWorld) -> list[Supervision]:
    with school_scope(world.school):
        return list(Supervision.objects.all())


def supervise(world: SchoolWorld, *, days_ago: int = 0, kind: str = "formal") -> Supervision:
    with school_scope(world.school):
        return Supervision.objects.create(
            school=world.school,
            kind=kind,
            held_on=timezone.localdate() - timedelta(days=days_ago),
            supervisor=world.other_adult,
            supervisee=world.key_adult,
            themes=["wellbeing"],
            notes=NOTE,
        )


def test_the_lead_records_supervision_and_the_notes_stay_out_of_the_audit_log(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    make_key_adult(world, world.key_adult)
    client = signed_in(world.lead)
    page = client.get(url(world, "supervision_new") + f"?supervisee={world.key_adult.pk}")
    assert page.status_code == 200
    assert "Only the two of you" in page.text

    response = client.post(url(world, "supervision_new"), form(world))

    assert response.status_code == 302
    [saved] = records(world)
    assert saved.themes == ["child_distress", "wellbeing"]
    assert saved.recorded_by == world.lead
    event = AuditEvent.objects.get(action=Action.SUPERVISION_RECORDED)
    assert event.changes["kind"] == "formal"
    assert NOTE not in str(event.changes)
    overview = client.get(response["Location"]).text
    assert "Recorded supervision with Priya Shah." in overview
    assert "A child&#x27;s distress or behaviour; The adult&#x27;s own wellbeing" in overview
    assert NOTE not in overview  # notes only on the record itself


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"supervisor": "supervisee"}, "Supervision is between two people"),
        ({"held_on": "tomorrow"}, "the date is in the future"),
        ({"themes": [], "other_themes": ""}, "Note at least one theme"),
        ({"follow_up_by": "yesterday"}, "The follow-up date comes after the supervision."),
        ({"kind": "gossip"}, "Select a valid choice"),
        ({"themes": ["astrology"]}, "Select a valid choice"),
    ],
)
def test_supervision_errors_show_beside_the_field(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, object], message: str
) -> None:
    today = timezone.localdate()
    values = {
        "supervisee": str(world.key_adult.pk),
        "tomorrow": (today + timedelta(days=1)).isoformat(),
        "yesterday": (today - timedelta(days=1)).isoformat(),
    }
    data = form(
        world, **{k: values.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    )

    response = signed_in(world.lead).post(url(world, "supervision_new"), data)

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert records(world) == []


def test_the_overview_warns_when_formal_supervision_is_overdue_and_says_why(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    make_key_adult(world, world.key_adult, weeks_ago=10)
    supervise(world, days_ago=3, kind="peer")
    client = signed_in(world.lead)

    page = client.get(url(world, "supervision")).text

    assert "Overdue" in page
    assert "No formal supervision recorded since becoming a key adult" in page
    assert "10 weeks ago; the school aims for formal supervision every 6 weeks." in page
    assert "does not replace formal supervision" in page

    supervise(world, days_ago=0)
    after = client.get(url(world, "supervision")).text
    assert "No formal supervision recorded" not in after
    assert "Up to date" in after


def test_the_school_sets_its_own_interval(world: SchoolWorld, signed_in: SignedIn) -> None:
    make_key_adult(world, world.key_adult, weeks_ago=10)
    supervise(world, days_ago=7 * 7)  # seven weeks ago: overdue at six, fine at eight
    client = signed_in(world.lead)
    assert "Overdue" in client.get(url(world, "supervision")).text

    response = client.post(url(world, "supervision"), {"formal_every_weeks": "8"})

    assert response.status_code == 302
    with school_scope(world.school):
        assert SupervisionSettings.objects.get().formal_every_weeks == 8
    event = AuditEvent.objects.get(action=Action.SUPERVISION_SETTINGS_CHANGED)
    assert event.changes == {"formal_every_weeks": [6, 8]}
    page = client.get(url(world, "supervision")).text
    assert "every 8 weeks" in page
    assert "Due soon" in page
    bad = client.post(url(world, "supervision"), {"formal_every_weeks": "0"})
    assert bad.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in bad.text


def test_the_overview_query_count_does_not_grow_with_key_adults(
    world: SchoolWorld,
    signed_in: SignedIn,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    from attune.relationships.models import KeyAdultRelationship

    today = timezone.localdate()
    for n in range(12):
        person = testing.staff(world.school)
        child = testing.pupil(world.school)
        with school_scope(world.school):
            KeyAdultRelationship.objects.create(
                school=world.school,
                pupil=child,
                key_adult=person,
                started_on=today - timedelta(days=100),
                reason="Close by.",
            )
            Supervision.objects.create(
                school=world.school,
                kind="formal",
                held_on=today - timedelta(days=5 * n),
                supervisor=world.other_adult,
                supervisee=person,
                themes=["wellbeing"],
            )
    client = signed_in(world.lead)
    with django_assert_max_num_queries(11):
        page = client.get(url(world, "supervision"))
    assert page.status_code == 200
    assert page.text.count("training/supervision/new/?supervisee=") == 12


def _linked(world: SchoolWorld, role: Role, person: Staff) -> User:
    return testing.user(world.school, role, person=person)


@pytest.mark.parametrize(
    ("reader", "can_read"),
    [
        ("lead", True),
        ("head", True),
        ("supervisee", True),  # the key adult themselves
        ("supervisor", True),
        ("teacher", False),
        ("office", False),
        ("administrator", False),
        ("other_key_adult", False),
    ],
)
def test_only_the_people_in_the_room_the_lead_and_the_head_read_supervision_notes(
    world: SchoolWorld, signed_in: SignedIn, reader: str, can_read: bool
) -> None:
    record = supervise(world)
    users = {
        "lead": lambda: world.lead,
        "head": lambda: world.head,
        "supervisee": lambda: world.key_adult_user,
        "supervisor": lambda: _linked(world, Role.TEACHER, world.other_adult),
        "teacher": lambda: world.teacher,
        "office": lambda: world.office,
        "administrator": lambda: testing.user(world.school, Role.ADMINISTRATOR),
        "other_key_adult": lambda: _linked(world, Role.KEY_ADULT, testing.staff(world.school)),
    }
    client = signed_in(users[reader]())

    response = client.get(url(world, "supervision_detail", supervision_id=record.pk))
    missing = client.get(url(world, "supervision_detail", supervision_id=uuid.uuid4()))

    assert missing.status_code == 404
    if can_read:
        assert response.status_code == 200
        assert NOTE in response.text
        assert AuditEvent.objects.filter(action=Action.SUPERVISION_VIEWED).count() == 1
    else:
        assert response.status_code == 404  # the same as a record that does not exist
        assert NOTE not in response.text


def test_a_key_adult_sees_their_own_supervision_list_and_not_the_overview(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    mine = supervise(world)
    someone = testing.staff(world.school, first_name="Zed", last_name="Else")
    with school_scope(world.school):
        theirs = Supervision.objects.create(
            school=world.school,
            kind="informal",
            held_on=date.today(),  # noqa: DTZ011 - a date the test compares with itself
            supervisor=world.other_adult,
            supervisee=someone,
            themes=["skills"],
        )
    client = signed_in(world.key_adult_user)

    page = client.get(url(world, "supervision_mine"))

    assert page.status_code == 200
    assert str(mine.pk) in page.text
    assert str(theirs.pk) not in page.text
    assert client.get(url(world, "supervision")).status_code == 403
    assert client.get(url(world, "supervision_new")).status_code == 403
    assert client.post(url(world, "supervision_new"), form(world)).status_code == 403
    assert len(records(world)) == 2


def test_another_schools_supervision_is_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    record = supervise(other_world)
    client = signed_in(world.lead)
    for target in (
        url(world, "supervision_detail", supervision_id=record.pk),
        url(other_world, "supervision_detail", supervision_id=record.pk),
        url(other_world, "supervision"),
    ):
        assert client.get(target).status_code == 404, target
    # Their staff cannot be chosen in this school's form.
    response = client.post(
        url(world, "supervision_new"),
        form(world, supervisee=str(other_world.key_adult.pk)),
    )
    assert response.status_code == 400
    assert records(world) == []
