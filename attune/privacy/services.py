"""Writes: applying retention, legal holds, rules, exports logged, and correction or erasure.

Every write is one transaction with its audit entry inside it. Removing a child's records never
touches the audit trail: events name a child by id only, so each school's hash chain still
verifies afterwards (``audit_chain_verify``). Nobody asks for, or decides, a change to a record
they may not read (``selectors.may_read_record``), and a corrected note's text never reaches
the trail: it keeps a keyed digest of the value before and after.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, ProtectedError, RestrictedError
from django.utils import timezone

from attune.access.rules import Level
from attune.accounts.models import Membership, User
from attune.accounts.roles import Permission
from attune.auditlog.actions import Action
from attune.auditlog.record import digest, record
from attune.auditlog.saving import save_recorded
from attune.errors import AttuneError
from attune.people.models import Pupil, School
from attune.privacy.domain.retention import Basis, Rule, cutoff
from attune.privacy.models import DataRequest, LegalHold, RequestKind, RequestStatus, RetentionRule
from attune.privacy.records import (
    PUPIL_KIND,
    RecordKind,
    kind_named,
    plain,
    pupil_kind,
    record_kinds,
)
from attune.privacy.selectors import (
    held_kinds,
    held_pupil_ids,
    hold_blocking,
    may_read_record,
    rules_in_force,
)
from attune.tenancy import school_scope


class PrivacyError(AttuneError):
    pass


# --- Retention -------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    school: School
    today: date
    dry_run: bool
    removed: Counter[str] = field(default_factory=Counter)  # "app.model" -> rows
    held_kinds: list[str] = field(default_factory=list)
    held_children: int = 0

    def lines(self) -> list[str]:
        verb = "Would remove" if self.dry_run else "Removed"
        head = f"{self.school.name} ({self.school.urn}), rules as at {self.today:%-d %B %Y}:"
        body = [f"  {verb} {count} {kind}" for kind, count in sorted(self.removed.items())]
        if not body:
            body = ["  Nothing is past its date."]
        if self.held_kinds or self.held_children:
            body.append(
                f"  Legal holds kept {self.held_children} children's records and every "
                f"record of: {', '.join(self.held_kinds) or 'no whole kinds'}."
            )
        return [head, *body]


class _DryRun(Exception):
    pass


def retention_apply(
    *, school: School, today: date, dry_run: bool = False, actor: User | None = None
) -> RetentionReport:
    """Remove every record past its date under the school's rules, except what is held.

    A dry run does exactly the same work and then rolls it back, so its counts are exact
    (cascades included).
    """
    with school_scope(school):
        report = RetentionReport(school, today, dry_run)
        try:
            with transaction.atomic():
                _remove_due(report)
                if dry_run:
                    raise _DryRun
                record(
                    Action.RETENTION_APPLIED,
                    school,
                    actor=actor,
                    changes={
                        "today": today.isoformat(),
                        "removed": dict(sorted(report.removed.items())),
                    },
                )
        except _DryRun:
            pass
    return report


def _remove_due(report: RetentionReport) -> None:
    rules = rules_in_force()
    held = held_kinds()
    held_children = held_pupil_ids()
    report.held_kinds = sorted(held)
    report.held_children = len(held_children)
    for kind in record_kinds():
        if kind.label in held:
            continue
        due = _due(kind, rules[kind.label], report.today)
        if due is not None:
            _delete(due.exclude(**{f"{kind.pupil_field}_id__in": held_children}), report)
    if PUPIL_KIND in held:
        return
    pupils = _due(pupil_kind(), rules[PUPIL_KIND], report.today)
    if pupils is None:
        return
    # A child's own row goes only once nothing else about them is left: their other records
    # may be kept longer (or held), and removing the row would take them all with it.
    for kind in record_kinds():
        about = kind.model._default_manager.filter(**{str(kind.pupil_field): OuterRef("pk")})
        pupils = pupils.exclude(Exists(about))
    for pupil in pupils.exclude(pk__in=held_children):
        try:
            with transaction.atomic():
                _delete(Pupil.objects.filter(pk=pupil.pk), report)
        except (ProtectedError, RestrictedError):
            continue  # something outside the record kinds protects the row: keep it


def _due(kind: RecordKind, rule: Rule, today: date) -> models.QuerySet[Any] | None:
    """This kind's rows past their date, or None if the rule keeps them all."""
    edge = cutoff(rule, today)
    if edge is None:
        return None
    rows = kind.model._default_manager.all()
    if rule.basis == Basis.CHILD_AGE:
        via = "" if kind.pupil_field is None else f"{kind.pupil_field}__"
        born = f"{via}date_of_birth__lt"
        return rows.filter(**{born: edge})
    if not kind.date_fields:
        return None  # nothing to date it by: keep it
    # Every date on the row must be past the cutoff; an empty end date means it is ongoing.
    start_of_day = timezone.make_aware(datetime.combine(edge, time.min))
    return rows.filter(
        **{
            f"{name}__lt": start_of_day if name in kind.datetime_fields else edge
            for name in kind.date_fields
        }
    )


