"""Builders for the PEP tests: a looked-after child's PEP in any state, made through services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.people.models import Pupil, Staff
from attune.pep.domain.cycle import PepTerm, term_for
from attune.pep.models import Pep, PepTarget
from attune.pep.services import (
    Goal,
    Meeting,
    pep_create,
    pep_hold,
    pep_sign_off,
    pep_target_add,
)
from attune.plans.models import OwnerKind
from attune.plans.services import Owner
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, user


def today() -> date:
    return timezone.localdate()


def this_term() -> PepTerm:
    return term_for(today())


url = SchoolUrls("pep")


def in_term(term: PepTerm) -> date:
    """Today if it falls in ``term``, else the nearest day of it (a meeting already held, when
    the term has begun)."""
    return max(term.starts_on, min(term.due_by, today()))


def make_pep(
    world: SchoolWorld,
    *,
    term: PepTerm | None = None,
    pupil: Pupil | None = None,
    teacher: Staff | None = None,
    held: bool = False,
    targets: int = 0,
    signed_off: bool = False,
) -> Pep:
    term = term or this_term()
    child = pupil or world.looked_after_child
    with school_scope(world.school):
        pep = pep_create(
            actor=world.lead,
            pupil=child,
            term=term,
            meeting_on=in_term(term),
            designated_teacher=teacher or world.other_adult,
            social_worker_name="Sam Adeyemi",
            today=today(),
        )
        for n in range(targets):
            add_target(world, pep, f"Target {n + 1}")
        if held or signed_off:
            pep_hold(
                actor=world.lead,
                pep=pep,
                meeting=Meeting(
                    held_on=in_term(term),
                    attendees="Tom Okafor, designated teacher\nSam Adeyemi, social worker",
                    child_views="I want to be in the football team.",
                ),
                designated_teacher=pep.designated_teacher,
                social_worker_name="Sam Adeyemi",
                today=today(),
            )
        if signed_off:
            pep_sign_off(actor=world.lead, pep=pep, today=today())
    return pep


def add_target(world: SchoolWorld, pep: Pep, what: str = "Read every night") -> PepTarget:
    with school_scope(world.school):
        return pep_target_add(
            actor=world.lead,
            pep=pep,
            goal=Goal(
                description=what,
                owner=Owner(kind=OwnerKind.STAFF, staff=world.key_adult),
                due_on=pep.pep_term.due_by + timedelta(days=30),
                funding=Decimal("120.00"),
            ),
        )


def designated_teacher_user(world: SchoolWorld) -> User:
    """A classroom teacher who signs in as ``world.other_adult``, named on the child's PEPs."""
    return user(world.school, Role.TEACHER, person=world.other_adult)
