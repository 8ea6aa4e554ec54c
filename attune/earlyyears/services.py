"""Every write in early years, in one transaction with its audit event."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from attune.accounts.models import User
from attune.auditlog.services import AuditEntry, audit_log, audit_log_many
from attune.checkins.models import StaffAbsence
from attune.earlyyears.domain import day as rules
from attune.earlyyears.models import (
    CareEntry,
    CareKind,
    ChildVisit,
    DaySummaryShare,
    DevelopmentEntry,
    DevelopmentEntryKind,
    Room,
    RoomPlacement,
    SettlingEntryKind,
    SettlingInEntry,
    SettlingInPlan,
    SleepCheck,
    StaffQualification,
    StaffVisit,
    VisitAmendment,
)
from attune.errors import AttuneError
from attune.people.models import Pupil, School, Staff


class EarlyYearsError(AttuneError):
    pass


def _raise(problem: rules.Problem | None) -> None:
    if problem is not None:
        raise EarlyYearsError(problem.message, problem.code, problem.field)


def _t(value: time | None) -> str | None:
    return f"{value:%H:%M}" if value is not None else None


# --- the register ---------------------------------------------------------------------------


def child_sign_in(
    *,
    actor: User,
    pupil: Pupil,
    on: date,
    at: time,
    brought_by: str,
    request: HttpRequest | None = None,
) -> ChildVisit:
    with transaction.atomic():
        Pupil.objects.select_for_update().filter(pk=pupil.pk).first()  # one sign-in at a time
        existing = ChildVisit.objects.filter(pupil=pupil, on=on).prefetch_related("amendments")
        _raise(rules.check_sign_in([_as_rule(v) for v in existing], at))
        placement = RoomPlacement.objects.filter(pupil=pupil).first()
        visit = ChildVisit.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            room_id=placement.room_id if placement else None,
            on=on,
            signed_in_at=at,
            brought_by=brought_by.strip(),
            signed_in_by=actor,
        )
        audit_log(
            actor=actor,
            action="earlyyears.register.signed_in",
            obj=visit,
            school=visit.school,
            pupil=pupil,
            changes={"on": on.isoformat(), "at": _t(at), "brought_by": visit.brought_by},
            request=request,
        )
    return visit


def _as_rule(visit: ChildVisit) -> rules.Visit:
    amendments = list(visit.amendments.all())
    if amendments:
        latest = amendments[-1]
        return rules.Visit(latest.signed_in_at, latest.signed_out_at)
    return rules.Visit(visit.signed_in_at, visit.signed_out_at)


def child_sign_out(
    *,
    actor: User,
    visit: ChildVisit,
    at: time,
    collected_by: str,
    today: date,
    request: HttpRequest | None = None,
) -> ChildVisit:
    """Completes the day's visit. After the day, or once signed out, change it by amendment."""
    if visit.on != today:
        raise EarlyYearsError(
            "This day is over: add the sign-out time as an amendment instead.",
            "register.day_closed",
            "signed_out_at",
        )
    if not collected_by.strip():
        raise EarlyYearsError(
            "Say who collected the child.", "register.collected_by_missing", "collected_by"
        )
    with transaction.atomic():
        visit = ChildVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.signed_out_at is not None:
            raise EarlyYearsError(
                f"Already signed out at {visit.signed_out_at:%H:%M}; amend it if that was wrong.",
                "register.already_out",
                "signed_out_at",
            )
        _raise(rules.check_sign_out(visit.signed_in_at, at))
        sleeps = CareEntry.objects.filter(pupil_id=visit.pupil_id, on=visit.on, kind="sleep")
        _raise(rules.open_sleep_problem(rules.Sleep(s.at, s.woke_at) for s in sleeps))
        visit.signed_out_at = at
        visit.collected_by = collected_by.strip()
        visit.signed_out_by = actor
        visit.save(update_fields=["signed_out_at", "collected_by", "signed_out_by"])
        audit_log(
            actor=actor,
            action="earlyyears.register.signed_out",
            obj=visit,
            school=visit.school,
            pupil=visit.pupil,
            changes={"at": _t(at), "collected_by": visit.collected_by},
            request=request,
        )
    return visit


