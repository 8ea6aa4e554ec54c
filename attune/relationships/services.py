"""Every change to key adult relationships goes through here, audited in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from attune.access.standing import forget
from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import save_recorded
from attune.errors import AttuneError, Notice
from attune.people.models import Pupil, Staff
from attune.relationships.models import (
    CloseTeamMember,
    KeyAdultRelationship,
    TeamRole,
    TrustedAdult,
    WiderTeamMember,
)
from attune.relationships.selectors import caseload_of, current_relationship


class KeyAdultError(AttuneError):
    pass


def key_adult_assignment_notices(*, pupil: Pupil, key_adult: Staff, today: date) -> list[Notice]:
    """What a person should know before confirming: caseload and continuity."""
    notices: list[Notice] = []
    school = pupil.school
    current = current_relationship(pupil)
    already_theirs = current is not None and current.key_adult_id == key_adult.pk
    load = caseload_of(key_adult)
    if not already_theirs and load >= school.caseload_limit:
        notices.append(
            Notice(
                "key_adult.caseload_full",
                f"{key_adult.full_name} already has {load} key children; the school's limit "
                f"is {school.caseload_limit}. A small caseload is what lets each child feel "
                "held in mind.",
            )
        )
    if current is not None and not already_theirs:
        target = timedelta(days=round(school.relationship_target_months * 30.44))
        lasted = today - current.started_on
        if lasted < target:
            months = lasted.days // 30
            plural = "s" if months != 1 else ""
            notices.append(
                Notice(
                    "key_adult.relationship_young",
                    f"{pupil.known_as} has been with {current.key_adult.full_name} for about "
                    f"{months} month{plural}; the school aims for relationships of at least "
                    f"{school.relationship_target_months} months. Changing now breaks a bond "
                    "that is still forming.",
                )
            )
    return notices


def _check_staff(pupil: Pupil, staff: Staff, what: str, field: str) -> None:
    if staff.school_id != pupil.school_id:
        raise KeyAdultError(
            f"The {what} must work at {pupil.school.name}.", "key_adult.other_school", field
        )
    if not staff.is_active:
        raise KeyAdultError(
            f"{staff.full_name} is no longer working here.", "key_adult.inactive", field
        )


def key_adult_assign(
    *,
    actor: User,
    pupil: Pupil,
    key_adult: Staff,
    co_worker: Staff | None,
    started_on: date,
    reason: str,
    chosen_by_child: bool,
    child_words: str,
    today: date,
    change_reason: str = "",
    confirmed: bool = False,
) -> KeyAdultRelationship:
    """Make ``key_adult`` the child's key adult from ``started_on``, ending any current one."""
    _check_staff(pupil, key_adult, "key adult", "key_adult")
    if co_worker is not None:
        _check_staff(pupil, co_worker, "co-worker", "co_worker")
        if co_worker.pk == key_adult.pk:
            raise KeyAdultError(
                "The co-worker needs to be a different adult, so someone can cover.",
                "key_adult.co_worker_same",
                "co_worker",
            )
    if started_on > today:
        raise KeyAdultError(
            "The start date cannot be in the future.", "key_adult.start_in_future", "started_on"
        )
    if not reason.strip():
        raise KeyAdultError("Say briefly why this adult.", "key_adult.reason_required", "reason")
    with transaction.atomic():
        # Lock the child's row: two people assigning at once are taken one after the other,
        # and the second sees the first's choice (and its warnings) before anything is saved.
        Pupil.objects.select_for_update().values_list("pk", flat=True).get(pk=pupil.pk)
        current = current_relationship(pupil)
        if current is not None and current.key_adult_id == key_adult.pk:
            raise KeyAdultError(
                f"{key_adult.full_name} is already {pupil.known_as}'s key adult.",
                "key_adult.already_current",
                "key_adult",
            )
        if current is not None:
            if not change_reason.strip():
                raise KeyAdultError(
                    "Changing a key adult needs a reason, for the child's record.",
                    "key_adult.change_reason_required",
                    "change_reason",
                )
            if started_on < current.started_on:
                raise KeyAdultError(
                    "The new relationship cannot start before the current one "
                    f"({current.started_on:%d %B %Y}).",
                    "key_adult.start_before_current",
                    "started_on",
                )
        notices = key_adult_assignment_notices(pupil=pupil, key_adult=key_adult, today=today)
        if notices and not confirmed:
            raise KeyAdultError(
                " ".join(n.message for n in notices), "key_adult.needs_confirmation", "confirmed"
            )
        if current is not None:
            _end(
                actor=actor,
                relationship=current,
                ended_on=started_on,
                end_reason=change_reason,
            )
        relationship = KeyAdultRelationship.objects.create(
            school=pupil.school,
            pupil=pupil,
            key_adult=key_adult,
            co_worker=co_worker,
            started_on=started_on,
            reason=reason.strip(),
            chosen_by_child=chosen_by_child,
            child_words=child_words.strip(),
            created_by=actor,
        )
        record(
            Action.KEY_ADULT_ASSIGNED,
            relationship,
            actor=actor,
            changes={
                "key_adult": [
                    current.key_adult.full_name if current else None,
                    key_adult.full_name,
                ],
                "co_worker": [None, co_worker.full_name if co_worker else None],
                "started_on": started_on.isoformat(),
                "chosen_by_child": chosen_by_child,
                "warnings_confirmed": [n.code for n in notices],
            },
        )
    forget()  # who is this child's key adult has changed: look ties up afresh
    return relationship


