"""Every write in early years, in one transaction with its audit event."""

from __future__ import annotations

from datetime import date, time

from django.db import IntegrityError, transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import Entry, record, record_many
from attune.auditlog.saving import save_recorded
from attune.checkins.models import StaffAbsence
from attune.checkins.services import staff_absence_record
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
        record(
            Action.EY_SIGNED_IN,
            visit,
            actor=actor,
            changes={"on": on.isoformat(), "at": _t(at), "brought_by": visit.brought_by},
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
        record(
            Action.EY_SIGNED_OUT,
            visit,
            actor=actor,
            changes={"at": _t(at), "collected_by": visit.collected_by},
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
        record(
            Action.EY_REGISTER_AMENDED,
            amendment,
            actor=actor,
            pupil=visit.pupil_id,
            changes={
                "on": visit.on.isoformat(),
                "signed_in_at": _t(signed_in_at),
                "signed_out_at": _t(signed_out_at),
                "collected_by": amendment.collected_by,
                "reason": amendment.reason,
            },
        )
    return amendment


def day_record_exported(*, actor: User, school_id: int, pupils: list[Pupil], on: date) -> None:
    """A download of the day's record takes each child's day out of Attune: one event per child."""
    record_many(
        actor=actor,
        school_id=school_id,
        entries=[
            Entry(Action.EY_DAY_RECORD_EXPORTED, pupil, pupil, {"on": on.isoformat()})
            for pupil in pupils
        ],
    )


# --- staff in rooms and key person away -------------------------------------------------------


def staff_sign_in(*, actor: User, staff: Staff, room: Room, on: date, at: time) -> StaffVisit:
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
        record(
            Action.EY_STAFF_SIGNED_IN,
            visit,
            actor=actor,
            changes={"staff": staff.full_name, "room": room.name, "at": _t(at)},
        )
    return visit


def staff_sign_out(*, actor: User, visit: StaffVisit, at: time) -> StaffVisit:
    if visit.signed_out_at is not None:
        raise EarlyYearsError("Already signed out.", "register.staff_already_out", "signed_out_at")
    _raise(rules.check_sign_out(visit.signed_in_at, at))
    visit.signed_out_at = at
    return save_recorded(
        Action.EY_STAFF_SIGNED_OUT,
        visit,
        actor=actor,
        changes={"staff": visit.staff.full_name, "at": _t(at)},
        fields=["signed_out_at"],
    )


def key_person_away(*, actor: User, staff: Staff, on: date, reason: str) -> StaffAbsence:
    """A key person away for the day is the staff absence check-ins cover: the one check-ins
    service records it for both, so the register's "covering" and check-in cover agree. The
    register records today only, and names the adult when something is wrong."""
    return staff_absence_record(
        actor=actor, staff=staff, on=on, reason=reason, today=on, field="staff"
    )


# --- rooms ------------------------------------------------------------------------------------


def room_add(*, actor: User, school: School, name: str) -> Room:
    try:
        with transaction.atomic():
            room = Room.objects.create(school=school, name=name.strip())
            record(
                Action.EY_ROOM_ADDED,
                room,
                actor=actor,
                changes={"name": room.name},
            )
    except IntegrityError:
        raise EarlyYearsError(
            "There is already a room with that name.", "rooms.duplicate", "name"
        ) from None
    return room


def child_place(*, actor: User, pupil: Pupil, room: Room) -> RoomPlacement:
    with transaction.atomic():
        placement, _ = RoomPlacement.objects.update_or_create(
            pupil=pupil, defaults={"room": room, "school_id": pupil.school_id}
        )
        record(
            Action.EY_CHILD_PLACED,
            placement,
            actor=actor,
            changes={"room": room.name},
        )
    return placement


def staff_qualification_set(*, actor: User, staff: Staff, level: int) -> StaffQualification:
    with transaction.atomic():
        qualification, _ = StaffQualification.objects.update_or_create(
            staff=staff, defaults={"level": level, "school_id": staff.school_id}
        )
        record(
            Action.EY_QUALIFICATION_SET,
            qualification,
            actor=actor,
            changes={"staff": staff.full_name, "level": level},
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
) -> CareEntry:
    if kind != CareKind.SLEEP and woke_at is not None:
        raise EarlyYearsError(
            "A waking time only goes with a sleep.", "care.woke_not_sleep", "woke_at"
        )
    if kind == CareKind.SLEEP:
        _raise(rules.check_sleep(rules.Sleep(at, woke_at)))
    entry = CareEntry(
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
    return save_recorded(
        Action.EY_CARE_RECORDED,
        entry,
        actor=actor,
        changes={
            "on": on.isoformat(),
            "kind": kind,
            "at": _t(at),
            "woke_at": _t(woke_at),
            "detail": entry.detail,
        },
    )


def sleep_end(*, actor: User, entry: CareEntry, woke_at: time) -> CareEntry:
    if entry.kind != CareKind.SLEEP:
        raise EarlyYearsError("Only a sleep has a waking time.", "care.woke_not_sleep", "woke_at")
    if entry.woke_at is not None:
        raise EarlyYearsError(
            f"A waking time ({entry.woke_at:%H:%M}) is already recorded.",
            "care.already_woke",
            "woke_at",
        )
    _raise(rules.check_sleep(rules.Sleep(entry.at, woke_at)))
    entry.woke_at = woke_at
    return save_recorded(
        Action.EY_WOKE,
        entry,
        actor=actor,
        changes={"woke_at": _t(woke_at)},
        fields=["woke_at"],
    )


def sleep_check_add(*, actor: User, entry: CareEntry, at: time, note: str) -> SleepCheck:
    if entry.kind != CareKind.SLEEP:
        raise EarlyYearsError("Checks go with a sleep.", "care.check_not_sleep", "at")
    if at < entry.at or (entry.woke_at is not None and at > entry.woke_at):
        raise EarlyYearsError(
            "A check must fall while the child was asleep.", "care.check_outside_sleep", "at"
        )
    check = SleepCheck(
        school_id=entry.school_id, entry=entry, at=at, note=note.strip(), checked_by=actor
    )
    return save_recorded(
        Action.EY_SLEEP_CHECKED,
        check,
        actor=actor,
        pupil=entry.pupil_id,
        changes={"at": _t(at), "note": check.note},
    )


def day_summary_share(
    *,
    actor: User,
    pupil: Pupil,
    on: date,
    how: str,
    shared_with: str,
) -> DaySummaryShare:
    if not shared_with.strip():
        raise EarlyYearsError("Say who it was shared with.", "care.shared_with", "shared_with")
    share = DaySummaryShare(
        school_id=pupil.school_id,
        pupil=pupil,
        on=on,
        how=how,
        shared_with=shared_with.strip(),
        shared_by=actor,
    )
    return save_recorded(
        Action.EY_DAY_SUMMARY_SHARED,
        share,
        actor=actor,
        changes={"on": on.isoformat(), "how": how, "shared_with": share.shared_with},
    )


# --- settling in and the development record ----------------------------------------------------


def settling_plan_save(
    *,
    actor: User,
    pupil: Pupil,
    starts_on: date,
    family_told_us: str,
    comfort_objects: str,
    home_routines: str,
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
        record(
            Action.EY_SETTLING_IN_CREATED if created else Action.EY_SETTLING_IN_UPDATED,
            plan,
            actor=actor,
            changes=values | {"starts_on": starts_on.isoformat()},
        )
    return plan


def settling_entry_add(
    *,
    actor: User,
    plan: SettlingInPlan,
    kind: str,
    on: date,
    text: str,
) -> SettlingInEntry:
    if kind not in SettlingEntryKind.values:
        raise EarlyYearsError("Choose a visit or a note.", "settling.kind", "kind")
    entry = SettlingInEntry(
        school_id=plan.school_id,
        plan=plan,
        kind=kind,
        on=on,
        text=text.strip(),
        written_by=actor,
    )
    return save_recorded(
        Action.EY_SETTLING_IN_ENTRY,
        entry,
        actor=actor,
        pupil=plan.pupil_id,
        changes={"kind": kind, "on": on.isoformat(), "text": entry.text},
    )


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
) -> DevelopmentEntry:
    if on > today:
        raise EarlyYearsError("The date cannot be in the future.", "development.future", "on")
    if kind == DevelopmentEntryKind.FROM_HOME and not said_by.strip():
        raise EarlyYearsError(
            "Say who at home shared this.", "development.said_by_missing", "said_by"
        )
    entry = DevelopmentEntry(
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
    return save_recorded(
        Action.EY_DEVELOPMENT_ADDED,
        entry,
        actor=actor,
        changes={
            "kind": kind,
            "on": on.isoformat(),
            "area": area,
            "text": entry.text,
            "said_by": entry.said_by,
            "shared_with_family": entry.shared_with_family,
        },
    )