def visit_amend(
    *,
    actor: User,
    visit: ChildVisit,
    signed_in_at: time,
    signed_out_at: time | None,
    collected_by: str,
    reason: str,
    request: HttpRequest | None = None,
) -> VisitAmendment:
    """A new row beside the original; the original is never changed."""
    if not reason.strip():
        raise EarlyYearsError("Say why the record is being amended.", "register.reason", "reason")
    if signed_out_at is not None:
        _raise(rules.check_sign_out(signed_in_at, signed_out_at))
    with transaction.atomic():
        others = ChildVisit.objects.filter(pupil_id=visit.pupil_id, on=visit.on).exclude(
            pk=visit.pk
        )
        _raise(rules.check_sign_in([_as_rule(v) for v in others], signed_in_at))
        amendment = VisitAmendment.objects.create(
            school_id=visit.school_id,
            visit=visit,
            signed_in_at=signed_in_at,
            signed_out_at=signed_out_at,
            collected_by=collected_by.strip(),
            reason=reason.strip(),
            amended_by=actor,
        )
        audit_log(
            actor=actor,
            action="earlyyears.register.amended",
            obj=visit,
            school=visit.school,
            pupil=visit.pupil,
            changes={
                "on": visit.on.isoformat(),
                "signed_in_at": _t(signed_in_at),
                "signed_out_at": _t(signed_out_at),
                "collected_by": amendment.collected_by,
                "reason": amendment.reason,
            },
            request=request,
        )
    return amendment


def day_record_read(
    *,
    actor: User,
    school: School,
    pupils: list[Pupil],
    on: date,
    action: str = "earlyyears.day_record.viewed",
    request: HttpRequest | None = None,
) -> None:
    """One read event per child whose day was shown (printed, exported or on screen)."""
    audit_log_many(
        actor=actor,
        school=school,
        entries=[AuditEntry(action, p, p, {"on": on.isoformat()}) for p in pupils],
        request=request,
    )


def child_record_read(
    *, actor: User, pupil: Pupil, what: str, changes: dict[str, Any], request: HttpRequest | None
) -> None:
    audit_log(
        actor=actor,
        action=f"earlyyears.{what}.viewed",
        obj=pupil,
        school=pupil.school,
        pupil=pupil,
        changes=changes,
        request=request,
    )


# --- staff in rooms and key person away -------------------------------------------------------


def staff_sign_in(
    *, actor: User, staff: Staff, room: Room, on: date, at: time, request: HttpRequest | None
) -> StaffVisit:
    with transaction.atomic():
        open_visit = StaffVisit.objects.filter(staff=staff, on=on, signed_out_at__isnull=True)
        if open_visit.exists():
            raise EarlyYearsError(
                f"{staff.full_name} is already signed into a room: sign them out first.",
                "register.staff_already_in",
                "staff",
            )
        visit = StaffVisit.objects.create(
            school_id=staff.school_id, staff=staff, room=room, on=on, signed_in_at=at
        )
        audit_log(
            actor=actor,
            action="earlyyears.staff.signed_in",
            obj=visit,
            school=visit.school,
            changes={"staff": staff.full_name, "room": room.name, "at": _t(at)},
            request=request,
        )
    return visit


def staff_sign_out(
    *, actor: User, visit: StaffVisit, at: time, request: HttpRequest | None
) -> StaffVisit:
    if visit.signed_out_at is not None:
        raise EarlyYearsError("Already signed out.", "register.staff_already_out", "signed_out_at")
    _raise(rules.check_sign_out(visit.signed_in_at, at))
    with transaction.atomic():
        visit.signed_out_at = at
        visit.save(update_fields=["signed_out_at"])
        audit_log(
            actor=actor,
            action="earlyyears.staff.signed_out",
            obj=visit,
            school=visit.school,
            changes={"staff": visit.staff.full_name, "at": _t(at)},
            request=request,
        )
    return visit


def key_person_away(
    *, actor: User, staff: Staff, on: date, reason: str, request: HttpRequest | None
) -> StaffAbsence:
    """The same absence check-ins use for cover, so one record serves both."""
    with transaction.atomic():
        absence, created = StaffAbsence.objects.get_or_create(
            staff=staff,
            on=on,
            defaults={"school_id": staff.school_id, "reason": reason.strip(), "recorded_by": actor},
        )
        if not created:
            raise EarlyYearsError(
                f"{staff.full_name} is already recorded as away that day.",
                "register.away_duplicate",
                "staff",
            )
        audit_log(
            actor=actor,
            action="earlyyears.key_person.away",
            obj=absence,
            school=absence.school,
            changes={"staff": staff.full_name, "on": on.isoformat(), "reason": absence.reason},
            request=request,
        )
    return absence


