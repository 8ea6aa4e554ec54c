"""Importing the authority's list of the children it looks after: the whole file or nothing.

The file is checked completely first (``domain/roster_csv.py``); only a file with no problem is
written, in one transaction. A child is found again by the authority's own identifier: a child
already on the list is updated, anyone else is added. A change of school ends the child's
current placement and starts a new one, so where they have learnt stays on record. Each child
added or changed is one event in the audit record (which fields changed, never what the names
were changed to), and a partner whose email changed can no longer reach the child's PEP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import Entry, record_many
from attune.people.imports import ImportRejected
from attune.people.models import LocalAuthority
from attune.tenancy import authority_scope

from .domain.roster_csv import RosterRow, parse_roster
from .models import LookedAfterChild, Placement
from .partners import EMAIL_OF, partners_forget

# The child's fields the file sets, as the model names them.
CHILD_FIELDS = (
    "upn",
    "legal_forename",
    "legal_surname",
    "preferred_name",
    "date_of_birth",
    "looked_after_from",
    "looked_after_to",
    "legal_status",
    "social_worker_email",
    "carer_email",
    "designated_teacher_email",
)
# Fields whose old and new values the audit record may keep: dates and codes, not names or
# addresses (for those it keeps only that they changed).
PLAIN_FIELDS = frozenset({"looked_after_from", "looked_after_to", "legal_status"})


class RosterImportRejected(ImportRejected):
    rejected_code = "roster_import.rejected"


@dataclass
class RosterImport:
    authority: LocalAuthority
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0
    partners_removed: int = 0
    events: list[Entry] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # none yet: every problem is refused

    def summary(self) -> str:
        total = self.added + self.updated + self.unchanged
        text = (
            f"Imported {total} child{'ren' if total != 1 else ''} for {self.authority.name}: "
            f"{self.added} new, {self.updated} updated, {self.unchanged} already up to date"
        )
        if self.moved:
            text += f"; {self.moved} changed school (the old school is kept in their history)"
        if self.partners_removed:
            text += (
                f"; {self.partners_removed} PEP partner{'s' if self.partners_removed != 1 else ''}"
                " whose email changed can no longer open the PEP"
            )
        return text + "."


def roster_import(
    *,
    authority: LocalAuthority,
    stream: IO[bytes] | IO[str],
    today: date,
    actor: User | None = None,
) -> RosterImport:
    """Add and update the authority's children from a roster CSV, or raise
    ``RosterImportRejected`` having saved nothing."""
    parsed = parse_roster(stream, today=today)
    if not parsed.ok:
        raise RosterImportRejected(parsed.errors)
    result = RosterImport(authority)
    with transaction.atomic(), authority_scope(authority):
        known = {
            child.child_id: child
            for child in LookedAfterChild.objects.filter(
                child_id__in=[row.child_id for row in parsed.rows]
            )
        }
        current = {
            p.child_id: p
            for p in Placement.objects.filter(child__in=list(known.values()), ended_on__isnull=True)
        }
        for row in parsed.rows:
            child = known.get(row.child_id)
            if child is None:
                _add(authority, row, today, result)
            else:
                _update(child, current.get(child.pk), row, today, actor, result)
        record_many(actor=actor, school_id=None, entries=result.events)
    return result


def _values(row: RosterRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in CHILD_FIELDS}


def _add(authority: LocalAuthority, row: RosterRow, today: date, result: RosterImport) -> None:
    child = LookedAfterChild.objects.create(
        local_authority=authority, child_id=row.child_id, **_values(row)
    )
    Placement.objects.create(
        local_authority=authority,
        child=child,
        school_urn=row.school_urn,
        school_name=row.school_name,
        started_on=today,
    )
    result.added += 1
    result.events.append(
        Entry(
            Action.VS_ROSTER_CHILD_ADDED,
            child,
            child.pk,
            {"child_id": row.child_id, "school_urn": row.school_urn},
        )
    )


def _update(
    child: LookedAfterChild,
    placement: Placement | None,
    row: RosterRow,
    today: date,
    actor: User | None,
    result: RosterImport,
) -> None:
    values = _values(row)
    changed = [name for name, value in values.items() if getattr(child, name) != value]
    changes: dict[str, Any] = {}
    if changed:
        for name in changed:
            changes[name] = (
                [str(getattr(child, name) or ""), str(values[name] or "")]
                if name in PLAIN_FIELDS
                else "changed"
            )
            setattr(child, name, values[name])
        child.save(update_fields=[*changed, "updated_at"])
        kinds = [kind for kind, name in EMAIL_OF.items() if name in changed]
        if kinds:
            result.partners_removed += partners_forget(child=child, kinds=kinds, actor=actor)
    moved = _move(child, placement, row, today, result)
    if changed or moved:
        result.updated += 1
    else:
        result.unchanged += 1
    if changed:
        result.events.append(Entry(Action.VS_ROSTER_CHILD_UPDATED, child, child.pk, changes))


def _move(
    child: LookedAfterChild,
    placement: Placement | None,
    row: RosterRow,
    today: date,
    result: RosterImport,
) -> bool:
    """Keep the child's placement in step with the file: a new school ends the old placement
    (the day before, or the day it began if that was today) and starts another."""
    if placement is not None and placement.school_urn == row.school_urn:
        if placement.school_name != row.school_name:
            result.events.append(
                Entry(
                    Action.VS_ROSTER_CHILD_UPDATED,
                    child,
                    child.pk,
                    {"school_name": [placement.school_name, row.school_name]},
                )
            )
            placement.school_name = row.school_name
            placement.save(update_fields=["school_name"])
            return True
        return False
    before = None
    if placement is not None:
        placement.ended_on = max(today - timedelta(days=1), placement.started_on)
        placement.save(update_fields=["ended_on"])
        before = placement.school_urn
    Placement.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        school_urn=row.school_urn,
        school_name=row.school_name,
        started_on=today,
    )
    result.moved += 1
    result.events.append(
        Entry(
            Action.VS_ROSTER_SCHOOL_CHANGED,
            child,
            child.pk,
            {"school_urn": [before, row.school_urn]},
        )
    )
    return True