def _end(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    ended_on: date,
    end_reason: str,
) -> None:
    relationship.ended_on = ended_on
    relationship.end_reason = end_reason.strip()
    relationship.save(update_fields=["ended_on", "end_reason"])
    record(
        Action.KEY_ADULT_ENDED,
        relationship,
        actor=actor,
        changes={"ended_on": ended_on.isoformat(), "end_reason": relationship.end_reason},
    )
    forget()


def key_adult_end(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    ended_on: date,
    end_reason: str,
    today: date,
) -> None:
    """End a relationship without a successor (for example, the child has left)."""
    if not relationship.is_current:
        raise KeyAdultError("This relationship has already ended.", "key_adult.already_ended")
    if ended_on < relationship.started_on or ended_on > today:
        raise KeyAdultError(
            "The end date must be between the start date and today.",
            "key_adult.bad_end_date",
            "ended_on",
        )
    if not end_reason.strip():
        raise KeyAdultError(
            "Say why the relationship is ending.", "key_adult.change_reason_required", "end_reason"
        )
    with transaction.atomic():
        _end(
            actor=actor,
            relationship=relationship,
            ended_on=ended_on,
            end_reason=end_reason,
        )


def co_worker_set(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    co_worker: Staff | None,
) -> None:
    pupil = relationship.pupil
    if co_worker is not None:
        _check_staff(pupil, co_worker, "co-worker", "co_worker")
        if co_worker.pk == relationship.key_adult_id:
            raise KeyAdultError(
                "The co-worker needs to be a different adult, so someone can cover.",
                "key_adult.co_worker_same",
                "co_worker",
            )
    with transaction.atomic():
        before = relationship.co_worker.full_name if relationship.co_worker else None
        relationship.co_worker = co_worker
        relationship.save(update_fields=["co_worker"])
        record(
            Action.CO_WORKER_CHANGED,
            relationship,
            actor=actor,
            changes={"co_worker": [before, co_worker.full_name if co_worker else None]},
        )
    forget()


def trusted_adult_add(
    *,
    actor: User,
    pupil: Pupil,
    staff: Staff,
    child_words: str,
    today: date,
) -> TrustedAdult:
    _check_staff(pupil, staff, "trusted adult", "staff")
    with transaction.atomic():
        trusted, _ = TrustedAdult.objects.update_or_create(
            school=pupil.school,
            pupil=pupil,
            staff=staff,
            defaults={"child_words": child_words.strip(), "recorded_on": today},
        )
        record(
            Action.TRUSTED_ADULT_RECORDED,
            trusted,
            actor=actor,
            changes={"staff": staff.full_name, "child_words": trusted.child_words},
        )
    return trusted


class TeamError(AttuneError):
    pass


