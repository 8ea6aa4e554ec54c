"""Writes for plans: creating a plan, adding next steps and targets, and reviewing it.

Each runs in one transaction with its audit event. Reviews lock the plan row so two people
reviewing at once cannot both create "version 3".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from attune.access.levels import Sensitivity
from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import save_recorded, update_recorded
from attune.errors import AttuneError
from attune.people.models import Pupil, School, Staff
from attune.plans.domain.rules import Problem, criteria_problem, owner_problem, you_said_problem
from attune.plans.models import (
    FINISHED,
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
    RaisedBy,
    Target,
    TargetProgress,
    YouSaid,
    YouSaidKind,
    YouSaidStatus,
)
from attune.plans.selectors import current_version
from attune.relationships.models import TeamRole, WiderTeamMember


class PlanError(AttuneError):
    pass


def _raise(problem: Problem | None) -> None:
    if problem is not None:
        raise PlanError(problem.message, problem.code, problem.field)


def _as_logged(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Staff):
        return value.full_name
    if isinstance(value, User):
        return value.email
    return value


def _required(text: str, message: str, code: str, field: str) -> str:
    if not text.strip():
        raise PlanError(message, code, field)
    return text.strip()


@dataclass(frozen=True, slots=True)
class Owner:
    kind: str
    staff: Staff | None = None
    name: str = ""

    def fields(self) -> dict[str, object]:
        staff = self.staff if self.kind == OwnerKind.STAFF else None
        name = "" if self.kind == OwnerKind.STAFF else self.name.strip()
        return {"owner_kind": self.kind, "owner_staff": staff, "owner_name": name}

    def logged(self) -> dict[str, object]:
        """The owner as the audit record keeps it, by field name (a name typed in is a
        digest there: it may be a parent's or another professional's)."""
        return {k: _as_logged(v) for k, v in self.fields().items()}


def _check_owner(school_id: int, owner: Owner) -> None:
    _raise(owner_problem(owner.kind, owner.staff is not None, owner.name))
    if owner.kind == OwnerKind.STAFF and owner.staff and owner.staff.school_id != school_id:
        raise PlanError("Choose an adult from this school.", "plans.owner_required", "owner_staff")


def _check_commitment(plan: Plan, what: str, description: str, owner: Owner, criteria: str) -> None:
    """A next step or a target: said what it is, who is responsible, how we will know."""
    _required(description, f"Describe the {what}.", "plans.description_required", "description")
    _check_owner(plan.school_id, owner)
    _raise(criteria_problem(criteria))


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
        record(
            Action.PLAN_CREATED,
            plan,
            actor=actor,
            changes={
                "kind": kind,
                "owner": owner.full_name,
                "started_on": started_on.isoformat(),
                "review_due_on": review_due_on.isoformat(),
            },
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
) -> NextStep:
    _check_commitment(plan, "next step", description, owner, success_criteria)
    if due_on is not None and due_on < plan.started_on:
        raise PlanError(
            "A next step cannot be due before the plan started.",
            "plans.due_before_start",
            "due_on",
        )
    step = NextStep(
        school=plan.school,
        version=current_version(plan),
        description=description.strip(),
        success_criteria=success_criteria.strip(),
        due_on=due_on,
        **owner.fields(),
    )
    return save_recorded(
        Action.PLAN_STEP_ADDED,
        step,
        actor=actor,
        pupil=plan.pupil,
        changes={
            "plan": str(plan.public_id),
            "description": step.description,
            "success_criteria": step.success_criteria,
            **owner.logged(),
        },
    )


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
) -> Target:
    _check_commitment(plan, "target", description, owner, success_criteria)
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
    target = Target(
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
    return save_recorded(
        Action.PLAN_TARGET_ADDED,
        target,
        actor=actor,
        pupil=plan.pupil,
        changes={
            "plan": str(plan.public_id),
            "description": target.description,
            "success_criteria": target.success_criteria,
            **owner.logged(),
            "baseline": str(baseline),
            "target_value": str(target_value),
            "by_date": by_date.isoformat(),
        },
    )


def plan_close(
    *,
    actor: User,
    plan: Plan,
    ended_on: date,
    reason: str,
    today: date,
) -> Plan:
    """Close a plan: it is kept, with its versions and reviews, and shown as closed."""
    if plan.ended_on is not None:
        raise PlanError("This plan is already closed.", "plans.already_closed")
    if ended_on < plan.started_on:
        raise PlanError(
            f"A plan cannot close before it started ({plan.started_on:%-d %B %Y}).",
            "plans.close_before_start",
            "ended_on",
        )
    if ended_on > today:
        raise PlanError("Close a plan on or before today.", "plans.close_in_future", "ended_on")
    why = _required(reason, "Say why the plan is closing.", "plans.close_reason_required", "reason")
    return update_recorded(
        Action.PLAN_CLOSED,
        plan,
        {"ended_on": ended_on, "end_reason": why, "ended_by": actor},
        actor=actor,
        logged=_as_logged,
        pupil=plan.pupil,
    )


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
) -> PlanReview:
    """Record progress on each target and make the next version of the plan."""
    if plan.ended_on is not None:
        raise PlanError("This plan is closed; start a new plan instead.", "plans.closed")
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
        record(
            Action.PLAN_REVIEWED,
            review,
            actor=actor,
            pupil=plan.pupil,
            changes={
                "plan": str(plan.public_id),
                "version": [reviewed.number, new.number],
                "held_on": held_on.isoformat(),
                "progress": {
                    str(k): str(v.value) if v.value is not None else None
                    for k, v in progress.items()
                },
            },
        )
    return review


def _check_sensitivity(sensitivity: str) -> None:
    if sensitivity not in Sensitivity.values:
        raise PlanError(
            "Choose who may read this note.", "plans.unknown_sensitivity", "sensitivity"
        )


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
    sensitivity: str = Sensitivity.TEAM,
) -> Meeting:
    if kind not in MeetingKind.values:
        raise PlanError("Choose the kind of meeting.", "meetings.unknown_kind", "kind")
    _check_sensitivity(sensitivity)
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
    meeting = Meeting(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        held_on=held_on,
        attendees=attendees.strip(),
        child_voice=child_voice.strip(),
        decisions=decisions.strip(),
        sensitivity=sensitivity,
        created_by=actor,
    )
    return save_recorded(
        Action.MEETING_RECORDED,
        meeting,
        actor=actor,
        pupil=pupil,
        changes={"kind": kind, "held_on": held_on.isoformat(), "sensitivity": sensitivity},
    )


def meeting_action_add(
    *,
    actor: User,
    meeting: Meeting,
    description: str,
    owner: Owner,
    due_on: date,
) -> MeetingAction:
    _required(description, "Describe the action.", "plans.description_required", "description")
    _check_owner(meeting.school_id, owner)
    if due_on < meeting.held_on:
        raise PlanError(
            "An action cannot be due before the meeting.", "meetings.due_before_meeting", "due_on"
        )
    action = MeetingAction(
        school=meeting.school,
        meeting=meeting,
        description=description.strip(),
        due_on=due_on,
        **owner.fields(),
    )
    return save_recorded(
        Action.MEETING_ACTION_ADDED,
        action,
        actor=actor,
        pupil=meeting.pupil,
        changes={
            "meeting": str(meeting.public_id),
            "description": action.description,
            **owner.logged(),
            "due_on": due_on.isoformat(),
        },
    )


def meeting_action_done(
    *,
    actor: User,
    action: MeetingAction,
    today: date,
) -> None:
    if action.done_on is not None:
        raise PlanError("This action is already done.", "meetings.action_already_done")
    update_recorded(
        Action.MEETING_ACTION_DONE,
        action,
        {"done_on": today},
        actor=actor,
        logged=_as_logged,
        pupil=action.meeting.pupil,
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
    sensitivity: str = Sensitivity.TEAM,
) -> ContactLogEntry:
    """Log a contact. A note about absence to a social worker needs their consent on record."""
    _check_sensitivity(sensitivity)
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
    entry = ContactLogEntry(
        school=pupil.school,
        pupil=pupil,
        contacted_on=contacted_on,
        with_kind=with_kind,
        with_name=with_name.strip(),
        method=method,
        summary=summary.strip(),
        agreed=agreed.strip(),
        about_absence=about_absence,
        sensitivity=sensitivity,
        created_by=actor,
    )
    return save_recorded(
        Action.CONTACT_LOGGED,
        entry,
        actor=actor,
        pupil=pupil,
        changes={
            "contacted_on": contacted_on.isoformat(),
            "with_kind": with_kind,
            "method": method,
            "about_absence": about_absence,
            "sensitivity": sensitivity,
        },
    )


def handover_made(
    *,
    actor: User,
    pupil: Pupil,
    recipient: str,
    as_pdf: bool,
) -> None:
    """A handover pack copies a child's record out of Attune: the log says who, for whom."""
    record(
        Action.HANDOVER_MADE,
        pupil,
        actor=actor,
        changes={"recipient": recipient, "format": "pdf" if as_pdf else "print"},
    )