# --- rooms ------------------------------------------------------------------------------------


def room_add(*, actor: User, school: School, name: str, request: HttpRequest | None) -> Room:
    try:
        with transaction.atomic():
            room = Room.objects.create(school=school, name=name.strip())
            audit_log(
                actor=actor,
                action="earlyyears.room.added",
                obj=room,
                school=school,
                changes={"name": room.name},
                request=request,
            )
    except IntegrityError:
        raise EarlyYearsError(
            "There is already a room with that name.", "rooms.duplicate", "name"
        ) from None
    return room


def child_place(
    *, actor: User, pupil: Pupil, room: Room, request: HttpRequest | None
) -> RoomPlacement:
    with transaction.atomic():
        placement, _ = RoomPlacement.objects.update_or_create(
            pupil=pupil, defaults={"room": room, "school_id": pupil.school_id}
        )
        audit_log(
            actor=actor,
            action="earlyyears.room.child_placed",
            obj=placement,
            school=pupil.school,
            pupil=pupil,
            changes={"room": room.name},
            request=request,
        )
    return placement


def staff_qualification_set(
    *, actor: User, staff: Staff, level: int, request: HttpRequest | None
) -> StaffQualification:
    with transaction.atomic():
        qualification, _ = StaffQualification.objects.update_or_create(
            staff=staff, defaults={"level": level, "school_id": staff.school_id}
        )
        audit_log(
            actor=actor,
            action="earlyyears.staff.qualification_set",
            obj=qualification,
            school=staff.school,
            changes={"staff": staff.full_name, "level": level},
            request=request,
        )
    return qualification


# --- care routines ----------------------------------------------------------------------------


def care_record(
    *,
    actor: User,
    pupil: Pupil,
    on: date,
    kind: str,
    at: time,
    woke_at: time | None,
    detail: str,
    done_by: Staff | None,
    request: HttpRequest | None = None,
) -> CareEntry:
    if kind != CareKind.SLEEP and woke_at is not None:
        raise EarlyYearsError(
            "A waking time only goes with a sleep.", "care.woke_not_sleep", "woke_at"
        )
    if kind == CareKind.SLEEP:
        _raise(rules.check_sleep(rules.Sleep(at, woke_at)))
    with transaction.atomic():
        entry = CareEntry.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            on=on,
            kind=kind,
            at=at,
            woke_at=woke_at,
            detail=detail.strip(),
            done_by=done_by,
            recorded_by=actor,
        )
        audit_log(
            actor=actor,
            action="earlyyears.care.recorded",
            obj=entry,
            school=pupil.school,
            pupil=pupil,
            changes={
                "on": on.isoformat(),
                "kind": kind,
                "at": _t(at),
                "woke_at": _t(woke_at),
                "detail": entry.detail,
            },
            request=request,
        )
    return entry


def sleep_end(
    *, actor: User, entry: CareEntry, woke_at: time, request: HttpRequest | None = None
) -> CareEntry:
    if entry.kind != CareKind.SLEEP:
        raise EarlyYearsError("Only a sleep has a waking time.", "care.woke_not_sleep", "woke_at")
    if entry.woke_at is not None:
        raise EarlyYearsError(
            f"A waking time ({entry.woke_at:%H:%M}) is already recorded.",
            "care.already_woke",
            "woke_at",
        )
    _raise(rules.check_sleep(rules.Sleep(entry.at, woke_at)))
    with transaction.atomic():
        entry.woke_at = woke_at
        entry.save(update_fields=["woke_at"])
        audit_log(
            actor=actor,
            action="earlyyears.care.woke",
            obj=entry,
            school=entry.school,
            pupil=entry.pupil,
            changes={"woke_at": _t(woke_at)},
            request=request,
        )
    return entry