def _delete(rows: models.QuerySet[Any], report: RetentionReport) -> None:
    _, per_model = rows.delete()
    for label, count in per_model.items():
        if count:
            report.removed[label.lower()] += count


def retention_rule_set(
    *, actor: User, school: School, kind: str, basis: str, years: int | None
) -> RetentionRule:
    """Choose how long this school keeps one kind of record."""
    if kind_named(kind) is None:
        raise PrivacyError("We don't know that kind of record.", "retention.unknown_kind", "kind")
    try:
        rule = Rule(Basis(basis), 0 if basis == Basis.KEEP else (years or 0))
    except ValueError as exc:
        raise PrivacyError(str(exc), "retention.bad_years", "years") from exc
    with transaction.atomic():
        saved, _ = RetentionRule.objects.update_or_create(
            school=school,
            kind=kind,
            defaults={"basis": rule.basis.value, "years": rule.years, "changed_by": actor},
        )
        record(
            Action.RETENTION_RULE_SET,
            saved,
            actor=actor,
            changes={"kind": kind, "rule": rule.describe()},
        )
    return saved


# --- Legal holds ------------------------------------------------------------------------------


def legal_hold_place(
    *, actor: User, school: School, pupil: Pupil | None, kind: str, reason: str
) -> LegalHold:
    """Stop retention and erasure removing a child's records, or every record of a kind."""
    if pupil is None and not kind:
        raise PrivacyError("Choose a child or a kind of record to hold.", "hold.no_target", "pupil")
    if kind and kind_named(kind) is None:
        raise PrivacyError("We don't know that kind of record.", "hold.unknown_kind", "kind")
    if not reason.strip():
        raise PrivacyError("Say why the records must be kept.", "hold.no_reason", "reason")
    hold = LegalHold(
        school=school,
        pupil_id=pupil.pk if pupil else None,
        kind=kind,
        reason=reason.strip(),
        placed_by=actor,
        placed_by_label=str(actor),
        placed_at=timezone.now(),
    )
    return save_recorded(
        Action.LEGAL_HOLD_PLACED,
        hold,
        actor=actor,
        changes={"kind": kind, "reason": hold.reason},
    )


def legal_hold_release(*, actor: User, hold: LegalHold) -> LegalHold:
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update(of=("self",)).get(pk=hold.pk)
        if locked.released_at is not None:
            raise PrivacyError("That hold has already been lifted.", "hold.released")
        locked.released_at = timezone.now()
        locked.released_by = actor
        locked.save(update_fields=["released_at", "released_by"])
        record(
            Action.LEGAL_HOLD_RELEASED,
            locked,
            actor=actor,
            changes={"kind": locked.kind, "pupil_id": str(locked.pupil_id or "")},
        )
    return locked


# --- Subject access -------------------------------------------------------------------------


def subject_access_logged(*, actor: User, pupil: Pupil, fmt: str) -> None:
    """Record that everything about a child was exported, before it is handed over."""
    record(Action.SUBJECT_ACCESS_EXPORTED, pupil, actor=actor, changes={"format": fmt})


# --- Correction and erasure -----------------------------------------------------------------

# Fields a correction may never change: identity, tenancy and bookkeeping.
UNCORRECTABLE = frozenset({"id", "school", "created_at", "updated_at"})

NOT_FOUND = "We can't find that record about this child."


@dataclass(frozen=True)
class Target:
    kind: RecordKind
    obj: models.Model


def _target(pupil_id: uuid.UUID, record_kind: str, record_id: str) -> Target:
    kind = kind_named(record_kind)
    missing = PrivacyError(NOT_FOUND, "request.no_record", "record")
    if kind is None:
        raise missing
    try:
        obj = kind.for_pupil(pupil_id).filter(pk=record_id).first()
    except (ValueError, ValidationError):
        raise missing from None
    if obj is None:
        raise missing
    return Target(kind, obj)