# "You said, we did": what someone raised, what was done about it, and a senior sign-off.


def you_said_raise(
    *,
    actor: User,
    school: School,
    pupil: Pupil | None,
    kind: str,
    raised_by: str,
    raised_by_name: str,
    their_words: str,
    raised_on: date,
    today: date,
) -> YouSaid:
    """Record a concern or an idea, in the words of whoever raised it (``pupil`` None: about
    the whole school)."""
    if kind not in YouSaidKind.values:
        raise PlanError("Choose a concern or an idea.", "you_said.unknown_kind", "kind")
    if raised_by not in RaisedBy.values:
        raise PlanError("Say who raised it.", "you_said.raised_by_required", "raised_by")
    words = _required(
        their_words,
        "Write what they said, in their words as far as you can.",
        "you_said.words_required",
        "their_words",
    )
    if raised_on > today:
        raise PlanError("The date cannot be in the future.", "you_said.in_future", "raised_on")
    item = YouSaid(
        school=school,
        pupil=pupil,
        kind=kind,
        raised_by=raised_by,
        raised_by_name=raised_by_name.strip(),
        their_words=words,
        raised_on=raised_on,
        created_by=actor,
    )
    return save_recorded(
        Action.YOU_SAID_RAISED,
        item,
        actor=actor,
        pupil=pupil,
        changes={"kind": kind, "raised_by": raised_by, "raised_on": raised_on.isoformat()},
    )


