"""Demo PEPs: each looked-after demo child gets last term's PEP (held, signed off, its targets
reviewed at this term's meeting) and this term's (planned, or already held).

Synthetic (fixed random seed), written through the same services as the pages so the audit
trail reads as if the designated teacher had typed it. The lead calls :func:`build_peps` from
the demo generator after plans exist (PEPs link to a child's current plan); it does nothing if
the school already has PEPs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from attune.accounts.models import Membership
from attune.accounts.roles import Role
from attune.people.models import Cohort, CohortMembership, JobRole, Pupil, School, Staff
from attune.pep.domain.cycle import PepTerm, term_for
from attune.pep.models import Outcome, Pep, PepTarget
from attune.pep.selectors import plan_goals
from attune.pep.services import (
    Goal,
    Meeting,
    pep_create,
    pep_hold,
    pep_sign_off,
    pep_target_add,
    pep_target_review,
)
from attune.plans.models import OwnerKind
from attune.plans.services import Owner
from attune.relationships.models import TeamRole, WiderTeamMember
from attune.tenancy import school_scope

CHILD_VIEWS = [
    "I like it here now. I want to get better at writing stories.",
    "Science is my best. I don't like it when the supply teacher doesn't know me.",
    "I want to go to football club but I need boots.",
    "Reading is hard but I like the books with pictures. Mrs Shah helps me.",
]
CARER_VIEWS = [
    "Much happier coming in since the morning routine changed.",
    "Homework is a battle at home; a club in school would help.",
    "Worried about the move to secondary; would like a visit planned early.",
]
TARGETS = [
    ("Read with an adult three times a week", Decimal("0"), OwnerKind.STAFF),
    ("Small-group maths tuition on Tuesdays", Decimal("450.00"), OwnerKind.STAFF),
    ("Join a lunchtime club and go most weeks", Decimal("60.00"), OwnerKind.CHILD),
    ("Visit the secondary school with the carer", Decimal("0"), OwnerKind.PARENT),
    ("Music lessons: learn three songs on the keyboard", Decimal("320.00"), OwnerKind.STAFF),
]
NOTES = {
    Outcome.MET: "Done, and enjoyed it.",
    Outcome.PARTLY: "Most weeks; harder after contact visits.",
    Outcome.NOT_MET: "Tutor left mid-term; a new one starts after half-term.",
    Outcome.CARRIED_FORWARD: "Good start; needs another term to settle.",
}


def _looked_after(today: date) -> list[Pupil]:
    ids = CohortMembership.objects.filter(
        cohort=Cohort.LOOKED_AFTER, start_date__lte=today, end_date__isnull=True
    ).values("pupil_id")
    return list(Pupil.objects.filter(pk__in=ids).order_by("legal_surname", "pk"))


def _designated_teacher(lead: Membership) -> Staff | None:
    if lead.staff is not None:
        return lead.staff
    teachers = Staff.objects.filter(is_active=True)
    return teachers.filter(job_role=JobRole.TEACHER).first() or teachers.first()


def build_peps(school: School, rng: random.Random, today: date) -> int:
    """Write the demo PEPs; returns how many were written."""
    with school_scope(school):
        if Pep.objects.exists():
            return 0
        lead = (
            Membership.objects.select_related("user", "staff")
            .filter(school=school, role=Role.ATTACHMENT_LEAD, is_active=True)
            .first()
        )
        teacher = _designated_teacher(lead) if lead else None
        adults = list(Staff.objects.filter(is_active=True)[:10])
        if lead is None or teacher is None or not adults:
            return 0
        written = 0
        for child in _looked_after(today):
            written += _child(child, lead, teacher, adults, rng, today)
        return written


def _meeting_day(term: PepTerm, rng: random.Random, today: date) -> date:
    latest = min(term.due_by, today)
    return max(term.starts_on, latest - timedelta(days=rng.randrange(0, 40)))


class _Child:
    """One child's two PEPs, written by the lead as the designated teacher's record."""

    def __init__(
        self,
        child: Pupil,
        lead: Membership,
        teacher: Staff,
        adults: list[Staff],
        rng: random.Random,
    ) -> None:
        self.child, self.actor, self.teacher, self.adults, self.rng = (
            child,
            lead.user,
            teacher,
            adults,
            rng,
        )
        self.social = WiderTeamMember.objects.filter(
            pupil=child, role=TeamRole.SOCIAL_WORKER, ended_on__isnull=True
        ).first()
        self.social_name = "" if self.social else rng.choice(["Dee Marsh", "Kit Lowe", "Ana Ruiz"])

    def plan(self, term: PepTerm, meeting_on: date, today: date) -> Pep:
        return pep_create(
            actor=self.actor,
            pupil=self.child,
            term=term,
            meeting_on=meeting_on,
            designated_teacher=self.teacher,
            social_worker=self.social,
            social_worker_name=self.social_name,
            today=today,
        )

    def hold(self, pep: Pep, today: date) -> None:
        social = self.social.name if self.social else self.social_name
        pep_hold(
            actor=self.actor,
            pep=pep,
            meeting=Meeting(
                held_on=pep.meeting_on,
                attendees=f"{self.teacher.full_name}, designated teacher\n"
                f"{social}, social worker\nFoster carer\n{self.child.known_as}",
                child_views=self.rng.choice(CHILD_VIEWS),
                carer_views=self.rng.choice(CARER_VIEWS),
                attendance_summary=f"{self.rng.randint(88, 99)}% this term so far.",
                progress_summary="Working towards the expected standard in reading; "
                "more confident in maths.",
            ),
            designated_teacher=self.teacher,
            social_worker=self.social,
            social_worker_name=self.social_name,
            today=today,
        )

    def target(self, pep: Pep) -> PepTarget:
        what, funding, kind = self.rng.choice(TARGETS)
        if kind == OwnerKind.STAFF:
            owner = Owner(kind=kind, staff=self.rng.choice(self.adults))
        elif kind == OwnerKind.PARENT:
            owner = Owner(kind=kind, name="Foster carer")
        else:
            owner = Owner(kind=kind)
        goal = plan_goals(pep.plan).first()
        return pep_target_add(
            actor=self.actor,
            pep=pep,
            goal=Goal(
                description=what,
                owner=owner,
                due_on=pep.pep_term.due_by,
                funding=funding or None,
                plan_target=goal if self.rng.random() < 0.5 else None,
            ),
        )


def _child(
    child: Pupil,
    lead: Membership,
    teacher: Staff,
    adults: list[Staff],
    rng: random.Random,
    today: date,
) -> int:
    now = term_for(today)
    build = _Child(child, lead, teacher, adults, rng)
    last = build.plan(now.previous, _meeting_day(now.previous, rng, today), today)
    build.hold(last, today)
    targets = [build.target(last) for _ in range(rng.randint(2, 3))]
    pep_sign_off(actor=build.actor, pep=last, today=min(today, last.meeting_on + timedelta(days=3)))
    held = rng.random() < 0.5
    current = build.plan(
        now,
        _meeting_day(now, rng, today) if held else max(today, now.due_by - timedelta(days=10)),
        today,
    )
    for target in targets:
        outcome = rng.choice(list(Outcome))
        pep_target_review(
            actor=build.actor, target=target, outcome=outcome, note=NOTES[outcome], today=today
        )
    if current.meeting_on <= today:
        build.hold(current, today)
        build.target(current)
    return 2