def _membership(actor: User, school_id: int) -> Membership | None:
    return actor.memberships.filter(school_id=school_id, is_active=True).first()


def _corrected(
    target: Target, field_name: str, new_value: str
) -> tuple[models.Field[Any, Any], Any]:
    """The field and the cleaned new value, or a PrivacyError saying what is wrong."""
    try:
        model_field = target.kind.model._meta.get_field(field_name)
    except FieldDoesNotExist:
        model_field = None
    if (
        not isinstance(model_field, models.Field)
        or model_field.is_relation
        or not model_field.editable
        or model_field.primary_key
        or field_name in UNCORRECTABLE
    ):
        raise PrivacyError("That field can't be corrected here.", "request.bad_field", "field_name")
    try:
        value = model_field.clean(new_value, target.obj)
    except ValidationError as exc:
        raise PrivacyError(
            f"That value won't do: {' '.join(exc.messages)}", "request.bad_value", "new_value"
        ) from None
    return model_field, value


def data_request_raise(
    *,
    actor: User,
    pupil: Pupil,
    kind: str,
    reason: str,
    record_ref: str = "",
    field_name: str = "",
    new_value: str = "",
) -> DataRequest:
    """Ask for a correction or an erasure; someone else with the permission decides.

    ``record_ref`` is ``"app_label.model:id"``. A record the asker may not read is answered as
    if it did not exist, so asking reveals nothing.
    """
    if not reason.strip():
        raise PrivacyError("Say why this is needed.", "request.no_reason", "reason")
    record_kind, _, record_id = record_ref.partition(":")
    if kind == RequestKind.ERASE_CHILD:
        record_kind, record_id, field_name, new_value = PUPIL_KIND, str(pupil.pk), "", ""
    elif kind in (RequestKind.CORRECT, RequestKind.ERASE_RECORD):
        target = _target(pupil.pk, record_kind, record_id)
        membership = _membership(actor, pupil.school_id)
        if membership is None or not may_read_record(membership, pupil, target.kind, target.obj):
            raise PrivacyError(NOT_FOUND, "request.no_record", "record")
        if kind == RequestKind.CORRECT:
            _corrected(target, field_name, new_value)
        elif record_kind == PUPIL_KIND:
            raise PrivacyError(
                "To erase the child's own record, ask to erase everything about them.",
                "request.erase_pupil_row",
                "record",
            )
    else:
        raise PrivacyError("Choose what you are asking for.", "request.bad_kind", "kind")
    made = DataRequest(
        school=pupil.school,
        pupil_id=pupil.pk,
        pupil_label=pupil.display_name,
        kind=kind,
        record_kind=record_kind,
        record_id=record_id,
        field_name=field_name if kind == RequestKind.CORRECT else "",
        new_value=new_value if kind == RequestKind.CORRECT else "",
        reason=reason.strip(),
        raised_by=actor,
        raised_at=timezone.now(),
    )
    return save_recorded(
        Action.DATA_REQUEST_RAISED,
        made,
        actor=actor,
        changes={"kind": kind, "record": record_ref, "field": made.field_name},
    )


def data_request_decide(
    *, actor: User, data_request: DataRequest, approve: bool, note: str = ""
) -> DataRequest:
    """Approve (and apply, in the same transaction) or refuse a request."""
    membership = _membership(actor, data_request.school_id)
    if membership is None or not membership.can(Permission.HANDLE_DATA_REQUESTS):
        raise PrivacyError("You can't decide data requests.", "request.not_allowed")
    if data_request.raised_by_id == actor.pk:
        raise PrivacyError("Someone else must decide a request you raised.", "request.own_request")
    if not approve and not note.strip():
        raise PrivacyError("Say why you are refusing it.", "request.no_note", "note")
    if not may_decide(membership, data_request):
        raise PrivacyError(
            "This record is for the designated safeguarding lead only, so a safeguarding lead "
            "who handles data requests must decide it.",
            "request.above_level",
        )
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update(of=("self",)).get(pk=data_request.pk)
        if locked.status != RequestStatus.PENDING:
            raise PrivacyError("That request has already been decided.", "request.decided")
        # The decider's note can say what the family told the school: the trail keeps a digest.
        changes: dict[str, Any] = {"kind": locked.kind, "decision_note": note.strip()}
        if approve:
            changes |= _apply(locked)
        locked.status = RequestStatus.APPLIED if approve else RequestStatus.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        # The event names the child by id only, whether or not they are still on record.
        action = Action.DATA_REQUEST_APPLIED if approve else Action.DATA_REQUEST_REFUSED
        record(action, locked, actor=actor, changes=changes)
    return locked


