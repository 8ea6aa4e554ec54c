"""Staff from ``/employees``: current employees are added or updated; others are marked as
no longer active (never removed: their key adult history points at them).

The first time, a Wonde employee is matched to a member of staff already in Attune by email
address, if exactly one has it; two with the same address is a conflict, reported. A job role
the MIS implies (from its role text) is set when a member of staff is added and whenever the
MIS's role changes, so a role someone corrected in Attune stays until the MIS says otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Lower

from attune.auditlog.actions import Action
from attune.auditlog.record import Entry
from attune.mis.domain.wonde import Employee, Problem, Unreadable, job_role, read_employee
from attune.mis.models import LinkKind, MisLink
from attune.mis.sync.context import RunContext, changed
from attune.people.models import Staff


def apply_page(ctx: RunContext, rows: Sequence[Mapping[str, Any]]) -> bool:
    employees: list[Employee] = []
    doubtful = False
    for row in rows:
        try:
            employees.append(read_employee(row))
        except Unreadable as error:
            ctx.problem(Problem(error.code, error.message))
            doubtful = True
    _StaffWriter(ctx).run(employees)
    return doubtful


@dataclass
class _StaffWriter:
    ctx: RunContext
    entries: list[Entry] = field(default_factory=list)

    def run(self, employees: list[Employee]) -> None:
        links = {
            link.wonde_id: link
            for link in MisLink.objects.filter(
                kind=LinkKind.EMPLOYEE, wonde_id__in=[e.wonde_id for e in employees]
            )
        }
        staff = Staff.objects.in_bulk([link.local_id for link in links.values()])
        by_email = self._unlinked_by_email(employees, links)
        for employee in employees:
            link = links.get(employee.wonde_id)
            person = staff.get(link.local_id) if link else None
            if link is not None and person is not None:
                self._update(employee, person, link)
            elif link is None:
                self._match_or_add(employee, by_email)
        self.ctx.audit(self.entries)

    def _unlinked_by_email(
        self, employees: list[Employee], links: dict[str, MisLink]
    ) -> dict[str, list[Staff]]:
        emails = {e.email.lower() for e in employees if e.email and e.wonde_id not in links}
        if not emails:
            return {}
        taken = MisLink.objects.filter(kind=LinkKind.EMPLOYEE).values_list("local_id", flat=True)
        found: dict[str, list[Staff]] = defaultdict(list)
        candidates = (
            Staff.objects.annotate(address=Lower("email"))
            .filter(address__in=emails)
            .exclude(pk__in=list(taken))
        )
        for person in candidates:
            found[person.email.lower()].append(person)
        return found

    def _match_or_add(self, employee: Employee, by_email: dict[str, list[Staff]]) -> None:
        matches = by_email.get(employee.email.lower(), []) if employee.email else []
        if len(matches) > 1:
            self.ctx.counts["conflicts"] += 1
            self.ctx.problem(
                Problem(
                    "conflict.staff_email",
                    f"Employee {employee.wonde_id}: {len(matches)} members of staff in Attune "
                    f"have the email address {employee.email}, so none was linked. Give each "
                    "their own address.",
                )
            )
            return
        if matches:
            person = matches[0]
            link = self._link(employee, person, data={})
            self.ctx.counts["staff_linked"] += 1
            self._update(employee, person, link)
            return
        if employee.current is False:
            self.ctx.counts["former_staff_not_added"] += 1
            return
        if not (employee.forename and employee.surname):
            self.ctx.problem(
                Problem(
                    "staff.incomplete",
                    f"Employee {employee.wonde_id}: not added, because the MIS gave no name.",
                )
            )
            return
        role = job_role(employee.roles or ())
        person = Staff.objects.create(
            school=self.ctx.school,
            first_name=employee.forename[:100],
            last_name=employee.surname[:100],
            job_role=role,
            email=employee.email or "",
            is_active=True,
        )
        self._link(employee, person, data={"roles": list(employee.roles or ()), "job_role": role})
        self.ctx.counts["staff_added"] += 1
        self.entries.append(
            Entry(
                Action.STAFF_MIS_ADDED,
                person,
                pupil=None,
                changes={"job_role": role, "is_active": person.is_active, "source": "mis"},
            )
        )

    def _link(self, employee: Employee, person: Staff, *, data: dict[str, Any]) -> MisLink:
        return MisLink.objects.create(
            school=self.ctx.school,
            kind=LinkKind.EMPLOYEE,
            wonde_id=employee.wonde_id,
            upi=employee.upi or "",
            local_id=person.pk,
            data=data,
        )

    def _update(self, employee: Employee, person: Staff, link: MisLink) -> None:
        values: dict[str, Any] = {
            "first_name": employee.forename[:100] if employee.forename else None,
            "last_name": employee.surname[:100] if employee.surname else None,
            "email": employee.email,
            "is_active": employee.current,
        }
        if employee.roles is not None:
            role = job_role(employee.roles)
            if role != link.data.get("job_role"):
                values["job_role"] = role
            link.data = {"roles": list(employee.roles), "job_role": role}
            link.save(update_fields=["data"])
        values = {name: value for name, value in values.items() if value is not None}
        changes = changed({name: getattr(person, name) for name in values}, values)
        if not changes:
            return
        for name in changes:
            setattr(person, name, values[name])
        person.save(update_fields=list(changes))
        self.ctx.counts["staff_updated"] += 1
        shown = {k: v for k, v in changes.items() if k in ("job_role", "is_active")}
        self.entries.append(
            Entry(
                Action.STAFF_MIS_UPDATED,
                person,
                pupil=None,
                changes={**shown, "changed": sorted(changes), "source": "mis"},
            )
        )


def staff_left(ctx: RunContext, person: Staff, entries: list[Entry], *, active: bool) -> None:
    """The MIS deleted (or restored) an employee: they stop (or start again) being active."""
    if person.is_active == active:
        return
    person.is_active = active
    person.save(update_fields=["is_active"])
    ctx.counts["staff_ended" if not active else "staff_restored"] += 1
    entries.append(
        Entry(
            Action.STAFF_MIS_UPDATED,
            person,
            pupil=None,
            changes={"is_active": [not active, active], "source": "mis"},
        )
    )
