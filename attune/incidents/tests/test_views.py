"""Incidents over HTTP: recording regulate → relate → reason, who reads what, and the trends."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.incidents.models import Incident
from attune.incidents.selectors import chronology_entries, school_trend, school_trends
from attune.incidents.testing import record_incident
from attune.people.models import Pupil
from attune.relationships.models import CloseTeamMember, KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn, make_dsl

pytestmark = pytest.mark.django_db

url = SchoolUrls("incidents")


def form(world: SchoolWorld, **overrides: str) -> dict[str, str]:
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "occurred_on": yesterday.isoformat(),
        "occurred_time": "10:40",
        "place": "the dinner hall",
        "before": "The hall was very loud and her usual seat was taken.",
        "regulated_by": str(world.key_adult.pk),
        "how_regulated": "Walked with her to the garden; sat side by side, few words.",
        "minutes_to_calm": "15",
        "talked_through": "",
        "repair": "",
        "follow_up": "",
    } | overrides


def record(
    world: SchoolWorld,
    *,
    by: User | None = None,
    child: Pupil | None = None,
    on: date | None = None,
    minutes: int | None = 10,
) -> Incident:
    day = on or timezone.localdate() - timedelta(days=1)
    return record_incident(
        world,
        by=by,
        child=child,
        occurred_at=timezone.make_aware(datetime.combine(day, time(11, 0))),
        minutes_to_calm=minutes,
    )


def make_key_adult(world: SchoolWorld, child: Pupil | None = None) -> None:
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=child or world.child,
            key_adult=world.key_adult,
            started_on=date(2025, 9, 1),
            reason="Knows her well.",
        )


def actions(prefix: str = "incidents.") -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_lead_records_an_incident_and_reads_it_back(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    page = client.get(url(world, "new", pupil_id=world.child.pk))
    assert page.status_code == 200
    assert "Bruce Perry" in page.text
    assert "Regulate: helping the child to calm" in page.text

    response = client.post(url(world, "new", pupil_id=world.child.pk), form(world))

    with school_scope(world.school):
        incident = Incident.objects.get()
    assert response["Location"] == url(world, "incident", incident_id=incident.pk)
    assert (incident.minutes_to_calm, incident.regulated_by, incident.recorded_by) == (
        15,
        world.key_adult,
        world.lead,
    )
    assert timezone.localtime(incident.occurred_at).time() == time(10, 40)
    shown = client.get(response["Location"]).text
    assert "The hall was very loud" in shown
    assert '<dd data-testid="minutes">15</dd>' in shown
    assert actions() == ["incidents.incident.recorded"]
    reads = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).order_by("pk")
    assert [(e.pupil_id, e.changes["page"]) for e in reads] == [
        (world.child.pk, url(world, "new", pupil_id=world.child.pk)),
        (world.child.pk, response["Location"]),
    ]
    event = AuditEvent.objects.get(action="incidents.incident.recorded")
    assert event.pupil_id == world.child.pk
    assert "The hall was very loud" not in str(event.changes)  # the words stay in the record


def test_relate_and_reason_added_later_is_audited(world: SchoolWorld, signed_in: SignedIn) -> None:
    incident = record(world, by=world.teacher)
    client = signed_in(world.teacher)
    data = form(world, talked_through="We drew what happened.", repair="Said sorry to Sam.")
    response = client.post(url(world, "edit", incident_id=incident.pk), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.repair == "Said sorry to Sam."
    changed = AuditEvent.objects.get(action="incidents.incident.changed")
    assert "talked_through" in changed.changes["fields"]
    assert "repair" in changed.changes["fields"]


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"minutes_to_calm": "-5"},
            "minutes_to_calm",
            "The time until the child was calm cannot be negative. Leave it empty if nobody "
            "noted it.",
            id="negative minutes",
        ),
        pytest.param(
            {"minutes_to_calm": "2000"},
            "minutes_to_calm",
            "That is more than a day. Please check the number of minutes.",
            id="too long",
        ),
        pytest.param(
            {"occurred_on": "tomorrow"},
            "occurred_on",
            "The time of the incident cannot be in the future.",
            id="future",
        ),
        pytest.param(
            {"how_regulated": ""}, "how_regulated", "This field is required.", id="no regulate"
        ),
        pytest.param({"place": ""}, "place", "This field is required.", id="no place"),
    ],
)
def test_errors_show_beside_the_field_and_nothing_is_saved(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    data = form(world, **{k: _tomorrow() if v == "tomorrow" else v for k, v in overrides.items()})
    response = signed_in(world.lead).post(url(world, "new", pupil_id=world.child.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert testing.field_message(f"id_{field}", message) in response.text
    with school_scope(world.school):
        assert not Incident.objects.exists()
    assert actions() == []


def test_a_teacher_records_but_then_sees_only_their_own_entries(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    lead_entry = record(world, by=world.lead)
    client = signed_in(world.teacher)
    response = client.post(url(world, "new", pupil_id=world.child.pk), form(world))
    assert response.status_code == 302
    with school_scope(world.school):
        mine = Incident.objects.get(recorded_by=world.teacher)

    child_page = client.get(url(world, "pupil", pupil_id=world.child.pk))
    assert child_page.context["incidents"] == [mine]
    assert "page" not in child_page.context  # no trend: it would count others' entries
    assert "Incidents you recorded" in child_page.text
    assert client.get(url(world, "incident", incident_id=mine.pk)).status_code == 200
    assert client.get(url(world, "incident", incident_id=lead_entry.pk)).status_code == 404
    assert (
        client.post(url(world, "edit", incident_id=lead_entry.pk), form(world)).status_code == 404
    )
    school_page = client.get(url(world, "school"))
    assert school_page.context["mine"] == [mine]
    assert "Across the school" not in school_page.text


def test_the_office_may_record_too(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.office).post(url(world, "new", pupil_id=world.child.pk), form(world))
    assert response.status_code == 302


def test_the_key_adult_and_close_team_see_every_incident_of_their_child(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    make_key_adult(world)
    first = record(world, by=world.teacher)
    other = record(world, by=world.teacher, child=world.looked_after_child)
    client = signed_in(world.key_adult_user)

    page = client.get(url(world, "pupil", pupil_id=world.child.pk))
    assert page.context["incidents"] == [first]
    assert "Is it getting easier?" in page.text
    assert client.get(url(world, "incident", incident_id=first.pk)).status_code == 200
    assert client.get(url(world, "incident", incident_id=other.pk)).status_code == 404

    with school_scope(world.school):
        CloseTeamMember.objects.create(
            school=world.school,
            pupil=world.looked_after_child,
            staff=world.key_adult,
            child_words="She helps me.",
            joined_on=date(2026, 1, 5),
        )
    assert client.get(url(world, "incident", incident_id=other.pk)).status_code == 200


def test_reads_of_a_childs_incidents_are_logged(world: SchoolWorld, signed_in: SignedIn) -> None:
    incident = record(world)
    client = signed_in(world.head)
    pages = [
        url(world, "pupil", pupil_id=world.child.pk),
        url(world, "incident", incident_id=incident.pk),
        url(world, "school"),
    ]
    for page in pages:
        client.get(page)
    assert client.get(url(world, "incident", incident_id=uuid.uuid4())).status_code == 404
    events = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).order_by("pk")
    assert [(e.pupil_id, e.actor_id, e.changes["page"]) for e in events] == [
        (world.child.pk, world.head.pk, page) for page in pages
    ]


def test_the_school_page_shows_trends_in_words_and_tables(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=10)
    month_before = (last_month.replace(day=1) - timedelta(days=1)).replace(day=10)
    for minutes in (30, 20, 25):
        record(world, on=month_before, minutes=minutes)
    record(world, on=last_month, minutes=10)
    for _ in range(5):
        record(world, child=testing.pupil(world.school), on=last_month, minutes=5)
    client = signed_in(world.lead)
    with django_assert_max_num_queries(15):
        page = client.get(url(world, "school") + "?by=month")
    assert page.status_code == 200
    words = page.context["page"].trend.sentences
    assert words[0].startswith("More incidents: 6 in")
    maya = next(c for c in page.context["children"] if c.pupil == world.child)
    assert maya.incidents == 4
    assert maya.trend.sentences[0].startswith("Fewer incidents: 1 in")
    assert "a median of 10 minutes" in maya.trend.sentences[1]
    assert "<caption" in page.text  # each trend is a table, not only a picture
    for _ in range(10):
        record(world, child=testing.pupil(world.school), on=last_month)
    with django_assert_max_num_queries(15):
        assert client.get(url(world, "school")).status_code == 200


def test_choosing_a_child_goes_to_the_form(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.teacher).get(url(world, "school"), {"pupil": str(world.child.pk)})
    assert response["Location"] == url(world, "new", pupil_id=world.child.pk)


def test_the_child_list_names_each_child_they_go_by_and_escapes_it(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    odd = testing.pupil(world.school, forename="Ada", surname="O'Brien <b>")
    with school_scope(world.school):
        Pupil.objects.filter(pk=world.child.pk).update(preferred_name="Mo")
    page = signed_in(world.lead).get(url(world, "school")).content.decode()
    assert f'<option value="{odd.pk}">Ada O&#x27;Brien &lt;b&gt;</option>' in page
    assert f'<option value="{world.child.pk}">Mo {world.child.legal_surname}</option>' in page
    assert str(other_world.child.pk) not in page


def test_the_pupil_page_query_count_is_pinned(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for days in range(1, 25, 2):
        record(world, on=timezone.localdate() - timedelta(days=days))
    client = signed_in(world.lead)
    with django_assert_max_num_queries(15):
        page = client.get(url(world, "pupil", pupil_id=world.child.pk))
    assert len(page.context["incidents"]) == 12


def test_roles_that_may_not_record_are_refused(world: SchoolWorld, signed_in: SignedIn) -> None:
    officer = testing.user(world.school, Role.VIRTUAL_SCHOOL)
    client = signed_in(officer)
    assert client.get(url(world, "school")).status_code == 403
    assert (
        client.post(
            url(world, "new", pupil_id=world.looked_after_child.pk), form(world)
        ).status_code
        == 403
    )


def test_another_school_gets_404(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    incident = record(world)
    client = signed_in(other_world.lead)
    for name, kwargs in (
        ("incident", {"incident_id": incident.pk}),
        ("edit", {"incident_id": incident.pk}),
        ("pupil", {"pupil_id": world.child.pk}),
        ("new", {"pupil_id": world.child.pk}),
    ):
        theirs = reverse(f"incidents:{name}", kwargs={"urn": other_world.school.urn, **kwargs})
        assert client.get(theirs).status_code == 404
        assert client.post(theirs, form(world)).status_code == 404
    assert client.get(url(world, "school")).status_code == 404


def test_chronology_entries_for_the_plans_app(world: SchoolWorld) -> None:
    first = record(world, on=date(2026, 10, 5), minutes=12)
    record(world, on=date(2026, 10, 9), minutes=None)
    record(world, child=world.looked_after_child, on=date(2026, 10, 6))
    with school_scope(world.school):
        entries = chronology_entries([world.child.pk], since=date(2026, 10, 1))
    assert [(e.on, e.title, e.detail) for e in entries] == [
        (date(2026, 10, 5), "Incident in the classroom", "Calm after 12 minutes."),
        (date(2026, 10, 9), "Incident in the classroom", "Time to calm not noted."),
    ]
    assert entries[0].incident_id == first.pk


def test_break_glass_reads_an_incident_but_never_changes_it(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    incident = record(world)
    make_dsl(world.key_adult_user)  # not Maya's
    dsl = signed_in(world.key_adult_user)
    child = {"urn": world.school.urn, "pupil_id": world.child.pk}
    glass = reverse("privacy:break_glass", kwargs=child)
    assert dsl.get(url(world, "edit", incident_id=incident.pk)).status_code == 404
    dsl.post(glass, {"reason": "A call from the police about Maya; I need her history."})

    assert dsl.get(url(world, "incident", incident_id=incident.pk)).status_code == 200
    assert dsl.get(url(world, "edit", incident_id=incident.pk)).status_code == 403
    changed = form(world, repair="Rewritten under break glass.")
    assert dsl.post(url(world, "edit", incident_id=incident.pk), changed).status_code == 403
    incident.refresh_from_db()
    assert incident.repair == ""


def test_the_audit_record_keeps_no_words_of_an_incident(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    marker = "Zebra-marker-417"
    client = signed_in(world.lead)
    words = {k: f"{marker} {k}" for k in ("place", "before", "how_regulated", "repair")}
    client.post(url(world, "new", pupil_id=world.child.pk), form(world, **words))
    with school_scope(world.school):
        incident = Incident.objects.get()
    edited = form(world, **words | {"talked_through": marker, "follow_up": marker})
    client.post(url(world, "edit", incident_id=incident.pk), edited)
    events = AuditEvent.objects.filter(action__startswith="incidents.")
    assert [e.action for e in events.order_by("pk")] == [
        "incidents.incident.recorded",
        "incidents.incident.changed",
    ]
    assert not [e for e in events if marker in json.dumps(e.changes)]


@pytest.mark.parametrize("by_half_term", [False, True])
def test_the_school_trend_alone_is_the_trend_the_school_page_shows(
    world: SchoolWorld, by_half_term: bool
) -> None:
    """The head's home draws the school's trend without its children: the same figures."""
    today = timezone.localdate()
    for days, minutes in ((3, 30), (10, 20), (40, 5), (80, None), (200, 12)):
        record(world, on=today - timedelta(days=days), minutes=minutes)
    record(world, child=testing.pupil(world.school), on=today - timedelta(days=10), minutes=8)
    with school_scope(world.school):
        page, children = school_trends(today=today, by_half_term=by_half_term)
        alone = school_trend(today=today, by_half_term=by_half_term)
    assert len(children) == 2 and sum(s.incidents for s in alone.summaries) >= 4
    assert alone == page