def request_target(data_request: DataRequest) -> tuple[Pupil, Target] | None:
    """The child and the record a correction or one-record erasure is about, if both are
    still held (inside the open school scope)."""
    if data_request.kind == RequestKind.ERASE_CHILD:
        return None
    pupil = Pupil.objects.filter(pk=data_request.pupil_id).first()
    if pupil is None:
        return None
    try:
        target = _target(pupil.pk, data_request.record_kind, data_request.record_id)
    except PrivacyError:
        return None
    return pupil, target


def may_decide(membership: Membership, data_request: DataRequest) -> bool:
    """Whether the record a request is about is one this reader may read: nobody approves a
    change to a note they cannot see (an erasure of the whole child needs only the permission)."""
    found = request_target(data_request)
    if found is None:
        return True
    pupil, target = found
    return may_read_record(membership, pupil, target.kind, target.obj)


ERASED_LABEL = "A child whose records were erased"


def _apply(data_request: DataRequest) -> dict[str, Any]:
    """Carry out an approved request; what changed, for the audit trail."""
    pupil_id = data_request.pupil_id
    if data_request.kind == RequestKind.ERASE_CHILD:
        kinds = {k.label for k in record_kinds() if k.for_pupil(pupil_id).exists()}
        _refuse_if_held(pupil_id, kinds | {PUPIL_KIND})
        removed = _erase(Pupil.objects.filter(pk=pupil_id))
        DataRequest.objects.filter(pupil_id=pupil_id).update(pupil_label=ERASED_LABEL)
        data_request.pupil_label = ERASED_LABEL
        return {"removed": removed}
    target = _target(pupil_id, data_request.record_kind, data_request.record_id)
    where = {"record": f"{target.kind.label}:{target.obj.pk}"}
    if data_request.kind == RequestKind.ERASE_RECORD:
        _refuse_if_held(pupil_id, {target.kind.label})
        removed = _erase(target.kind.model._default_manager.filter(pk=target.obj.pk))
        return where | {"removed": removed}
    model_field, value = _corrected(target, data_request.field_name, data_request.new_value)
    hide = _hidden_in_trail(target, model_field.name)
    before = plain(model_field.value_from_object(target.obj))
    setattr(target.obj, model_field.attname, value)
    try:
        with transaction.atomic():
            target.obj.save(update_fields=[model_field.name])
    except IntegrityError:
        raise PrivacyError(
            "That value clashes with another record (it must be unique), so nothing changed.",
            "request.conflict",
        ) from None
    after = plain(value)
    if hide:
        before, after = digest(before), digest(after)
    return where | {"field": model_field.name, "before": before, "after": after}


def _hidden_in_trail(target: Target, field_name: str) -> bool:
    """Whether the trail must keep only a digest of this field's values: the model lists it
    as sensitive text, or the record is a note for fewer readers than everyone (the trail and
    its export are read by the administrator, who reads no notes)."""
    if field_name in getattr(target.kind.model, "sensitive_fields", ()):
        return True
    level = target.kind.level_of(target.obj)
    return level is not None and level != Level.EVERYONE


def _refuse_if_held(pupil_id: uuid.UUID, kinds: set[str]) -> None:
    hold = hold_blocking(pupil_id, kinds)
    if hold is not None:
        raise PrivacyError(
            f"This can't be erased: {hold.placed_by_label} placed a legal hold on "
            f"{timezone.localtime(hold.placed_at):%-d %B %Y} ({hold.reason}). "
            "Lift the hold first if it no longer applies.",
            "request.held",
        )


def _erase(rows: models.QuerySet[Any]) -> dict[str, int]:
    """Delete with everything that depends on it; the counts by kind, never the values."""
    try:
        with transaction.atomic():
            _, per_model = rows.delete()
    except (ProtectedError, RestrictedError):
        raise PrivacyError(
            "This can't be erased yet: other records still depend on it.", "request.protected"
        ) from None
    return {label.lower(): count for label, count in sorted(per_model.items()) if count}