def you_said_respond(
    *,
    actor: User,
    item: YouSaid,
    status: str,
    what_we_did: str,
    done_by: Staff | None,
    done_on: date | None,
    not_forward_reason: str,
    today: date,
) -> YouSaid:
    """Say what is being done: in hand, done (what, by whom, when) or not taken forward (why)."""
    if item.signed_off_on is not None:
        raise PlanError(
            "This has been signed off; raise a new item if there is more to do.",
            "you_said.signed_off",
        )
    if status not in YouSaidStatus.values:
        raise PlanError("Choose where this has got to.", "you_said.unknown_status", "status")
    _raise(you_said_problem(status, what_we_did, done_by is not None, done_on, not_forward_reason))
    if done_by is not None and done_by.school_id != item.school_id:
        raise PlanError("Choose an adult from this school.", "you_said.done_by_required", "done_by")
    if done_on is not None and done_on < item.raised_on:
        raise PlanError(
            f"It was raised on {item.raised_on:%-d %B %Y}; it cannot be done before that.",
            "you_said.done_before_raised",
            "done_on",
        )
    if done_on is not None and done_on > today:
        raise PlanError("The date cannot be in the future.", "you_said.in_future", "done_on")
    values: dict[str, Any] = {
        "status": status,
        "what_we_did": what_we_did.strip(),
        "done_by": done_by if status == YouSaidStatus.DONE else None,
        "done_on": done_on if status in FINISHED else None,
        "not_forward_reason": not_forward_reason.strip()
        if status == YouSaidStatus.NOT_TAKEN_FORWARD
        else "",
    }
    return update_recorded(
        Action.YOU_SAID_UPDATED,
        item,
        values,
        actor=actor,
        logged=_as_logged,
        pupil=item.pupil,
    )


def you_said_sign_off(*, actor: User, item: YouSaid, today: date) -> YouSaid:
    """A senior leader agrees the response is enough: the item leaves the open list."""
    if item.signed_off_on is not None:
        raise PlanError("This is already signed off.", "you_said.already_signed_off")
    if not item.is_finished:
        raise PlanError(
            "Only something done, or not taken forward with a reason, can be signed off.",
            "you_said.not_finished",
        )
    return update_recorded(
        Action.YOU_SAID_SIGNED_OFF,
        item,
        {"signed_off_on": today, "signed_off_by": actor},
        actor=actor,
        logged=_as_logged,
        pupil=item.pupil,
    )
