"""``/deletions``: what the MIS removed (or brought back). A deletion ends a record in Attune,
it never erases one: a pupil gets a leaving date, a contact and their links to children an
end date, a member of staff stops being active, a group and its memberships end. A
``restored_at`` undoes what the deletion did [DOC²].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attune.auditlog.actions import Action
from attune.auditlog.record import Entry
from attune.mis.domain.wonde import DELETION_TYPES, Deletion, Problem, Unreadable, read_deletion
from attune.mis.models import LinkKind, MisGroup, MisGroupMembership, MisLink
from attune.mis.sync.contacts import end_contact
from attune.mis.sync.context import RunContext
from attune.mis.sync.groups import end_membership
from attune.mis.sync.staff import staff_left
from attune.people.models import Contact, Pupil, Staff

_LINK_KINDS = {
    "student": LinkKind.STUDENT,
    "contact": LinkKind.CONTACT,
    "employee": LinkKind.EMPLOYEE,
}


def page_for(kind: str) -> Any:
    """The page handler for one kind's deletions (it reads only its own types)."""
    types = DELETION_TYPES[kind]

    def apply_page(ctx: RunContext, rows: Sequence[Mapping[str, Any]]) -> bool:
        deletions: list[Deletion] = []
        doubtful = False
        for row in rows:
            try:
                deletion = read_deletion(row)
            except Unreadable as error:
                ctx.problem(Problem(error.code, error.message))
                doubtful = True
                continue
            if deletion.type in types:
                deletions.append(deletion)
        entries: list[Entry] = []
        for deletion in deletions:
            _apply(ctx, deletion, entries)
        ctx.audit(entries)
        return doubtful

    return apply_page


def _apply(ctx: RunContext, deletion: Deletion, entries: list[Entry]) -> None:
    if deletion.type == "group":
        _group(ctx, deletion, entries)
        return
    link = MisLink.objects.filter(
        kind=_LINK_KINDS[deletion.type], wonde_id=deletion.wonde_id
    ).first()
    if link is None:
        ctx.counts["deletions_not_in_attune"] += 1
        return
    ended_on = None if deletion.restored else (deletion.deleted_on or ctx.today)
    if link.ended_on != ended_on:
        link.ended_on = ended_on
        link.save(update_fields=["ended_on"])
    if deletion.type == "student":
        _pupil(ctx, link, deletion, entries)
    elif deletion.type == "contact":
        contact = Contact.objects.filter(pk=link.local_id).first()
        if contact is not None and not deletion.restored:
            end_contact(ctx, contact, entries)
        elif contact is not None and contact.ended_on is not None:
            contact.ended_on = None
            contact.save(update_fields=["ended_on", "updated_at"])
            ctx.counts["contacts_restored"] += 1
    else:
        person = Staff.objects.filter(pk=link.local_id).first()
        if person is not None:
            staff_left(ctx, person, entries, active=deletion.restored)


def _pupil(ctx: RunContext, link: MisLink, deletion: Deletion, entries: list[Entry]) -> None:
    """A deleted student leaves: the leaving date the MIS gave, else the day of deletion. A
    restored one has that leaving date taken away again (only if this deletion set it)."""
    pupil = Pupil.objects.filter(pk=link.local_id).first()
    if pupil is None:
        return
    set_by_us = link.data.get("leaving_date_from_deletion")
    if not deletion.restored and pupil.leaving_date is None:
        left = deletion.deleted_on or ctx.today
        pupil.leaving_date = left
        link.data = {**link.data, "leaving_date_from_deletion": left.isoformat()}
        action, changes = Action.PUPIL_MIS_LEFT, {"leaving_date": [None, left.isoformat()]}
        ctx.counts["pupils_left"] += 1
    elif deletion.restored and set_by_us and pupil.leaving_date is not None:
        if pupil.leaving_date.isoformat() != set_by_us:
            return
        pupil.leaving_date = None
        link.data = {k: v for k, v in link.data.items() if k != "leaving_date_from_deletion"}
        action, changes = Action.PUPIL_MIS_UPDATED, {"leaving_date": [set_by_us, None]}
        ctx.counts["pupils_restored"] += 1
    else:
        return
    pupil.save(update_fields=["leaving_date", "updated_at"])
    link.save(update_fields=["data"])
    entries.append(Entry(action, pupil, changes={**changes, "source": "mis", "why": "deletion"}))


def _group(ctx: RunContext, deletion: Deletion, entries: list[Entry]) -> None:
    group = MisGroup.objects.filter(wonde_id=deletion.wonde_id).first()
    if group is None:
        ctx.counts["deletions_not_in_attune"] += 1
        return
    if deletion.restored:
        if group.ended_on is not None:
            group.ended_on = None
            group.save(update_fields=["ended_on"])
        return
    if group.ended_on is None:
        group.ended_on = deletion.deleted_on or ctx.today
        group.save(update_fields=["ended_on"])
        ctx.counts["groups_ended"] += 1
    for membership in MisGroupMembership.objects.filter(group=group, ended_on=None):
        end_membership(ctx, membership, group, entries)
