"""Parents and carers from ``/students?include=contacts,contacts.contact_details``.

Each student's contact list is the whole list the MIS holds for that child, so a contact who
is no longer on it has their link to the child ended (kept, with its dates). A contact is one
record however many children they are linked to (siblings share their parents).

The audit record keeps which contact fields changed, not the addresses or numbers: the trail
is read more widely than the contacts themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from attune.auditlog.actions import Action
from attune.auditlog.record import Entry
from attune.mis.domain.wonde import (
    Contact as WondeContact,
)
from attune.mis.domain.wonde import (
    ContactLink,
    Problem,
    Unreadable,
    read_student_contacts,
)
from attune.mis.models import LinkKind, MisLink
from attune.mis.sync.context import RunContext, changed
from attune.mis.sync.links import children_by_student
from attune.people.models import Contact, ContactSource, PupilContact

CONTACT_FIELDS = ("title", "forename", "surname", "email", "phone")
LINK_FIELDS = (
    "relationship",
    "priority",
    "parental_responsibility",
    "lives_with_pupil",
    "no_contact",
)
LIMITS = {"title": 20, "forename": 100, "surname": 100, "email": 254, "phone": 40}


def apply_page(ctx: RunContext, rows: Sequence[Mapping[str, Any]]) -> bool:
    given: list[tuple[str, tuple[ContactLink, ...]]] = []
    doubtful = False
    for row in rows:
        try:
            student_id, links = read_student_contacts(row)
        except Unreadable as error:
            ctx.problem(Problem(error.code, error.message))
            doubtful = True
            continue
        if links is None:
            ctx.counts["contacts_not_given"] += 1
            continue
        given.append((student_id, links))
    _ContactWriter(ctx).run(given)
    return doubtful


@dataclass
class _ContactWriter:
    ctx: RunContext
    entries: list[Entry] = field(default_factory=list)
    new_links: list[PupilContact] = field(default_factory=list)

    def run(self, given: list[tuple[str, tuple[ContactLink, ...]]]) -> None:
        pupil_ids = children_by_student(self.ctx.school.pk, [student for student, _ in given])
        known = [(pupil_ids[s], links) for s, links in given if s in pupil_ids]
        self.ctx.counts["contacts_for_children_not_in_attune"] += len(given) - len(known)
        contacts = self._contacts([link.contact for _, links in known for link in links])
        current = self._current_links([pupil_id for pupil_id, _ in known])
        for pupil_id, links in known:
            self._links_of(pupil_id, links, contacts, current.get(pupil_id, {}))
        PupilContact.objects.bulk_create(self.new_links)
        for link in self.new_links:
            self.entries.append(
                Entry(
                    Action.CHILD_CONTACT_MIS_LINKED,
                    link,
                    changes={name: [None, getattr(link, name)] for name in LINK_FIELDS}
                    | {"contact": str(link.contact_id), "source": "mis"},
                )
            )
        self.ctx.counts["child_contacts_added"] += len(self.new_links)
        self.ctx.audit(self.entries)

    # --- the contacts themselves -------------------------------------------------------------

    def _contacts(self, people: list[WondeContact]) -> dict[str, Contact]:
        """Each contact once, by Wonde id: found through its link, added if new, updated
        with what the MIS gave."""
        unique = {person.wonde_id: person for person in reversed(people)}
        links = dict(
            MisLink.objects.filter(kind=LinkKind.CONTACT, wonde_id__in=list(unique)).values_list(
                "wonde_id", "local_id"
            )
        )
        stored = Contact.objects.in_bulk(list(links.values()))
        found: dict[str, Contact] = {}
        new: list[tuple[WondeContact, Contact]] = []
        for wonde_id, person in unique.items():
            contact = stored.get(links.get(wonde_id))
            if contact is None:
                contact = Contact(
                    school=self.ctx.school, source=ContactSource.MIS, **_values(person, None)
                )
                new.append((person, contact))
            else:
                self._update_contact(contact, person)
            found[wonde_id] = contact
        Contact.objects.bulk_create([contact for _, contact in new])
        MisLink.objects.bulk_create(
            MisLink(
                school=self.ctx.school,
                kind=LinkKind.CONTACT,
                wonde_id=person.wonde_id,
                upi=person.upi or "",
                local_id=contact.pk,
            )
            for person, contact in new
            if person.wonde_id not in links
        )
        for _, contact in new:
            self.entries.append(
                Entry(Action.CONTACT_MIS_ADDED, contact, pupil=None, changes={"source": "mis"})
            )
        self.ctx.counts["contacts_added"] += len(new)
        return found

    def _update_contact(self, contact: Contact, person: WondeContact) -> None:
        values = _values(person, contact)
        changes = changed({name: getattr(contact, name) for name in values}, values)
        if contact.ended_on is not None:  # listed for a child again: back in the MIS
            values["ended_on"] = None
            changes["ended_on"] = ["ended", None]
        if not changes:
            return
        for name, value in values.items():
            setattr(contact, name, value)
        contact.save(update_fields=[*values, "updated_at"])
        self.ctx.counts["contacts_updated"] += 1
        # Which fields changed, not their values: addresses and numbers stay out of the trail.
        self.entries.append(
            Entry(
                Action.CONTACT_MIS_UPDATED,
                contact,
                pupil=None,
                changes={"changed": sorted(changes), "source": "mis"},
            )
        )

    # --- how each contact stands to each child -----------------------------------------------

    def _current_links(self, pupil_ids: list[Any]) -> dict[Any, dict[Any, PupilContact]]:
        current: dict[Any, dict[Any, PupilContact]] = {}
        for link in PupilContact.objects.filter(
            pupil_id__in=pupil_ids, ended_on=None, source=ContactSource.MIS
        ):
            current.setdefault(link.pupil_id, {})[link.contact_id] = link
        return current

    def _links_of(
        self,
        pupil_id: Any,
        links: tuple[ContactLink, ...],
        contacts: dict[str, Contact],
        current: dict[Any, PupilContact],
    ) -> None:
        seen = set()
        for given in links:
            contact = contacts[given.contact.wonde_id]
            if contact.pk in seen:
                continue
            seen.add(contact.pk)
            values = _link_values(given)
            link = current.get(contact.pk)
            if link is None:
                self._add_link(pupil_id, contact, values)
            else:
                self._change_link(link, values)
        for contact_id, link in current.items():
            if contact_id not in seen:
                self._end_link(link, "no longer listed for this child in the MIS")

    def _add_link(self, pupil_id: Any, contact: Contact, values: dict[str, Any]) -> None:
        self.new_links.append(
            PupilContact(
                school=self.ctx.school,
                pupil_id=pupil_id,
                contact=contact,
                source=ContactSource.MIS,
                started_on=self.ctx.today,
                **{"no_contact": False, **values},
            )
        )

    def _change_link(self, link: PupilContact, values: dict[str, Any]) -> None:
        changes = changed({name: getattr(link, name) for name in values}, values)
        if not changes:
            return
        for name in changes:
            setattr(link, name, values[name])
        link.save(update_fields=list(changes))
        self.ctx.counts["child_contacts_changed"] += 1
        self.entries.append(
            Entry(Action.CHILD_CONTACT_MIS_CHANGED, link, changes={**changes, "source": "mis"})
        )

    def _end_link(self, link: PupilContact, why: str) -> None:
        link.ended_on = max(self.ctx.today, link.started_on)
        link.save(update_fields=["ended_on"])
        self.ctx.counts["child_contacts_ended"] += 1
        self.entries.append(
            Entry(
                Action.CHILD_CONTACT_MIS_ENDED,
                link,
                changes={"ended_on": link.ended_on.isoformat(), "why": why, "source": "mis"},
            )
        )


def end_contact(ctx: RunContext, contact: Contact, entries: list[Entry]) -> None:
    """The MIS deleted the contact: end it and its links to children, keeping both."""
    if contact.ended_on is None:
        contact.ended_on = ctx.today
        contact.save(update_fields=["ended_on", "updated_at"])
        entries.append(
            Entry(Action.CONTACT_MIS_ENDED, contact, pupil=None, changes={"source": "mis"})
        )
        ctx.counts["contacts_ended"] += 1
    writer = _ContactWriter(ctx, entries)
    for link in PupilContact.objects.filter(contact=contact, ended_on=None):
        writer._end_link(link, "the contact was deleted in the MIS")


def _values(person: WondeContact, contact: Contact | None) -> dict[str, Any]:
    """The contact's fields the MIS gave (``None``: not given, so not changed)."""
    values = {name: getattr(person, name) for name in CONTACT_FIELDS}
    given = {name: value[: LIMITS[name]] for name, value in values.items() if value is not None}
    if contact is None:
        return {name: given.get(name, "") for name in CONTACT_FIELDS}
    return given


def _link_values(link: ContactLink) -> dict[str, Any]:
    values: dict[str, Any] = {
        "relationship": link.relationship[:60] if link.relationship is not None else None,
        "priority": link.priority if link.priority is None or 0 <= link.priority < 32768 else None,
        "parental_responsibility": link.parental_responsibility,
        "lives_with_pupil": link.lives_with_pupil,
        "no_contact": link.no_contact,
    }
    return {name: value for name, value in values.items() if value is not None}
