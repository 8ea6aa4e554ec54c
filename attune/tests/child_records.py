"""One child with a record of every kind a page can open, for the tests that walk every URL
(the read log, the marker crawl).

Each text field a reader's level limits holds a *marker*: a short word found nowhere else,
remembered with the right and note level a reader needs to see it. The crawl then asks, for
every page and every role, whether each marker it finds was the reader's to see.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from attune import testing
from attune.access.levels import Sensitivity
from attune.access.rules import Right
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.attendance.models import AttendanceConcern
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.checkins.models import AttunementRecord, Checkin, CheckinPlan, Noticing
from attune.earlyyears.models import ChildVisit, DevelopmentEntry
from attune.incidents.models import Incident
from attune.interventions.models import Allocation, Intervention, Measure
from attune.people.models import Cohort, Pupil
from attune.pep.models import Pep, PepTarget
from attune.plans.models import (
    ContactLogEntry,
    Meeting,
    MeetingAction,
    Plan,
    PlanVersion,
    Target,
    YouSaid,
)
from attune.privacy.models import DataRequest
from attune.relationships.models import CloseTeamMember, KeyAdultRelationship, WiderTeamMember
from attune.tenancy import authority_scope, school_scope
from attune.testing import SchoolWorld

TODAY = date(2026, 11, 23)  # a Monday in term
_serial = itertools.count(1)


@dataclass(frozen=True)
class Marker:
    """A word planted in one field: who may read it, and the row it is in."""

    text: str
    model: str
    field: str
    rights: tuple[Right, ...]  # any one of these lets a reader see it
    level: str | None  # the note's own level, for notes that carry one


@dataclass
class ChildRecords:
    world: SchoolWorld
    child: Pupil
    key_adult: User  # the child's key adult (world.key_adult_user)
    markers: list[Marker] = field(default_factory=list)
    # For each URL argument, the ids of this child's records it may take.
    ids: dict[str, list[Any]] = field(default_factory=dict)
    # The same child on their authority's own list (matched by UPN and school), and a carer
    # invited to write their PEP with the Virtual School.
    twin: Any = None
    partner: User | None = None
    # A parent with parental responsibility, signed in by link to the family page.
    family: User | None = None

    def add_id(self, argument: str, value: Any) -> None:
        self.ids.setdefault(argument, []).append(value)


def _mark(records: ChildRecords, obj: models.Model, names: tuple[str, ...], *rights: Right) -> None:
    """Fill ``names`` on ``obj`` with fresh markers, save, and record the change the way a
    service would (so the audit record is crawled too)."""
    level = getattr(obj, "sensitivity", None)
    changes: dict[str, Any] = {}
    for name in names:
        text = f"MKR{next(_serial):04d}X"
        setattr(obj, name, text)
        changes[name] = [None, text]
        records.markers.append(Marker(text, type(obj).__name__, name, rights, level))
    obj.save()
    record(Action.CONTACT_LOGGED, obj, actor=records.world.head, changes=changes)


def build(world: SchoolWorld) -> ChildRecords:
    """The looked-after child of ``world``, with the key adult as their key adult and a record
    of every kind, each restricted text field marked."""
    child = world.looked_after_child
    records = ChildRecords(world, child, world.key_adult_user)
    school = world.school
    staff = world.key_adult
    with school_scope(school):
        rel = KeyAdultRelationship.objects.create(
            school=school,
            pupil=child,
            key_adult=staff,
            co_worker=world.other_adult,
            started_on=TODAY - timedelta(days=200),
            reason="Chosen by Leo",
        )
        records.add_id("relationship_id", rel.pk)
        CloseTeamMember.objects.create(
            school=school,
            pupil=child,
            staff=world.other_adult,
            child_words="kind",
            joined_on=TODAY - timedelta(days=100),
        )
        wider = WiderTeamMember.objects.create(
            school=school,
            pupil=child,
            role="social_worker",
            name="placeholder",
            started_on=TODAY - timedelta(days=100),
        )
        # Also shown to whoever writes the child's PEP, which names the social worker.
        _mark(records, wider, ("name",), Right.SEE_SENSITIVE, Right.READ_PEPS)
        records.add_id("member_id", wider.public_id)
        records.add_id("circle", "wider")

        # Notes that carry their own level: one for the team, one for the DSL only.
        for level in (Sensitivity.TEAM, Sensitivity.DSL):
            meeting = Meeting.objects.create(
                school=school,
                pupil=child,
                kind="tac",
                held_on=TODAY - timedelta(days=7),
                attendees="x",
                child_voice="x",
                sensitivity=level,
            )
            _mark(records, meeting, ("attendees", "child_voice", "decisions"), Right.SEE_CHILD)
            records.add_id("meeting_id", meeting.public_id)
            action = MeetingAction.objects.create(
                school=school,
                meeting=meeting,
                owner_kind="staff",
                owner_staff=staff,
                description="x",
                due_on=TODAY + timedelta(days=7),
            )
            records.add_id("action_id", action.public_id)
            contact = ContactLogEntry.objects.create(
                school=school,
                pupil=child,
                contacted_on=TODAY - timedelta(days=3),
                with_kind="parent_carer",
                with_name="x",
                method="phone",
                summary="x",
                sensitivity=level,
            )
            _mark(records, contact, ("summary", "agreed"), Right.SEE_CHILD)

        plan = Plan.objects.create(
            school=school,
            pupil=child,
            kind="idp",
            owner=staff,
            started_on=TODAY - timedelta(days=60),
        )
        records.add_id("plan_id", plan.public_id)
        version = PlanVersion.objects.create(
            school=school,
            plan=plan,
            number=1,
            child_goals="x",
            review_due_on=TODAY + timedelta(days=30),
            created_on=TODAY - timedelta(days=60),
        )
        _mark(records, version, ("child_goals", "what_helps"), Right.SEE_SENSITIVE)
        target = Target.objects.create(
            school=school,
            version=version,
            owner_kind="staff",
            owner_staff=staff,
            description="x",
            success_criteria="x",
            baseline=20,
            target_value=80,
            unit="%",
            by_date=TODAY + timedelta(days=90),
        )
        _mark(records, target, ("description",), Right.SEE_SENSITIVE)

        you_said = YouSaid.objects.create(
            school=school,
            pupil=child,
            kind="concern",
            raised_by="child",
            their_words="x",
            raised_on=TODAY - timedelta(days=5),
        )
        _mark(records, you_said, ("their_words",), Right.SEE_SENSITIVE)
        records.add_id("item_id", you_said.public_id)

        pep = Pep.objects.create(
            school=school,
            pupil=child,
            school_year=2026,
            term="autumn",
            meeting_on=TODAY - timedelta(days=20),
            designated_teacher=world.other_adult,
        )
        _mark(records, pep, ("child_views", "carer_views"), Right.READ_PEPS)
        records.add_id("pep_id", pep.public_id)
        pep_target = PepTarget.objects.create(
            school=school,
            pep=pep,
            owner_kind="staff",
            owner_staff=staff,
            description="x",
            due_on=TODAY + timedelta(days=40),
        )
        records.add_id("target_id", pep_target.public_id)

        incident = Incident.objects.create(
            school=school,
            pupil=child,
            place="x",
            occurred_at=timezone.make_aware(datetime.combine(TODAY, time(10))),
            before="x",
            how_regulated="x",
            recorded_by=world.head,
        )
        _mark(records, incident, ("before", "how_regulated"), Right.SEE_ALL_INCIDENTS)
        records.add_id("incident_id", incident.pk)

        measure = Measure.objects.create(school=school, name="Boxall", lowest=0, highest=100)
        intervention = Intervention.objects.create(school=school, name="Nurture group")
        allocation = Allocation.objects.create(
            school=school,
            intervention=intervention,
            pupil=child,
            staff=staff,
            started_on=TODAY - timedelta(days=30),
            measure=measure,
        )
        records.add_id("allocation_id", allocation.pk)

        concern = AttendanceConcern.objects.create(
            school=school, pupil=child, opened_on=TODAY - timedelta(days=10), status="open"
        )
        _mark(records, concern, ("notes",), Right.SEE_SENSITIVE)
        records.add_id("concern_id", concern.pk)

        plan_row = CheckinPlan.objects.create(
            school=school,
            relationship=rel,
            place="x",
            starts_on=TODAY - timedelta(days=50),
            review_on=TODAY + timedelta(days=30),
        )
        # The check-in plan is the working document of the adults who agree it.
        _mark(
            records,
            plan_row,
            ("place", "child_words"),
            Right.SEE_SENSITIVE,
            Right.AGREE_CHECKIN_PLAN,
        )
        checkin = Checkin.objects.create(
            school=school,
            relationship=rel,
            pupil=child,
            on=TODAY - timedelta(days=1),
            slot="start",
            outcome="happened",
        )
        _mark(records, checkin, ("note",), Right.SEE_SENSITIVE, Right.LOG_CHECKINS)
        attunement = AttunementRecord.objects.create(
            school=school, relationship=rel, on=TODAY - timedelta(days=2), level=2, evidence="x"
        )
        _mark(records, attunement, ("evidence",), Right.SEE_SENSITIVE, Right.RECORD_ATTUNEMENT)
        Noticing.objects.create(
            school=school,
            relationship=rel,
            pupil=child,
            on=TODAY - timedelta(days=1),
            proud_of="her painting",
            noticed="helped a friend",
        )

        visit = ChildVisit.objects.create(
            school=school, pupil=child, on=TODAY - timedelta(days=1), signed_in_at=time(8, 30)
        )
        records.add_id("visit_id", visit.pk)
        records.add_id("day", (TODAY - timedelta(days=1)).isoformat())
        DevelopmentEntry.objects.create(
            school=school,
            pupil=child,
            kind="observation",
            on=TODAY - timedelta(days=1),
            area="communication",
            text="Named three colours",
        )

        request = DataRequest.objects.create(
            school=school,
            pupil_id=child.pk,
            pupil_label=child.display_name,
            kind="correct",
            record_kind="people.pupil",
            record_id=str(child.pk),
            field_name="preferred_name",
            new_value="Lee",
            reason="The child asked to be called Lee.",
            raised_at=timezone.now(),
            raised_by=world.lead,
        )
        records.add_id("request_id", request.pk)
    records.add_id("pupil_id", child.pk)
    _family_records(records)
    if school.local_authority is not None:
        _authority_records(records)
    return records


def _family_records(records: ChildRecords) -> None:
    """The child's mum, let in to the family page, a note that went home, her reply to it and
    an absence she told the school about."""
    from attune.families.models import AbsenceReport, FamilyReply
    from attune.families.testing import contact_for, let_in

    world, child = records.world, records.child
    mum = contact_for(child, forename="Jo", surname="Parent", email="jo.parent@example.org")
    records.family = let_in(mum)
    with school_scope(world.school):
        rel = KeyAdultRelationship.objects.get(pupil=child, ended_on__isnull=True)
        note = Noticing.objects.create(
            school=world.school,
            relationship=rel,
            pupil=child,
            on=TODAY,
            proud_of="reading aloud",
            noticed="kind to a friend",
            shared_by="email",
        )
        reply = FamilyReply.objects.create(
            school=world.school, pupil=child, noticing=note, contact=mum.contact, text="Lovely"
        )
        report = AbsenceReport.objects.create(
            school=world.school,
            pupil=child,
            contact=mum.contact,
            first_day=TODAY,
            last_day=TODAY,
            reason="A cold",
        )
    records.add_id("noticing_id", note.pk)
    records.add_id("reply_id", reply.pk)
    records.add_id("report_id", report.pk)


def _authority_records(records: ChildRecords) -> None:
    """The child on their authority's own list, with a PEP written with partners (each
    restricted text marked) and a carer invited to it."""
    from attune.access.rules import Partner
    from attune.accounts.links import link_access_grant, person_for
    from attune.virtualschool.models import (
        LookedAfterChild,
        PartnerPep,
        PartnerPepSection,
        PartnerPepTarget,
        PepPartner,
        Placement,
        PupilPremiumPlus,
    )
    from attune.virtualschool.partners import PARTNER_PURPOSE

    child, school = records.child, records.world.school
    la = school.local_authority
    assert la is not None
    with authority_scope(la):
        twin = LookedAfterChild.objects.create(
            local_authority=la,
            child_id=f"TWIN-{str(child.pk)[:8]}",
            upn=child.upn,
            legal_forename=child.legal_forename,
            legal_surname=child.legal_surname,
            date_of_birth=child.date_of_birth,
            looked_after_from=TODAY - timedelta(days=400),
            legal_status="C2",
        )
        Placement.objects.create(
            local_authority=la,
            child=twin,
            school_urn=school.urn,
            school_name=school.name,
            started_on=TODAY - timedelta(days=400),
        )
        pep = PartnerPep.objects.create(
            local_authority=la,
            child=twin,
            school_year=2026,
            term="autumn",
            school_urn=school.urn,
            school_name=school.name,
            meeting_on=TODAY - timedelta(days=3),
            state="returned",
        )
        _mark(records, pep, ("quality_note", "returned_note"), Right.READ_PEPS)
        part = PartnerPepSection.objects.create(
            local_authority=la,
            pep=pep,
            section="care",
            text="x",
            written_as="social_worker",
            written_at=timezone.now(),
        )
        _mark(records, part, ("text",), Right.READ_PEPS)
        target = PartnerPepTarget.objects.create(
            local_authority=la, pep=pep, description="x", who="x", due_on=TODAY
        )
        _mark(records, target, ("description",), Right.READ_PEPS)
        funding = PupilPremiumPlus.objects.create(
            local_authority=la,
            child=twin,
            pep=pep,
            school_year=2026,
            term="autumn",
            amount=300,
            purpose="x",
            requested_at=timezone.now(),
        )
        _mark(records, funding, ("purpose", "impact"), Right.READ_PEPS)
        carer = person_for(f"carer.{str(child.pk)[:8]}@example.org", "A carer")
        seat = PepPartner.objects.create(
            local_authority=la,
            child=twin,
            kind=Partner.CARER,
            email=carer.email,
            user=carer,
            invited_at=timezone.now(),
        )
        link_access_grant(
            actor=None, email=carer.email, purpose=PARTNER_PURPOSE, target=str(seat.pk)
        )
    records.twin, records.partner = twin, carer
    records.add_id("child_id", twin.pk)
    records.add_id("vs_pep_id", pep.pk)
    records.add_id("partner_id", seat.pk)
    records.add_id("funding_id", funding.pk)


def dsl_head(world: SchoolWorld) -> User:
    """A headteacher whose membership is marked as the designated safeguarding lead."""
    user = testing.user(world.school, Role.HEADTEACHER)
    user.memberships.update(is_dsl=True)
    return user


def shared_child_cohort() -> str:
    return Cohort.LOOKED_AFTER
