"""Writes for attendance. Imports live in ``imports.py``; term dates and concerns live here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from django.db import transaction

from attune.accounts.models import User
from attune.attendance.models import (
    AbsenceFactor,
    AttendanceConcern,
    ConcernFactor,
    ConcernStatus,
    SchoolTerm,
)
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import changed
from attune.errors import AttuneError
from attune.people.models import Pupil, School


class TermDatesError(AttuneError):
    pass


class ConcernError(AttuneError):
    pass


# --- term dates ----------------------------------------------------------------------------


def _check_term(starts_on: date, ends_on: date, term_id: uuid.UUID | None) -> None:
    if ends_on < starts_on:
        raise TermDatesError(
            "The last day must be on or after the first day.", "term.ends_before_start", "ends_on"
        )
    others = SchoolTerm.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if term_id is not None:
        others = others.exclude(pk=term_id)
    clash = others.first()
    if clash is not None:
        raise TermDatesError(
            f"These dates overlap {clash.name} ({clash.starts_on:%-d %B} to "
            f"{clash.ends_on:%-d %B %Y}). Change one of them first.",
            "term.overlaps",
            "starts_on",
        )


def term_save(
    *,
    actor: User,
    school: School,
    name: str,
    starts_on: date,
    ends_on: date,
    term: SchoolTerm | None = None,
) -> SchoolTerm:
    """Add a term (or change one): it must not overlap another term of the school."""
    with transaction.atomic():
        _check_term(starts_on, ends_on, term.pk if term else None)
        old = {} if term is None else _term_values(term)
        if term is None:
            term = SchoolTerm(school=school)
        term.name, term.starts_on, term.ends_on = name, starts_on, ends_on
        term.save()
        new = _term_values(term)
        record(
            Action.TERM_CHANGED if old else Action.TERM_ADDED,
            term,
            actor=actor,
            changes=changed(old, new),
        )
    return term


def _term_values(term: SchoolTerm) -> dict[str, str]:
    return {"name": term.name, "starts_on": str(term.starts_on), "ends_on": str(term.ends_on)}


def term_delete(*, actor: User, term: SchoolTerm) -> None:
    with transaction.atomic():
        record(
            Action.TERM_REMOVED,
            term,
            actor=actor,
            changes={k: [v, None] for k, v in _term_values(term).items()},
        )
        term.delete()


# --- attendance concerns -------------------------------------------------------------------


def _concern_values(concern: AttendanceConcern, factors: Iterable[str]) -> dict[str, object]:
    return {
        "opened_on": str(concern.opened_on),
        "status": concern.status,
        "closed_on": str(concern.closed_on) if concern.closed_on else None,
        # Kept as a digest, never as text: the notes may say a lot about a family
        # (``AttendanceConcern.sensitive_fields``).
        "notes": concern.notes,
        "factors": sorted(factors),
    }


def concern_save(
    *,
    actor: User,
    pupil: Pupil,
    opened_on: date,
    status: str,
    notes: str,
    factors: Iterable[str],
    today: date,
    concern: AttendanceConcern | None = None,
) -> AttendanceConcern:
    """Open a concern about a child's attendance, or update one, with the factors behind it."""
    chosen = set(factors)
    if not chosen:
        raise ConcernError(
            "Choose at least one thing that seems to lie behind the absence "
            "(choose 'Something else' and say more in the notes if none fits).",
            "concern.no_factors",
            "factors",
        )
    if unknown := chosen - set(AbsenceFactor.values):
        raise ConcernError(
            f"Unknown factor: {sorted(unknown)[0]}.", "concern.bad_factor", "factors"
        )
    if opened_on > today:
        raise ConcernError(
            "A concern can't be opened in the future.", "concern.future", "opened_on"
        )
    if AbsenceFactor.OTHER in chosen and not notes.strip():
        raise ConcernError(
            "You chose 'Something else': say what in the notes.",
            "concern.other_unexplained",
            "notes",
        )
    with transaction.atomic():
        if concern is None:
            concern = AttendanceConcern(school=pupil.school, pupil=pupil, opened_by=actor)
            old: dict[str, object] = {}
        else:
            old = _concern_values(concern, concern.factors.values_list("factor", flat=True))
        was_closed = concern.status == ConcernStatus.CLOSED
        concern.opened_on, concern.status, concern.notes = opened_on, status, notes
        if status == ConcernStatus.CLOSED and not was_closed:
            concern.closed_on = max(today, opened_on)
        elif status != ConcernStatus.CLOSED:
            concern.closed_on = None
        concern.save()
        concern.factors.exclude(factor__in=chosen).delete()
        have = set(concern.factors.values_list("factor", flat=True))
        ConcernFactor.objects.bulk_create(
            ConcernFactor(school=pupil.school, concern=concern, factor=f) for f in chosen - have
        )
        new = _concern_values(concern, chosen)
        record(
            Action.ATTENDANCE_CONCERN_CHANGED if old else Action.ATTENDANCE_CONCERN_OPENED,
            concern,
            actor=actor,
            changes=changed(old, new),
        )
    return concern