def sleep_check_add(
    *, actor: User, entry: CareEntry, at: time, note: str, request: HttpRequest | None = None
) -> SleepCheck:
    if entry.kind != CareKind.SLEEP:
        raise EarlyYearsError("Checks go with a sleep.", "care.check_not_sleep", "at")
    if at < entry.at or (entry.woke_at is not None and at > entry.woke_at):
        raise EarlyYearsError(
            "A check must fall while the child was asleep.", "care.check_outside_sleep", "at"
        )
    with transaction.atomic():
        check = SleepCheck.objects.create(
            school_id=entry.school_id, entry=entry, at=at, note=note.strip(), checked_by=actor
        )
        audit_log(
            actor=actor,
            action="earlyyears.care.sleep_checked",
            obj=entry,
            school=entry.school,
            pupil=entry.pupil,
            changes={"at": _t(at), "note": check.note},
            request=request,
        )
    return check


def day_summary_share(
    *,
    actor: User,
    pupil: Pupil,
    on: date,
    how: str,
    shared_with: str,
    request: HttpRequest | None = None,
) -> DaySummaryShare:
    if not shared_with.strip():
        raise EarlyYearsError("Say who it was shared with.", "care.shared_with", "shared_with")
    with transaction.atomic():
        share = DaySummaryShare.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            on=on,
            how=how,
            shared_with=shared_with.strip(),
            shared_by=actor,
        )
        audit_log(
            actor=actor,
            action="earlyyears.day_summary.shared",
            obj=share,
            school=pupil.school,
            pupil=pupil,
            changes={"on": on.isoformat(), "how": how, "shared_with": share.shared_with},
            request=request,
        )
    return share


# --- settling in and the development record ----------------------------------------------------


def settling_plan_save(
    *,
    actor: User,
    pupil: Pupil,
    starts_on: date,
    family_told_us: str,
    comfort_objects: str,
    home_routines: str,
    request: HttpRequest | None = None,
) -> SettlingInPlan:
    values = {
        "starts_on": starts_on,
        "family_told_us": family_told_us.strip(),
        "comfort_objects": comfort_objects.strip(),
        "home_routines": home_routines.strip(),
    }
    with transaction.atomic():
        plan, created = SettlingInPlan.objects.update_or_create(
            pupil=pupil, defaults=values | {"school_id": pupil.school_id, "updated_by": actor}
        )
        audit_log(
            actor=actor,
            action="earlyyears.settling_in." + ("created" if created else "updated"),
            obj=plan,
            school=pupil.school,
            pupil=pupil,
            changes=values | {"starts_on": starts_on.isoformat()},
            request=request,
        )
    return plan


def settling_entry_add(
    *,
    actor: User,
    plan: SettlingInPlan,
    kind: str,
    on: date,
    text: str,
    request: HttpRequest | None = None,
) -> SettlingInEntry:
    if kind not in SettlingEntryKind.values:
        raise EarlyYearsError("Choose a visit or a note.", "settling.kind", "kind")
    with transaction.atomic():
        entry = SettlingInEntry.objects.create(
            school_id=plan.school_id,
            plan=plan,
            kind=kind,
            on=on,
            text=text.strip(),
            written_by=actor,
        )
        audit_log(
            actor=actor,
            action="earlyyears.settling_in.entry_added",
            obj=plan,
            school=plan.school,
            pupil=plan.pupil,
            changes={"kind": kind, "on": on.isoformat(), "text": entry.text},
            request=request,
        )
    return entry


def development_add(
    *,
    actor: User,
    pupil: Pupil,
    kind: str,
    on: date,
    area: str,
    text: str,
    said_by: str,
    shared_with_family: bool,
    today: date,
    request: HttpRequest | None = None,
) -> DevelopmentEntry:
    if on > today:
        raise EarlyYearsError("The date cannot be in the future.", "development.future", "on")
    if kind == DevelopmentEntryKind.FROM_HOME and not said_by.strip():
        raise EarlyYearsError(
            "Say who at home shared this.", "development.said_by_missing", "said_by"
        )
    with transaction.atomic():
        entry = DevelopmentEntry.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            kind=kind,
            on=on,
            area=area,
            text=text.strip(),
            said_by=said_by.strip() if kind == DevelopmentEntryKind.FROM_HOME else "",
            shared_with_family=shared_with_family or kind == DevelopmentEntryKind.FROM_HOME,
            written_by=actor,
        )
        audit_log(
            actor=actor,
            action="earlyyears.development.added",
            obj=entry,
            school=pupil.school,
            pupil=pupil,
            changes={
                "kind": kind,
                "on": on.isoformat(),
                "area": area,
                "text": entry.text,
                "said_by": entry.said_by,
                "shared_with_family": entry.shared_with_family,
            },
            request=request,
        )
    return entry
