"""Writes for PEPs: plan a term's meeting, record it, sign it off, set and review targets.

Each runs in one transaction with its audit event. Carrying a target forward copies it into
next term's PEP if that exists; otherwise planning next term's PEP picks it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import Entry, record, record_many
from attune.auditlog.saving import save_recorded
from attune.errors import AttuneError
from attune.people.models import Cohort, CohortMembership, Pupil, Staff
from attune.pep.domain.cycle import PepTerm
from attune.pep.domain.targets import Problem, funding_problem, meeting_problem, review_problem
from attune.pep.models import Outcome, Pep, PepStatus, PepTarget
from attune.pep.selectors import current_plan, pep_in, plan_goals
from attune.plans.domain.rules import owner_problem
from attune.plans.models import Target
from attune.plans.services import Owner
from attune.relationships.models import TeamRole, WiderTeamMember


class PepError(AttuneError):
    pass


def _raise(problem: Problem | None) -> None:
    if problem is not None:
        raise PepError(problem.message, problem.code, problem.field)


def _text(value: str) -> str:
    return value.strip()


def _check_people(
    pupil: Pupil, designated_teacher: Staff | None, social_worker: WiderTeamMember | None
) -> None:
    if designated_teacher is None or designated_teacher.school_id != pupil.school_id:
        raise PepError(
            "Choose the designated teacher.",
            "pep.designated_teacher_required",
            "designated_teacher",
        )
    if social_worker is not None and (
        social_worker.pupil_id != pupil.pk or social_worker.role != TeamRole.SOCIAL_WORKER
    ):
        raise PepError(
            f"Choose one of {pupil.known_as}'s social workers, or type a name.",
            "pep.social_worker_not_in_team",
            "social_worker",
        )


def pep_create(
    *,
    actor: User,
    pupil: Pupil,
    term: PepTerm,
    meeting_on: date,
    designated_teacher: Staff | None,
    social_worker: WiderTeamMember | None = None,
    social_worker_name: str = "",
    today: date,
) -> Pep:
    """Plan a term's PEP meeting, linked to the child's current plan, taking on any targets
    carried forward from last term."""
    looked_after = CohortMembership.objects.filter(
        pupil=pupil, cohort=Cohort.LOOKED_AFTER, start_date__lte=max(today, meeting_on)
    ).exclude(end_date__lt=min(today, meeting_on))
    if not looked_after.exists():
        raise PepError(
            f"{pupil.known_as} is not recorded as looked after, so has no PEP.",
            "pep.not_looked_after",
            None,
        )
    _raise(meeting_problem(term, meeting_on))
    _check_people(pupil, designated_teacher, social_worker)
    if pep_in(pupil, term) is not None:
        raise PepError(
            f"{pupil.known_as} already has a PEP for {term.label}.", "pep.term_taken", "term"
        )
    pep = Pep(
        school=pupil.school,
        pupil=pupil,
        school_year=term.year,
        term=term.season.value,
        meeting_on=meeting_on,
        designated_teacher=designated_teacher,
        social_worker=social_worker,
        social_worker_name="" if social_worker else _text(social_worker_name),
        plan=current_plan(pupil),
        created_by=actor,
    )
    with transaction.atomic():
        pep.save(force_insert=True)
        carried = _take_carried(pep, term.previous)
        record(
            Action.PEP_PLANNED,
            pep,
            actor=actor,
            changes={
                "term": term.label,
                "meeting_on": meeting_on.isoformat(),
                "designated_teacher": designated_teacher.full_name,  # type: ignore[union-attr]
                "plan": str(pep.plan.public_id) if pep.plan else None,
                "targets_carried_in": len(carried),
            },
        )
    return pep


def _carry(target: PepTarget, into: Pep) -> PepTarget:
    """A copy of ``target`` in ``into``, due by the end of that term at the latest."""
    due_on = min(max(target.due_on, into.pep_term.starts_on), into.pep_term.due_by)
    return PepTarget.objects.create(
        school_id=into.school_id,
        pep=into,
        description=target.description,
        owner_kind=target.owner_kind,
        owner_staff=target.owner_staff,
        owner_name=target.owner_name,
        due_on=due_on,
        funding=target.funding,
        plan_target=target.plan_target,
        carried_from=target,
    )


def _take_carried(pep: Pep, previous: PepTerm) -> list[PepTarget]:
    waiting = PepTarget.objects.filter(
        pep__pupil=pep.pupil,
        pep__school_year=previous.year,
        pep__term=previous.season.value,
        outcome=Outcome.CARRIED_FORWARD,
        carried_to__isnull=True,
    )
    return [_carry(target, pep) for target in waiting]


def _unlocked(pep: Pep) -> None:
    if pep.is_signed_off:
        raise PepError(
            "This PEP has been signed off, so it can no longer be changed.",
            "pep.signed_off",
            None,
        )


@dataclass(frozen=True, slots=True)
class Meeting:
    """What was said and agreed at the PEP meeting."""

    held_on: date
    attendees: str
    child_views: str
    carer_views: str = ""
    attendance_summary: str = ""
    progress_summary: str = ""


def pep_hold(
    *,
    actor: User,
    pep: Pep,
    meeting: Meeting,
    designated_teacher: Staff | None,
    social_worker: WiderTeamMember | None = None,
    social_worker_name: str = "",
    today: date,
) -> Pep:
    """Record the meeting (or correct the record before it is signed off)."""
    pupil = pep.pupil
    _unlocked(pep)
    if meeting.held_on > today:
        raise PepError("Record the meeting once it has happened.", "pep.held_in_future", "held_on")
    problem = meeting_problem(pep.pep_term, meeting.held_on)
    if problem is not None:
        raise PepError(problem.message, problem.code, "held_on")
    _check_people(pupil, designated_teacher, social_worker)
    if not meeting.attendees.strip():
        raise PepError("List who came to the meeting.", "pep.attendees_required", "attendees")
    if not meeting.child_views.strip():
        raise PepError(
            f"Write {pupil.known_as}'s views in their own words, or how they were gathered if "
            f"{pupil.known_as} did not come.",
            "pep.child_views_required",
            "child_views",
        )
    values: dict[str, Any] = {
        "status": PepStatus.HELD,
        "meeting_on": meeting.held_on,
        "designated_teacher": designated_teacher,
        "social_worker": social_worker,
        "social_worker_name": "" if social_worker else _text(social_worker_name),
        "attendees": _text(meeting.attendees),
        "child_views": _text(meeting.child_views),
        "carer_views": _text(meeting.carer_views),
        "attendance_summary": _text(meeting.attendance_summary),
        "progress_summary": _text(meeting.progress_summary),
    }
    changed = [name for name, value in values.items() if getattr(pep, name) != value]
    with transaction.atomic():
        for name in changed:
            setattr(pep, name, values[name])
        pep.save(update_fields=changed)
        # Only which fields changed: the words themselves are the child's record, not the log's.
        record(Action.PEP_HELD, pep, actor=actor, changes={"fields": changed})
    return pep


def pep_sign_off(*, actor: User, pep: Pep, today: date) -> Pep:
    _unlocked(pep)
    if pep.status != PepStatus.HELD:
        raise PepError("Record the meeting before signing the PEP off.", "pep.not_held", None)
    if not PepTarget.objects.filter(pep=pep).exists():
        raise PepError(
            "Agree at least one target before signing the PEP off.", "pep.no_targets", None
        )
    pep.status = PepStatus.SIGNED_OFF
    pep.signed_off_on = today
    pep.signed_off_by = actor
    return save_recorded(
        Action.PEP_SIGNED_OFF,
        pep,
        actor=actor,
        changes={"signed_off_on": today.isoformat()},
        fields=["status", "signed_off_on", "signed_off_by"],
    )


@dataclass(frozen=True, slots=True)
class Goal:
    """A PEP target as asked for."""

    description: str
    owner: Owner
    due_on: date | None
    funding: Decimal | None = None
    plan_target: Target | None = None


def pep_target_add(*, actor: User, pep: Pep, goal: Goal) -> PepTarget:
    _unlocked(pep)
    if not goal.description.strip():
        raise PepError("Say what the target is.", "pep.description_required", "description")
    plans_problem = owner_problem(goal.owner.kind, goal.owner.staff is not None, goal.owner.name)
    if plans_problem is not None:
        raise PepError(plans_problem.message, "pep.owner_required", plans_problem.field)
    if goal.owner.staff is not None and goal.owner.staff.school_id != pep.school_id:
        raise PepError("Choose an adult from this school.", "pep.owner_required", "owner_staff")
    if goal.due_on is None:
        raise PepError("Say when the target should be reached by.", "pep.due_on_required", "due_on")
    if goal.due_on < pep.meeting_on:
        raise PepError(
            "The target should be due after the meeting that sets it.",
            "pep.due_before_meeting",
            "due_on",
        )
    _raise(funding_problem(goal.funding))
    if (
        goal.plan_target is not None
        and not plan_goals(pep.plan).filter(pk=goal.plan_target.pk).exists()
    ):
        raise PepError(
            "Choose a goal from the plan this PEP is linked to.",
            "pep.goal_not_in_plan",
            "plan_target",
        )
    target = PepTarget(
        school_id=pep.school_id,
        pep=pep,
        description=goal.description.strip(),
        due_on=goal.due_on,
        funding=goal.funding,
        plan_target=goal.plan_target,
        **goal.owner.fields(),
    )
    with transaction.atomic():
        target.save(force_insert=True)
        record(
            Action.PEP_TARGET_ADDED,
            target,
            actor=actor,
            pupil=pep.pupil_id,
            changes={
                "pep": str(pep.public_id),
                "due_on": goal.due_on.isoformat(),
                "funding": str(goal.funding) if goal.funding is not None else None,
            },
        )
    return target


def pep_target_review(
    *,
    actor: User,
    target: PepTarget,
    outcome: str,
    note: str,
    today: date,
) -> PepTarget:
    """Say how a target went. Carried forward, it moves into next term's PEP (now, or when that
    PEP is planned)."""
    pep = target.pep
    if pep.status == PepStatus.PLANNED:
        raise PepError(
            "Review targets once the meeting that set them has been held.",
            "pep.not_held",
            "outcome",
        )
    _raise(review_problem(outcome, note))
    already = PepTarget.objects.filter(carried_from=target).exists()
    if already and outcome != Outcome.CARRIED_FORWARD:
        raise PepError(
            "This target is already in next term's PEP: review it there instead.",
            "pep.already_carried",
            "outcome",
        )
    old = [target.outcome, target.outcome_note]
    with transaction.atomic():
        target.outcome = outcome
        target.outcome_note = note.strip()
        target.reviewed_on = today
        target.save(update_fields=["outcome", "outcome_note", "reviewed_on"])
        copies: list[Entry] = []
        next_pep = pep_in(pep.pupil, pep.pep_term.next)
        if outcome == Outcome.CARRIED_FORWARD and not already and next_pep is not None:
            if next_pep.is_signed_off:
                raise PepError(
                    "Next term's PEP is signed off, so nothing more can be carried into it.",
                    "pep.signed_off",
                    "outcome",
                )
            copy = _carry(target, next_pep)
            copies.append(
                Entry(
                    Action.PEP_TARGET_CARRIED,
                    copy,
                    pep.pupil_id,
                    {"carried_from": str(target.public_id)},
                )
            )
        record_many(
            actor=actor,
            school_id=pep.school_id,
            entries=[
                Entry(
                    Action.PEP_TARGET_REVIEWED,
                    target,
                    pep.pupil_id,
                    {
                        "outcome": [old[0], outcome],
                        "outcome_note": [old[1], target.outcome_note],
                    },
                ),
                *copies,
            ],
        )
    return target
