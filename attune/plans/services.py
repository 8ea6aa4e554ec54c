"""Writes for plans: creating a plan, adding next steps and targets, and reviewing it.

Each runs in one transaction with its audit event. Reviews lock the plan row so two people
reviewing at once cannot both create "version 3".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from attune.accounts.models import User
from attune.auditlog.services import audit_log
from attune.errors import AttuneError
from attune.people.models import Pupil, Staff
from attune.plans.domain.rules import Problem, criteria_problem, owner_problem
from attune.plans.models import (
    ContactLogEntry,
    ContactMethod,
    ContactWith,
    Meeting,
    MeetingAction,
    MeetingKind,
    NextStep,
    OwnerKind,
    Plan,
    PlanKind,
    PlanReview,
    PlanVersion,
    Target,
    TargetProgress,
)
from attune.plans.selectors import current_version
from attune.relationships.models import TeamRole, WiderTeamMember


class PlanError(AttuneError):
    pass


def _raise(problem: Problem | None) -> None:
    if problem is not None:
        raise PlanError(problem.message, problem.code, problem.field)


@dataclass(frozen=True, slots=True)
class Owner:
    kind: str
    staff: Staff | None = None
    name: str = ""

    def fields(self) -> dict[str, object]:
        staff = self.staff if self.kind == OwnerKind.STAFF else None
        name = "" if self.kind == OwnerKind.STAFF else self.name.strip()
        return {"owner_kind": self.kind, "owner_staff": staff, "owner_name": name}


def _check_owner(plan: Plan, owner: Owner) -> None:
    _raise(owner_problem(owner.kind, owner.staff is not None, owner.name))
    if owner.kind == OwnerKind.STAFF and owner.staff and owner.staff.school_id != plan.school_id:
        raise PlanError("Choose an adult from this school.", "plans.owner_required", "owner_staff")


def plan_create(
    *,
    actor: User,
    pupil: Pupil,
    kind: str,
    owner: Staff,
    started_on: date,
    review_due_on: date,
    child_goals: str,
    strengths: str,
    what_helps: str,
    today: date,
    request: HttpRequest | None = None,
) -> Plan:
    if kind not in PlanKind.values:
        raise PlanError("Choose the kind of plan.", "plans.unknown_kind", "kind")
    if owner.school_id != pupil.school_id or not owner.is_active:
        raise PlanError("Choose an adult working at this school.", "plans.bad_owner", "owner")
    if not child_goals.strip():
        raise PlanError(
            f"Write {pupil.known_as}'s goals in their own words.",
            "plans.goals_required",
            "child_goals",
        )
    if review_due_on <= started_on:
        raise PlanError(
            "The first review must come after the plan starts.",
            "plans.review_before_start",
            "review_due_on",
        )
    with transaction.atomic():
        plan = Plan.objects.create(
            school=pupil.school,
            pupil=pupil,
            kind=kind,
            owner=owner,
            started_on=started_on,
            created_by=actor,
        )
        PlanVersion.objects.create(
            school=pupil.school,
            plan=plan,
            number=1,
            child_goals=child_goals.strip(),
            strengths=strengths.strip(),
            what_helps=what_helps.strip(),
            review_due_on=review_due_on,
            created_on=today,
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="plans.plan.created",
            obj=plan,
            school=pupil.school,
            pupil=pupil,
            changes={
                "kind": kind,
                "owner": owner.full_name,
                "started_on": started_on.isoformat(),
                "review_due_on": review_due_on.isoformat(),
            },
            request=request,
        )
    return plan


def next_step_add(
    *,
    actor: User,
    plan: Plan,
    description: str,
    owner: Owner,
    success_criteria: str,
    due_on: date | None,
    request: HttpRequest | None = None,
) -> NextStep:
    if not description.strip():
        raise PlanError("Describe the next step.", "plans.description_required", "description")
    _check_owner(plan, owner)
    _raise(criteria_problem(success_criteria))
    if due_on is not None and due_on < plan.started_on:
        raise PlanError(
            "A next step cannot be due before the plan started.",
            "plans.due_before_start",
            "due_on",
        )
    with transaction.atomic():
        step = NextStep.objects.create(
            school=plan.school,
            version=current_version(plan),
            description=description.strip(),
            success_criteria=success_criteria.strip(),
            due_on=due_on,
            **owner.fields(),
        )
        audit_log(
            actor=actor,
            action="plans.next_step.added",
            obj=step,
            school=plan.school,
            pupil=plan.pupil,
            changes={"plan": plan.pk, "description": step.description, "owner": step.owner_label},
            request=request,
        )
    return step


def target_add(
    *,
    actor: User,
    plan: Plan,
    description: str,
    owner: Owner,
    success_criteria: str,
    baseline: Decimal,
    target_value: Decimal,
    unit: str,
    by_date: date,
    request: HttpRequest | None = None,
) -> Target:
    if not description.strip():
        raise PlanError("Describe the target.", "plans.description_required", "description")
    _check_owner(plan, owner)
    _raise(criteria_problem(success_criteria))
    if by_date <= plan.started_on:
        raise PlanError(
            "The target date must come after the plan started.",
            "plans.target_before_start",
            "by_date",
        )
    if target_value == baseline:
        raise PlanError(
            "The target is the same as where things are now; set a change to aim for.",
            "plans.target_same_as_baseline",
            "target_value",
        )
    with transaction.atomic():
        target = Target.objects.create(
            school=plan.school,
            version=current_version(plan),
            description=description.strip(),
            success_criteria=success_criteria.strip(),
            baseline=baseline,
            target_value=target_value,
            unit=unit.strip(),
            by_date=by_date,
            **owner.fields(),
        )
        audit_log(
            actor=actor,
            action="plans.target.added",
            obj=target,
            school=plan.school,
            pupil=plan.pupil,
            changes={
                "plan": plan.pk,
                "description": target.description,
                "from": str(baseline),
                "to": str(target_value),
                "by": by_date.isoformat(),
            },
            request=request,
        )
    return target


@dataclass(frozen=True, slots=True)
class Progress:
    value: Decimal | None
    note: str = ""


def plan_review(
    *,
    actor: User,
    plan: Plan,
    held_on: date,
    progress: dict[int, Progress],
    what_changed: str,
    child_view: str,
    child_goals: str,
    strengths: str,
    what_helps: str,
    next_review_due_on: date,
    today: date,
    request: HttpRequest | None = None,
) -> PlanReview:
    """Record progress on each target and make the next version of the plan."""
    if held_on < plan.started_on:
        raise PlanError(
            f"A review cannot be dated before the plan started ({plan.started_on:%-d %B %Y}).",
            "plans.review_before_start",
            "held_on",
        )
    if held_on > today:
        raise PlanError(
            "Record a review once it has happened.", "plans.review_in_future", "held_on"
        )
    if next_review_due_on <= held_on:
        raise PlanError(
            "The next review must come after this one.",
            "plans.next_review_too_soon",
            "next_review_due_on",
        )
    if not what_changed.strip():
        raise PlanError(
            "Say what has changed, even if it is 'nothing yet'.",
            "plans.what_changed_required",
            "what_changed",
        )
    if not child_goals.strip():
        raise PlanError(
            "Keep the child's goals in their own words.", "plans.goals_required", "child_goals"
        )
    with transaction.atomic():
        Plan.objects.select_for_update().values_list("pk", flat=True).get(pk=plan.pk)
        reviewed = current_version(plan)
        last_review = plan.reviews.aggregate(last=Max("held_on"))["last"]
        if last_review is not None and held_on < last_review:
            raise PlanError(
                f"The last review was on {last_review:%-d %B %Y}; this one cannot come before it.",
                "plans.review_before_last",
                "held_on",
            )
        steps = list(reviewed.next_steps.all())
        targets = list(reviewed.targets.all())
        new = PlanVersion.objects.create(
            school=plan.school,
            plan=plan,
            number=reviewed.number + 1,
            child_goals=child_goals.strip(),
            strengths=strengths.strip(),
            what_helps=what_helps.strip(),
            review_due_on=next_review_due_on,
            what_changed=what_changed.strip(),
            created_on=held_on,
            created_by=actor,
        )
        review = PlanReview.objects.create(
            school=plan.school,
            plan=plan,
            held_on=held_on,
            reviewed_version=reviewed,
            new_version=new,
            child_view=child_view.strip(),
            created_by=actor,
        )
        TargetProgress.objects.bulk_create(
            TargetProgress(
                school=plan.school,
                review=review,
                target=t,
                value=progress[t.pk].value,
                note=progress[t.pk].note.strip(),
            )
            for t in targets
            if t.pk in progress
        )
        for step in steps:
            step.pk, step.version = None, new
        for target in targets:
            target.pk, target.version = None, new
        NextStep.objects.bulk_create(steps)
        Target.objects.bulk_create(targets)
        audit_log(
            actor=actor,
            action="plans.plan.reviewed",
            obj=review,
            school=plan.school,
            pupil=plan.pupil,
            changes={
                "plan": plan.pk,
                "version": [reviewed.number, new.number],
                "held_on": held_on.isoformat(),
                "progress": {
                    str(k): str(v.value) if v.value is not None else None
                    for k, v in progress.items()
                },
            },
            request=request,
        )
    return review


def meeting_record(
    *,
    actor: User,
    pupil: Pupil,
    kind: str,
    held_on: date,
    attendees: str,
    child_voice: str,
    decisions: str,
    today: date,
    request: HttpRequest | None = None,
) -> Meeting:
    if kind not in MeetingKind.values:
        raise PlanError("Choose the kind of meeting.", "meetings.unknown_kind", "kind")
    if held_on > today:
        raise PlanError("Record a meeting once it has happened.", "meetings.in_future", "held_on")
    if not attendees.strip():
        raise PlanError("List who came.", "meetings.attendees_required", "attendees")
    if not child_voice.strip():
        raise PlanError(
            f"Write {pupil.known_as}'s views, or how they were gathered if {pupil.known_as} "
            "was not there.",
            "meetings.child_voice_required",
            "child_voice",
        )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            school=pupil.school,
            pupil=pupil,
            kind=kind,
            held_on=held_on,
            attendees=attendees.strip(),
            child_voice=child_voice.strip(),
            decisions=decisions.strip(),
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="plans.meeting.recorded",
            obj=meeting,
            school=pupil.school,
            pupil=pupil,
            changes={"kind": kind, "held_on": held_on.isoformat()},
            request=request,
        )
    return meeting


def meeting_action_add(
    *,
    actor: User,
    meeting: Meeting,
    description: str,
    owner: Owner,
    due_on: date,
    request: HttpRequest | None = None,
) -> MeetingAction:
    if not description.strip():
        raise PlanError("Describe the action.", "plans.description_required", "description")
    _raise(owner_problem(owner.kind, owner.staff is not None, owner.name))
    if owner.staff is not None and owner.staff.school_id != meeting.school_id:
        raise PlanError("Choose an adult from this school.", "plans.owner_required", "owner_staff")
    if due_on < meeting.held_on:
        raise PlanError(
            "An action cannot be due before the meeting.", "meetings.due_before_meeting", "due_on"
        )
    with transaction.atomic():
        action = MeetingAction.objects.create(
            school=meeting.school,
            meeting=meeting,
            description=description.strip(),
            due_on=due_on,
            **owner.fields(),
        )
        audit_log(
            actor=actor,
            action="plans.meeting_action.added",
            obj=action,
            school=meeting.school,
            pupil=meeting.pupil,
            changes={
                "meeting": meeting.pk,
                "description": action.description,
                "owner": action.owner_label,
                "due_on": due_on.isoformat(),
            },
            request=request,
        )
    return action


def meeting_action_done(
    *,
    actor: User,
    action: MeetingAction,
    today: date,
    request: HttpRequest | None = None,
) -> None:
    if action.done_on is not None:
        raise PlanError("This action is already done.", "meetings.action_already_done")
    with transaction.atomic():
        action.done_on = today
        action.save(update_fields=["done_on"])
        audit_log(
            actor=actor,
            action="plans.meeting_action.done",
            obj=action,
            school=action.school,
            pupil=action.meeting.pupil,
            changes={"done_on": today.isoformat()},
            request=request,
        )


def contact_log(
    *,
    actor: User,
    pupil: Pupil,
    contacted_on: date,
    with_kind: str,
    with_name: str,
    method: str,
    summary: str,
    agreed: str,
    about_absence: bool,
    today: date,
    request: HttpRequest | None = None,
) -> ContactLogEntry:
    """Log a contact. A note about absence to a social worker needs their consent on record."""
    if with_kind not in ContactWith.values or method not in ContactMethod.values:
        raise PlanError("Choose who and how from the lists.", "contacts.unknown_choice", "method")
    if contacted_on > today:
        raise PlanError("The date cannot be in the future.", "contacts.in_future", "contacted_on")
    if not with_name.strip():
        raise PlanError("Give their name.", "contacts.name_required", "with_name")
    if not summary.strip():
        raise PlanError("Say briefly what was said.", "contacts.summary_required", "summary")
    if with_kind == ContactWith.SOCIAL_WORKER and about_absence:
        agreed_to_share = WiderTeamMember.objects.filter(
            pupil=pupil, role=TeamRole.SOCIAL_WORKER, ended_on__isnull=True, consent_to_share=True
        )
        if not agreed_to_share.exists():
            raise PlanError(
                f"No current social worker in {pupil.known_as}'s team has agreed to share "
                "information. Check consent and your safeguarding protocol (and add them to "
                "the team) before logging notes about absence to them.",
                "contacts.no_consent",
                "about_absence",
            )
    with transaction.atomic():
        entry = ContactLogEntry.objects.create(
            school=pupil.school,
            pupil=pupil,
            contacted_on=contacted_on,
            with_kind=with_kind,
            with_name=with_name.strip(),
            method=method,
            summary=summary.strip(),
            agreed=agreed.strip(),
            about_absence=about_absence,
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="plans.contact.logged",
            obj=entry,
            school=pupil.school,
            pupil=pupil,
            changes={
                "contacted_on": contacted_on.isoformat(),
                "with": with_kind,
                "method": method,
                "about_absence": about_absence,
            },
            request=request,
        )
    return entry


def handover_made(
    *,
    actor: User,
    pupil: Pupil,
    recipient: str,
    as_pdf: bool,
    request: HttpRequest | None = None,
) -> None:
    """A handover pack copies a child's record out of Attune: the log says who, for whom."""
    audit_log(
        actor=actor,
        action="plans.handover.made",
        obj=pupil,
        school=pupil.school,
        pupil=pupil,
        changes={"recipient": recipient, "format": "pdf" if as_pdf else "print"},
        request=request,
    )