def close_team_add(
    *,
    actor: User,
    pupil: Pupil,
    staff: Staff,
    child_words: str,
    joined_on: date,
    today: date,
) -> CloseTeamMember:
    """Add an adult the child chose to their close team (the key adult is in it already)."""
    _check_staff(pupil, staff, "adult", "staff")
    if not child_words.strip():
        raise TeamError(
            f"Write down why {pupil.known_as} chose them, in their own words.",
            "team.child_words_required",
            "child_words",
        )
    if joined_on > today:
        raise TeamError("The date cannot be in the future.", "team.date_in_future", "joined_on")
    with transaction.atomic():
        Pupil.objects.select_for_update().values_list("pk", flat=True).get(pk=pupil.pk)
        current = current_relationship(pupil)
        if current is not None and current.key_adult_id == staff.pk:
            raise TeamError(
                f"{staff.full_name} is {pupil.known_as}'s key adult, so already in the close team.",
                "team.is_key_adult",
                "staff",
            )
        if CloseTeamMember.objects.filter(pupil=pupil, staff=staff, left_on__isnull=True).exists():
            raise TeamError(
                f"{staff.full_name} is already in {pupil.known_as}'s close team.",
                "team.already_member",
                "staff",
            )
        member = CloseTeamMember.objects.create(
            school=pupil.school,
            pupil=pupil,
            staff=staff,
            child_words=child_words.strip(),
            joined_on=joined_on,
            created_by=actor,
        )
        record(
            Action.CLOSE_TEAM_JOINED,
            member,
            actor=actor,
            changes={"staff": staff.full_name, "joined_on": joined_on.isoformat()},
        )
    forget()
    return member


def close_team_leave(
    *,
    actor: User,
    member: CloseTeamMember,
    left_on: date,
    today: date,
) -> None:
    if member.left_on is not None:
        raise TeamError("They have already left the close team.", "team.already_left")
    if left_on < member.joined_on or left_on > today:
        raise TeamError(
            "The date must be between when they joined and today.", "team.bad_end_date", "left_on"
        )
    member.left_on = left_on
    save_recorded(
        Action.CLOSE_TEAM_LEFT,
        member,
        actor=actor,
        changes={"staff": member.staff.full_name, "left_on": left_on.isoformat()},
        fields=["left_on"],
    )
    forget()


def wider_team_add(
    *,
    actor: User,
    pupil: Pupil,
    role: str,
    name: str,
    organisation: str,
    email: str,
    phone: str,
    started_on: date,
    consent_to_share: bool,
    today: date,
) -> WiderTeamMember:
    """Add a professional or family member to the wider team around the child."""
    if role not in TeamRole.values:
        raise TeamError("Choose a role from the list.", "team.unknown_role", "role")
    if not name.strip():
        raise TeamError("Give their name.", "team.name_required", "name")
    if started_on > today:
        raise TeamError("The date cannot be in the future.", "team.date_in_future", "started_on")
    member = WiderTeamMember(
        school=pupil.school,
        pupil=pupil,
        role=role,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        phone=phone.strip(),
        started_on=started_on,
        consent_to_share=consent_to_share,
        created_by=actor,
    )
    return save_recorded(
        Action.WIDER_TEAM_JOINED,
        member,
        actor=actor,
        changes={
            "role": role,
            "name": member.name,
            "organisation": member.organisation,
            "started_on": started_on.isoformat(),
            "consent_to_share": consent_to_share,
        },
    )


def wider_team_end(
    *,
    actor: User,
    member: WiderTeamMember,
    ended_on: date,
    today: date,
) -> None:
    if member.ended_on is not None:
        raise TeamError("They have already left the team.", "team.already_left")
    if ended_on < member.started_on or ended_on > today:
        raise TeamError(
            "The date must be between when they started and today.",
            "team.bad_end_date",
            "ended_on",
        )
    member.ended_on = ended_on
    save_recorded(
        Action.WIDER_TEAM_LEFT,
        member,
        actor=actor,
        changes={"name": member.name, "ended_on": ended_on.isoformat()},
        fields=["ended_on"],
    )
